#include "caseboard/domain/workflow.h"

#include <map>

#include "caseboard/domain/checklists.h"
#include "caseboard/domain/decision.h"
#include "caseboard/domain/recommendation_check.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_schema.h"
#include "caseboard/domain/signoff.h"

namespace caseboard::domain {

using nlohmann::json;

bool WorkflowStatus::can_advance() const {
  if (stage == kStageClosed || stage == kStageComplete) return false;
  for (const auto& g : gate)
    if (!g.met) return false;
  return true;
}

std::vector<std::string> WorkflowStatus::missing() const {
  std::vector<std::string> out;
  for (const auto& g : gate)
    if (!g.met) out.push_back(g.detail.empty() ? g.label : g.label + " (" + g.detail + ")");
  return out;
}

json WorkflowStatus::ToJson() const {
  json gate_json = json::array(), deadlines_json = json::array();
  for (const auto& g : gate) gate_json.push_back({{"label", g.label}, {"met", g.met}, {"detail", g.detail}});
  for (const auto& d : deadlines) deadlines_json.push_back(d.ToJson());
  return {{"framework", framework},
          {"framework_name", framework_name},
          {"stage", stage},
          {"stage_name", stage_name},
          {"stage_number", stage_number},
          {"stage_count", stage_count},
          {"next_stage_name", next_stage_name},
          {"can_advance", can_advance()},
          {"missing", missing()},
          {"gate", gate_json},
          {"deadlines", deadlines_json},
          {"warnings", warnings}};
}

namespace {

bool Matches(const Record& r, const Requirement& req) {
  if (req.field.empty()) return true;
  if (!r.Filled(req.field)) return false;
  if (req.values.empty()) return true;
  for (const auto& v : req.values)
    if (*r.Get(req.field) == v) return true;
  return false;
}

// The latest answer to each item of a checklist (about one record, or none).
std::map<std::string, std::string> ChecklistAnswers(const crdt::Document& doc, const std::string& checklist) {
  std::map<std::string, std::string> out;
  for (const auto& a : Records(doc, "checklist_answer"))
    if (a.Str("checklist") == checklist && a.Filled("answer")) out[a.Str("item")] = a.Str("answer");
  return out;
}

GateItem TorComplete(const crdt::Document& doc, GateItem g) {
  static const std::vector<std::pair<const char*, const char*>> kContents = {
      {"purpose", "purpose"},
      {"standard_statement", "the standard statement"},
      {"contributors", "contributors"},
      {"family_involvement", "family and friends invited"},
      {"good_practice", "how good practice is acknowledged"},
      {"other_processes", "other processes"},
      {"other_areas", "other areas"},
      {"timescale", "timescale"},
      {"period_from", "period reviewed (from)"},
      {"period_to", "period reviewed (to)"},
      {"biographies", "biographies of independent people"},
      {"dissemination", "dissemination of learning"},
      {"governance", "governance"},
      {"publication", "publication"},
  };
  auto tor = First(doc, "terms_of_reference");
  std::string missing;
  for (const auto& [field, name] : kContents) {
    bool ok = tor && tor->Filled(field);
    if (ok && std::string(field) == "standard_statement") ok = tor->Get(field)->get<bool>();
    if (!ok) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  g.met = missing.empty();
  if (!g.met) g.detail = "missing: " + missing;
  return g;
}

GateItem LettersSent(const crdt::Document& doc, GateItem g) {
  auto d = First(doc, "chair_decision");
  g.met = true;
  if (!d || d->Str("outcome") != "not_proceed") return g;
  // Guidance section 3: a letter to the referrer and their agency's
  // safeguarding lead, copied to the sub-committee, also sent to the
  // national panel.
  static const std::vector<std::pair<const char*, const char*>> kRecipients = {
      {"referrer", "the referrer"},
      {"agency_safeguarding_lead", "the referrer's agency safeguarding lead"},
      {"subcommittee", "the SCR sub-committee (copy)"},
      {"national_panel", "the national panel"}};
  std::string missing;
  for (const auto& [role, name] : kRecipients) {
    bool sent = false;
    for (const auto& l : Records(doc, "letter"))
      if (l.Str("purpose") == "not_proceeding" && l.Str("recipient_role") == role && l.Filled("sent_on"))
        sent = true;
    if (!sent) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  g.met = missing.empty();
  if (!g.met) g.detail = "not yet sent to " + missing;
  return g;
}

GateItem ChairChecklistFollowed(const crdt::Document& doc, GateItem g) {
  auto verdict = EvaluateChairDecision(doc);
  if (!verdict.ok()) {
    g.detail = verdict.status().message();
    return g;
  }
  auto d = First(doc, "chair_decision");
  std::string outcome = d ? d->Str("outcome") : "";
  switch (verdict->verdict) {
    case Verdict::kIncomplete:
      g.detail = "unanswered:";
      for (const auto& q : verdict->unanswered) g.detail += " " + q;
      return g;
    case Verdict::kConsultPeerChair:
      g.detail = "unsure: consult a peer independent chair and record the date, name, decision and rationale";
      return g;
    case Verdict::kMustCommission:
      if (outcome == "not_proceed") {
        g.detail = "the checklist says a review must be commissioned, but the decision is not to proceed";
        return g;
      }
      break;
    case Verdict::kCriteriaNotMet:
      break;
  }
  g.met = true;
  return g;
}

}  // namespace

GateItem CheckRequirement(const review::Replica& replica, const Requirement& req) {
  const crdt::Document& doc = replica.document();
  GateItem g;
  g.label = req.label;
  if (req.kind == "field") {
    auto r = First(doc, req.type);
    g.met = r && Matches(*r, req);
  } else if (req.kind == "records") {
    auto all = Records(doc, req.type);
    int n = 0;
    for (const auto& r : all) n += Matches(r, req) ? 1 : 0;
    g.met = n >= req.min && (!req.all || n == static_cast<int>(all.size()));
    if (!g.met && req.all && !all.empty())
      g.detail = std::to_string(all.size() - static_cast<size_t>(n)) + " of " + std::to_string(all.size()) +
                 " not yet";
    else if (!g.met && req.min > 1)
      g.detail = std::to_string(n) + " of " + std::to_string(req.min);
  } else if (req.kind == "checklist") {
    const Checklist* c = FindChecklist(req.checklist);
    auto answers = ChecklistAnswers(doc, req.checklist);
    int open = 0;
    for (const auto& item : c->items) {
      auto it = answers.find(item.id);
      if (it == answers.end() || it->second == "to_do") ++open;
    }
    g.met = open == 0;
    if (!g.met)
      g.detail = std::to_string(open) + " of " + std::to_string(c->items.size()) + " items not yet answered";
  } else if (req.rule == "tor_complete") {
    g = TorComplete(doc, g);
  } else if (req.rule == "letters_sent") {
    g = LettersSent(doc, g);
  } else if (req.rule == "chair_checklist_followed") {
    g = ChairChecklistFollowed(doc, g);
  } else if (req.rule == "panel_views_reasoned") {
    int unreasoned = 0;
    auto views = Records(doc, "panel_view");
    for (const auto& v : views) unreasoned += v.Filled("rationale") ? 0 : 1;
    g.met = !views.empty() && unreasoned == 0;
    if (unreasoned) g.detail = std::to_string(unreasoned) + " view(s) without a rationale";
  } else if (req.rule == "signoffs_valid") {
    auto reports = Records(doc, "agency_report");
    auto checks = CheckSignoffs(replica);
    int unsigned_reports = 0;
    for (const auto& r : reports) {
      bool ok = false;
      for (const auto& c : checks) ok = ok || (c.subject == r.id && c.valid);
      unsigned_reports += ok ? 0 : 1;
    }
    g.met = !reports.empty() && unsigned_reports == 0;
    if (unsigned_reports)
      g.detail = std::to_string(unsigned_reports) + " of " + std::to_string(reports.size()) +
                 " reports without a valid sign-off";
  }
  return g;
}

static void AddWarnings(const review::Replica& replica, const WorkflowStatus& status,
                        std::vector<std::string>& warnings) {
  const crdt::Document& doc = replica.document();
  for (const char* type :
       {"scr", "referral", "notification", "rapid_review", "chair_decision", "methodology",
        "terms_of_reference", "qa_plan", "board_signoff", "board_response", "publication_plan"}) {
    size_t n = Records(doc, type).size();
    if (n > 1)
      warnings.push_back(std::to_string(n) + " '" + type +
                         "' records exist (made on different devices while offline); the earliest is the one "
                         "used: merge the others into it and delete them");
  }
  auto d = First(doc, "chair_decision");
  auto verdict = EvaluateChairDecision(doc);
  if (d && verdict.ok() && verdict->verdict == Verdict::kMustCommission && d->Str("outcome") == "not_proceed")
    warnings.push_back(
        "The chair's checklist says a review must be commissioned, but the decision is not to proceed");
  for (const auto& dl : status.deadlines) {
    if (dl.id == "request" && dl.state == DeadlineState::kOverdue) {
      auto r = FindRecord(doc, dl.record);
      int64_t step = 0;
      if (r && r->Get("escalation") && r->Get("escalation")->is_number_integer())
        step = r->Get("escalation")->get<int64_t>();
      if (step < 4)
        warnings.push_back(dl.name + " is overdue: consider escalation step " + std::to_string(step + 1) +
                           " (" + EscalationSteps()[static_cast<size_t>(step)] + ")");
    }
  }
  for (const auto& r : Records(doc, "recommendation"))
    for (const auto& w : CheckRecommendation(r.Str("text")))
      warnings.push_back("Recommendation " + r.id.substr(0, 8) + ": " + w.message);
  // Guidance section 5: every agency report addresses cultural and diversity issues.
  for (const auto& r : Records(doc, "agency_report")) {
    const json* addressed = r.Get("diversity_addressed");
    if (!addressed || !addressed->get<bool>())
      warnings.push_back(
          "Agency report '" + r.Str("title") +
          "' does not yet say how it addresses cultural and diversity issues (guidance section 5)");
  }
  // Guidance section 7: the report stays on the website for at least 12 months.
  if (auto plan = First(doc, "publication_plan")) {
    auto from = ParseDate(plan->Str("publish_on")), until = ParseDate(plan->Str("online_until"));
    if (from.ok() && until.ok() && *until < AddMonths(*from, 12))
      warnings.push_back("The report is planned to be online until " + plan->Str("online_until") +
                         ": the guidance expects at least 12 months from publication (" +
                         FormatDate(AddMonths(*from, 12)) + ")");
    if (plan->Str("decision") == "not_publish" && !plan->Filled("reasons"))
      warnings.push_back("A decision not to publish needs its reasons recorded, and discussing with the DfE");
  }
  // Quality marker 8: delays are explained and the board is told.
  for (const auto& delay : Records(doc, "delay")) {
    const json* told = delay.Get("board_told");
    if (!told || !told->get<bool>())
      warnings.push_back("Delay '" + delay.Str("what") +
                         "' has not been reported to the board (quality marker 8)");
  }
  for (const auto& c : CheckSignoffs(replica))
    if (!c.valid)
      warnings.push_back("Sign-off by " + c.signer + " on " + c.signed_on + " is not valid: " + c.reason);
}

Result<WorkflowStatus> EvaluateWorkflow(const review::Replica& replica, const WorkingCalendar& calendar,
                                        Date today) {
  auto scr = First(replica.document(), "scr");
  if (!scr)
    return Status::InvalidArgument("review " + replica.id() +
                                   " has not been started as a case review (see 'caseboard-cli scr start')");
  const Framework* f = FindFramework(scr->Str("framework"));
  if (!f)
    return Status::InvalidArgument("review " + replica.id() + " names an unknown framework '" +
                                   scr->Str("framework") + "'");
  WorkflowStatus st;
  st.framework = f->id;
  st.framework_name = f->name;
  st.stage = scr->Str("stage");
  st.stage_count = static_cast<int>(f->stages.size());
  if (st.stage == kStageClosed) {
    st.stage_name = "Closed: decided not to proceed";
  } else if (st.stage == kStageComplete) {
    st.stage_name = "Complete";
  } else {
    int i = f->StageIndex(st.stage);
    if (i < 0)
      return Status::InvalidArgument("review " + replica.id() + " is at an unknown stage '" + st.stage + "'");
    const Stage& s = f->stages[static_cast<size_t>(i)];
    st.stage_name = s.name;
    st.stage_number = i + 1;
    st.next_stage_name = i + 1 < st.stage_count ? f->stages[static_cast<size_t>(i + 1)].name : "Complete";
    for (const auto& req : s.gate) st.gate.push_back(CheckRequirement(replica, req));
  }
  st.deadlines = EvaluateDeadlines(replica.document(), *f, calendar, today);
  AddWarnings(replica, st, st.warnings);
  return st;
}

}  // namespace caseboard::domain
