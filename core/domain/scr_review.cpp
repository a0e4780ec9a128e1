#include "caseboard/domain/scr_review.h"

#include <algorithm>
#include <regex>
#include <set>

#include "caseboard/domain/chair_checklist.h"
#include "caseboard/domain/checklists.h"
#include "caseboard/domain/decision.h"
#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/quality_markers.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_schema.h"
#include "caseboard/domain/signoff.h"

namespace caseboard::domain {

using nlohmann::json;

review::ReplicaOptions ScrReplicaOptions(review::ReplicaOptions base) {
  base.schema = ScrSchema();
  return base;
}

Result<std::unique_ptr<review::Replica>> ScrReview::Start(store::Vault& vault, const std::string& title,
                                                          const std::string& framework,
                                                          const std::string& board, Date opened_on,
                                                          review::ReplicaOptions options) {
  const Framework* f = FindFramework(framework);
  if (!f) {
    std::string known;
    for (const auto& k : BuiltinFrameworks()) known += (known.empty() ? "" : ", ") + k.id;
    return Status::InvalidArgument("unknown framework '" + framework + "' (known: " + known + ")");
  }
  if (title.empty()) return Status::InvalidArgument("a review needs a title");
  CB_ASSIGN_OR_RETURN(auto replica, review::Replica::Create(vault, title, std::move(options)));
  Fields scr = {{"framework", f->id}, {"stage", f->stages.front().id}, {"opened_on", FormatDate(opened_on)}};
  if (!board.empty()) scr["board"] = board;
  CB_RETURN_IF_ERROR(replica->AddEntity("scr", scr).status());
  return replica;
}

Result<WorkflowStatus> ScrReview::Status(const WorkingCalendar& calendar, Date today) const {
  return EvaluateWorkflow(replica_, calendar, today);
}

Result<std::string> ScrReview::Advance(const WorkingCalendar& calendar, Date today) {
  CB_ASSIGN_OR_RETURN(WorkflowStatus st, Status(calendar, today));
  if (st.stage == kStageClosed || st.stage == kStageComplete)
    return Status::InvalidArgument("the review is " + st.stage_name + "; there is no next stage");
  if (!st.can_advance()) {
    std::string missing;
    for (const auto& m : st.missing()) missing += "\n  - " + m;
    return Status::InvalidArgument("cannot move on from '" + st.stage_name +
                                   "' yet; still missing:" + missing);
  }
  const Framework* f = FindFramework(st.framework);
  auto scr = First(replica_.document(), "scr");
  auto decision = First(replica_.document(), "chair_decision");
  Fields next;
  if (st.stage == "decision" && decision && decision->Str("outcome") == "not_proceed") {
    next = {{"stage", kStageClosed},
            {"closed_on", FormatDate(today)},
            {"closed_reason", decision->Str("rationale")}};
  } else {
    int i = f->StageIndex(st.stage);
    next["stage"] = i + 1 < static_cast<int>(f->stages.size()) ? f->stages[static_cast<size_t>(i + 1)].id
                                                               : std::string(kStageComplete);
    // A completed review is closed too: its retention periods start (retention.h).
    if (next["stage"] == kStageComplete) next["closed_on"] = FormatDate(today);
  }
  CB_RETURN_IF_ERROR(replica_.SetFields(scr->id, next));
  return next["stage"].get<std::string>();
}

Fields ScrReview::Merged(const std::string& id, const Fields& changes) const {
  Fields merged;
  if (auto r = FindRecord(replica_.document(), id))
    for (const auto& [k, v] : r->fields.items()) merged[k] = v;
  for (const auto& [k, v] : changes) {
    if (v.is_null())
      merged.erase(k);
    else
      merged[k] = v;
  }
  return merged;
}

static bool Has(const Fields& f, const char* field) {
  auto it = f.find(field);
  return it != f.end() && IsFilled(it->second);
}

static std::string Str(const Fields& f, const char* field) {
  auto it = f.find(field);
  return it != f.end() && it->second.is_string() ? it->second.get<std::string>() : std::string();
}

caseboard::Status ScrReview::Validate(const std::string& type, const Fields& f) const {
  using caseboard::Status;
  auto need = [&](const char* field, const std::string& why) -> Status {
    if (Has(f, field)) return Status::Ok();
    return Status::InvalidArgument(type + ": '" + field + "' is required " + why);
  };
  if (type == "panel_view") {
    // Appendix 2 step 9: each member's rationale "must be recorded".
    CB_RETURN_IF_ERROR(need("recommends", "(does the member recommend a review?)"));
    CB_RETURN_IF_ERROR(need("rationale", "(Appendix 2: every member's rationale must be recorded)"));
  } else if (type == "referral") {
    if (auto it = f.find("categories"); it != f.end() && it->second.is_array())
      for (const auto& c : it->second)
        if (!FindNotificationCategory(c.get<std::string>()))
          return Status::InvalidArgument("referral: unknown notification category '" + c.get<std::string>() +
                                         "' (see 'caseboard-cli scr categories')");
  } else if (type == "chair_decision") {
    for (const char* score : {"culpability", "public_interest"}) {
      auto it = f.find(score);
      if (it != f.end() && it->second.is_number_integer() &&
          (it->second.get<int64_t>() < 1 || it->second.get<int64_t>() > 5))
        return Status::InvalidArgument(std::string("chair_decision: '") + score +
                                       "' is a score from 1 to 5 (Appendix 1 question 4)");
    }
    std::string response = Str(f, "panel_response");
    if ((response == "reject" || response == "defer") && !Has(f, "panel_response_reason"))
      return Status::InvalidArgument(
          "chair_decision: to " + response +
          " the panel's recommendation, give 'panel_response_reason' (Appendix 2 step 12)");
    if (Has(f, "outcome")) {
      CB_RETURN_IF_ERROR(
          need("rationale", "with a decision (quality marker 2: a clear, defensible rationale)"));
      CB_RETURN_IF_ERROR(need("decided_on", "with a decision"));
    }
  } else if (type == "person") {
    if (Str(f, "permission") == "overridden")
      CB_RETURN_IF_ERROR(
          need("override_reason", "when the young person's or parents' permission is overridden"));
  } else if (type == "delay") {
    CB_RETURN_IF_ERROR(need("what", "(what was delayed)"));
    CB_RETURN_IF_ERROR(need("reason", "(quality marker 8: delays are explained)"));
  } else if (type == "info_request") {
    auto it = f.find("escalation");
    if (it != f.end() && it->second.is_number_integer() &&
        (it->second.get<int64_t>() < 0 || it->second.get<int64_t>() > 4))
      return Status::InvalidArgument("info_request: 'escalation' is a step from 0 to 4");
  } else if (type == "chronology_entry") {
    CB_RETURN_IF_ERROR(need("date", "(when it happened)"));
    CB_RETURN_IF_ERROR(need("agency", "(whose record it comes from)"));
    CB_RETURN_IF_ERROR(need("event", "(what happened)"));
    std::string time = Str(f, "time");
    static const std::regex kTime("([01][0-9]|2[0-3]):[0-5][0-9]");
    if (!time.empty() && !std::regex_match(time, kTime))
      return Status::InvalidArgument("chronology_entry: 'time' is HH:MM (24-hour), got '" + time + "'");
  } else if (type == "checklist_answer") {
    const Checklist* c = FindChecklist(Str(f, "checklist"));
    if (!c) return Status::InvalidArgument("unknown checklist '" + Str(f, "checklist") + "'");
    bool known = false;
    for (const auto& item : c->items) known = known || item.id == Str(f, "item");
    if (!known)
      return Status::InvalidArgument("checklist '" + c->id + "' has no item '" + Str(f, "item") + "'");
  } else if (type == "quality_marker") {
    auto it = f.find("number");
    if (it == f.end() || !it->second.is_number_integer() || !FindMarker(it->second.get<int>()))
      return Status::InvalidArgument("quality_marker: 'number' is a marker from 1 to 18");
  } else if (type == "signoff") {
    return Status::InvalidArgument("sign-offs are made with 'scr signoff', which signs the record's content");
  } else if (type == "scr") {
    return Status::InvalidArgument("the review's stage moves with 'scr advance'");
  }
  return Status::Ok();
}

Result<std::string> ScrReview::SetRecord(const std::string& type, const Fields& fields) {
  if (auto r = First(replica_.document(), type)) {
    CB_RETURN_IF_ERROR(UpdateRecord(r->id, fields));
    return r->id;
  }
  return AddRecord(type, fields);
}

Result<std::string> ScrReview::AddRecord(const std::string& type, const Fields& fields,
                                         const std::string& compartment) {
  if (!replica_.schema().Find(type)) return Status::InvalidArgument("unknown record type '" + type + "'");
  CB_RETURN_IF_ERROR(Validate(type, Merged("", fields)));
  return replica_.AddEntity(type, fields,
                            compartment.empty() ? std::nullopt : std::optional<std::string>(compartment));
}

caseboard::Status ScrReview::UpdateRecord(const std::string& id, const Fields& fields) {
  auto r = FindRecord(replica_.document(), id);
  if (!r) return Status::NotFound("no record " + id + " in this review (or no key to read it)");
  // Guidance section 5: the report explains every change to a key question,
  // so a new wording travels with a new reason, whichever command sets it.
  const json* wording = r->Get("question");
  if (r->type == "key_question" && fields.count("question") &&
      (!wording || fields.at("question") != *wording)) {
    auto reason = fields.find("reason");
    if (reason == fields.end() || !IsFilled(reason->second))
      return Status::InvalidArgument("key_question: say why the wording changes (a new 'reason')");
  }
  CB_RETURN_IF_ERROR(Validate(r->type, Merged(id, fields)));
  return replica_.SetFields(id, fields);
}

caseboard::Status ScrReview::Decide(const std::string& outcome, Date decided_on,
                                    const std::string& rationale) {
  if (outcome != "proceed" && outcome != "not_proceed" && outcome != "defer")
    return Status::InvalidArgument("a decision is proceed, not_proceed or defer");
  if (outcome == "not_proceed") {
    auto verdict = EvaluateChairDecision(replica_.document());
    if (verdict.ok() && verdict->verdict == Verdict::kMustCommission)
      return Status::InvalidArgument(
          "the chair's checklist says a review must be commissioned (Appendix 1): " +
          (verdict->reasons.empty() ? std::string() : verdict->reasons.front()) +
          " Change the checklist answers if they are wrong, or decide to proceed.");
  }
  CB_RETURN_IF_ERROR(
      SetRecord("chair_decision",
                {{"outcome", outcome}, {"decided_on", FormatDate(decided_on)}, {"rationale", rationale}})
          .status());
  if (outcome != "not_proceed") return Status::Ok();
  // Guidance section 3: "the LSCB independent chair will write a letter to the
  // referrer and their agency's safeguarding lead (copy to SCR sub-committee)
  // with full explanations ... also sent to the National Panel".
  auto referral = First(replica_.document(), "referral");
  std::string referrer = referral ? referral->Str("referrer") : "";
  std::string lead = referral ? referral->Str("safeguarding_lead") : "";
  const std::vector<std::tuple<std::string, std::string, bool>> recipients = {
      {"referrer", referrer.empty() ? "The referrer" : referrer, false},
      {"agency_safeguarding_lead", lead.empty() ? "The referrer's agency safeguarding lead" : lead, false},
      {"subcommittee", "SCR sub-committee", true},
      {"national_panel", "National Panel of independent experts", false}};
  for (const auto& [role, name, copy] : recipients) {
    bool exists = false;
    for (const auto& l : Records(replica_.document(), "letter"))
      exists = exists || (l.Str("purpose") == "not_proceeding" && l.Str("recipient_role") == role);
    if (exists) continue;
    std::string body =
        "Decision not to commission a serious case review\n\nDate of decision: " + FormatDate(decided_on) +
        "\n\nReasons:\n" + rationale + "\n";
    CB_RETURN_IF_ERROR(replica_
                           .AddEntity("letter", {{"purpose", "not_proceeding"},
                                                 {"recipient", name},
                                                 {"recipient_role", role},
                                                 {"copy", copy},
                                                 {"body", body}})
                           .status());
  }
  return Status::Ok();
}

caseboard::Status ScrReview::AnswerChecklist(const std::string& checklist, const std::string& item,
                                             const std::string& answer, const std::string& note,
                                             const std::string& about, const std::string& action) {
  Fields f = {{"checklist", checklist}, {"item", item}, {"answer", answer}};
  if (!note.empty()) f["note"] = note;
  if (!action.empty()) f["action"] = action;
  if (!about.empty()) f["about"] = about;
  for (const auto& a : Records(replica_.document(), "checklist_answer"))
    if (a.Str("checklist") == checklist && a.Str("item") == item && a.Str("about") == about)
      return UpdateRecord(a.id, f);
  return AddRecord("checklist_answer", f).status();
}

caseboard::Status ScrReview::EditKeyQuestion(const std::string& id, const std::string& question,
                                             const std::string& reason) {
  auto r = FindRecord(replica_.document(), id);
  if (!r || r->type != "key_question") return Status::NotFound("no key question " + id);
  if (reason.empty())
    return Status::InvalidArgument(
        "say why the question changes (guidance section 5: the report explains every change)");
  if (question.empty())
    return Status::InvalidArgument("the new wording is empty; to drop a question, withdraw it");
  return UpdateRecord(id, {{"question", question}, {"reason", reason}});
}

Result<int> ScrReview::Escalate(const std::string& request, const std::string& note) {
  auto r = FindRecord(replica_.document(), request);
  if (!r || r->type != "info_request") return Status::NotFound("no written request " + request);
  if (r->Filled("received_on"))
    return Status::InvalidArgument("the agency has already replied; nothing to escalate");
  if (note.empty()) return Status::InvalidArgument("record what was done at this step of the escalation");
  int64_t step = 0;
  if (const auto* e = r->Get("escalation"); e && e->is_number_integer()) step = e->get<int64_t>();
  if (step >= 4)
    return Status::InvalidArgument(
        "the request is already at the last step: with the board's independent chair");
  std::string history = r->Str("escalation_note");
  history += (history.empty() ? "" : "\n") + std::string("Step ") + std::to_string(step + 1) + " (" +
             EscalationSteps()[static_cast<size_t>(step)] + "): " + note;
  CB_RETURN_IF_ERROR(UpdateRecord(request, {{"escalation", step + 1}, {"escalation_note", history}}));
  return static_cast<int>(step + 1);
}

Result<std::string> ScrReview::SignOff(const std::string& subject, const std::string& signer,
                                       const std::string& signer_role, const std::string& statement,
                                       Date signed_on) {
  if (signer.empty() || statement.empty())
    return Status::InvalidArgument("a sign-off needs the signer and a statement");
  auto rec = FindRecord(replica_.document(), subject);
  if (!rec) return Status::NotFound("no record " + subject + " to sign off");
  if (rec->type == "signoff") return Status::InvalidArgument("a sign-off cannot itself be signed off");
  CB_ASSIGN_OR_RETURN(std::string hash, ContentHash(replica_, subject));
  std::string date = FormatDate(signed_on);
  // Signing off for publication records what the publication check says now.
  PublicationCheckResult check;
  if (IsPublicationRecord(rec->type)) check = RunPublicationCheck(replica_);
  Bytes message = SignoffMessage(replica_.id(), subject, hash, signer, signer_role, statement, date,
                                 check.summary, check.texts_hash);
  CB_ASSIGN_OR_RETURN(std::string signature, replica_.SignStatement(message));
  Fields fields = {{"subject", subject},          {"signer", signer},      {"signer_role", signer_role},
                   {"statement", statement},      {"content_hash", hash},  {"signed_on", date},
                   {"device", replica_.device()}, {"signature", signature}};
  if (!check.summary.empty()) {
    fields["publication_check"] = check.summary;
    fields["publication_texts"] = check.texts_hash;
  }
  return replica_.AddEntity("signoff", fields);
}

Result<std::string> ScrReview::AssignRole(const std::string& role, const std::string& person,
                                          const Fields& details, const store::DeviceIdentity* device) {
  const RoleInfo* info = FindRole(role);
  if (!info) return Status::InvalidArgument("unknown role '" + role + "' (see 'caseboard-cli scr roles')");
  if (person.empty()) return Status::InvalidArgument("name the person who holds the role");
  if (device && !replica_.membership().IsOwner(replica_.device()))
    return Status::InvalidArgument("only an owner of the review can give a device access");
  Fields f = details;
  f["role"] = role;
  f["person"] = person;
  if (device) f["device"] = device->device_id;
  CB_ASSIGN_OR_RETURN(std::string id, AddRecord("role_assignment", f));
  if (device) {
    // A device already in the review keeps what it had and gains the role's compartments.
    std::set<std::string> compartments = info->compartments;
    crdt::Role access = crdt::Role::kEditor;
    if (const crdt::Member* m = replica_.membership().Find(device->device_id)) {
      compartments.insert(m->compartments.begin(), m->compartments.end());
      access = std::max(access, m->role);
    }
    CB_RETURN_IF_ERROR(replica_.AddMember(*device, access, compartments));
    CB_RETURN_IF_ERROR(replica_.NamePerson(device->device_id, person));
  }
  return id;
}

Result<std::string> ScrReview::AssessMarker(int number, const std::string& rating, const std::string& notes) {
  Fields f = {{"number", number}, {"rating", rating}};
  if (!notes.empty()) f["notes"] = notes;
  for (const auto& m : Records(replica_.document(), "quality_marker"))
    if (const auto* n = m.Get("number"); n && *n == number) {
      CB_RETURN_IF_ERROR(UpdateRecord(m.id, f));
      return m.id;
    }
  return AddRecord("quality_marker", f);
}

Result<json> ScrReview::KeyQuestionHistory(const std::string& id) const {
  auto r = FindRecord(replica_.document(), id);
  if (!r || r->type != "key_question") return Status::NotFound("no key question " + id);
  CB_ASSIGN_OR_RETURN(auto history, replica_.History(id));
  // One entry per change that set the wording, with the reason set with it.
  json out = json::array();
  std::map<std::string, size_t> by_change;
  for (const auto& h : history) {
    if (h.field != "question" && h.field != "reason") continue;
    auto [it, fresh] = by_change.try_emplace(h.change, out.size());
    if (fresh)
      out.push_back(
          {{"time", h.hlc.ToString()}, {"device", h.author}, {"question", nullptr}, {"reason", nullptr}});
    out[it->second][h.field] = h.value;
  }
  return out;
}

}  // namespace caseboard::domain
