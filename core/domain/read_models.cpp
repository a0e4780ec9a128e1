// Read models by name (read_models.h). Each builds exactly the JSON its CLI
// subcommand prints with --json; the CLI prints what these return.
#include "caseboard/domain/read_models.h"

#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/retention.h"

#include <algorithm>

#include "caseboard/domain/chair_checklist.h"
#include "caseboard/domain/checklists.h"
#include "caseboard/domain/chronology.h"
#include "caseboard/domain/decision.h"
#include "caseboard/domain/framework.h"
#include "caseboard/domain/quality_markers.h"
#include "caseboard/domain/recommendation_check.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_schema.h"
#include "caseboard/domain/signoff.h"
#include "json_params.h"

namespace caseboard::domain {
namespace {

using nlohmann::json;

Result<json> StatusModel(ScrReview& scr, const ReadContext& ctx) {
  CB_ASSIGN_OR_RETURN(WorkflowStatus st, scr.Status(ctx.calendar, ctx.today));
  json j = st.ToJson();
  j["review"] = scr.replica().id();
  j["title"] = scr.replica().title();
  return j;
}

Result<json> DeadlinesModel(ScrReview& scr, const json& p, const ReadContext& ctx) {
  CB_ASSIGN_OR_RETURN(bool all, params::Bool(p, "all"));
  CB_ASSIGN_OR_RETURN(WorkflowStatus st, scr.Status(ctx.calendar, ctx.today));
  json out = json::array();
  for (const auto& deadline : st.deadlines)
    if (all || deadline.state != DeadlineState::kNotStarted) out.push_back(deadline.ToJson());
  return out;
}

Result<json> RecordsModel(ScrReview& scr, const json& p) {
  CB_ASSIGN_OR_RETURN(std::string type, params::RequiredString(p, "type"));
  if (!scr.replica().schema().Find(type))
    return Status::InvalidArgument("unknown record type '" + type + "'");
  json out = json::array();
  for (const auto& r : Records(scr.replica().document(), type))
    out.push_back({{"id", r.id}, {"compartment", r.compartment}, {"fields", r.fields}});
  return out;
}

Result<json> ChairModel(ScrReview& scr) {
  const crdt::Document& doc = scr.replica().document();
  CB_ASSIGN_OR_RETURN(auto verdict, EvaluateChairDecision(doc));
  json out = {{"verdict", VerdictName(verdict.verdict)},
              {"reasons", verdict.reasons},
              {"unanswered", verdict.unanswered},
              {"methodology", verdict.methodology ? MethodologyFamilyName(*verdict.methodology) : ""}};
  auto views = PanelViewsFrom(doc);
  if (!views.empty()) {
    auto panel = SummarisePanel(views);
    if (panel.ok())
      out["panel"] = {{"for_review", panel->for_review},
                      {"against_review", panel->against_review},
                      {"majority", PanelMajorityName(panel->majority)},
                      {"summary", panel->summary}};
    else
      out["panel"] = {{"error", panel.status().message()}};
  }
  return out;
}

Result<json> ChecklistsModel(ScrReview& scr, const json& p) {
  CB_ASSIGN_OR_RETURN(auto only, params::OptString(p, "checklist"));
  const auto answers = Records(scr.replica().document(), "checklist_answer");
  json out = json::array();
  for (const auto& c : Checklists()) {
    if (only && c.id != *only) continue;
    json items = json::array();
    for (const auto& item : c.items) {
      json answer = nullptr, note = nullptr;
      for (const auto& a : answers)
        if (a.Str("checklist") == c.id && a.Str("item") == item.id) {
          answer = a.Str("answer");
          note = a.Str("note");
        }
      items.push_back({{"id", item.id}, {"text", item.text}, {"answer", answer}, {"note", note}});
    }
    out.push_back({{"id", c.id}, {"name", c.name}, {"source", c.source}, {"items", items}});
  }
  if (out.empty()) return Status::InvalidArgument("unknown checklist '" + only.value_or("") + "'");
  return out;
}

Result<json> SignoffsModel(ScrReview& scr, const json& p) {
  CB_ASSIGN_OR_RETURN(std::string record, params::String(p, "record"));
  json out = json::array();
  for (const auto& c : CheckSignoffs(scr.replica(), record)) {
    json row = {{"signoff", c.signoff},     {"subject", c.subject},
                {"signer", c.signer},       {"signer_role", c.signer_role},
                {"signed_on", c.signed_on}, {"valid", c.valid},
                {"reason", c.reason}};
    if (!c.publication_check.empty()) {
      row["publication_check"] = c.publication_check;
      row["publication_texts_changed"] = c.publication_texts_changed;
    }
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::vector<std::string>> Agencies(const json& p) {
  std::vector<std::string> out;
  if (!p.is_object() || !p.contains("agencies") || p["agencies"].is_null()) return out;
  const json& a = p["agencies"];
  if (a.is_string()) {
    // "A,B" as on the command line.
    std::string s = a.get<std::string>();
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = std::min(s.find(',', start), s.size());
      if (comma > start) out.push_back(s.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  }
  if (!a.is_array()) return Status::InvalidArgument("'agencies' must be a list of agency names");
  for (const auto& e : a) {
    if (!e.is_string()) return Status::InvalidArgument("'agencies' must be a list of agency names");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<json> ChronologyModel(ScrReview& scr, const json& p) {
  ChronologyFilter filter;
  CB_ASSIGN_OR_RETURN(filter.agencies, Agencies(p));
  CB_ASSIGN_OR_RETURN(filter.from, params::String(p, "from"));
  CB_ASSIGN_OR_RETURN(filter.to, params::String(p, "to"));
  CB_ASSIGN_OR_RETURN(filter.min_significance, params::String(p, "significance"));
  CB_ASSIGN_OR_RETURN(filter.text, params::String(p, "search"));
  CB_ASSIGN_OR_RETURN(std::string sort, params::String(p, "sort", "date"));
  CB_ASSIGN_OR_RETURN(bool desc, params::Bool(p, "desc"));
  ChronologySort by = ChronologySort::kDate;
  if (sort == "agency")
    by = ChronologySort::kAgency;
  else if (sort == "significance")
    by = ChronologySort::kSignificance;
  else if (sort != "date")
    return Status::InvalidArgument("the chronology's sort is date, agency or significance, not '" + sort +
                                   "'");
  CB_ASSIGN_OR_RETURN(auto rows, Chronology(scr.replica().document(), filter, by, desc));
  json out = json::array();
  for (const auto& r : rows) out.push_back(r.ToJson());
  return out;
}

json MarkersModel(ScrReview& scr) {
  const auto assessed = Records(scr.replica().document(), "quality_marker");
  json out = json::array();
  for (const auto& m : QualityMarkers()) {
    json rating = "not_assessed", notes = "";
    for (const auto& r : assessed)
      if (const auto* n = r.Get("number"); n && *n == m.number) {
        rating = r.Str("rating");
        notes = r.Str("notes");
      }
    json questions = json::array();
    for (const auto& q : m.questions) questions.push_back(std::string(q));
    out.push_back({{"number", m.number},
                   {"stage", ReviewStageName(m.stage)},
                   {"title", std::string(m.title)},
                   {"gist", std::string(m.gist)},
                   {"questions", questions},
                   {"rating", rating},
                   {"notes", notes}});
  }
  return out;
}

json RecommendationsModel(ScrReview& scr) {
  json out = json::array();
  for (const auto& r : Records(scr.replica().document(), "recommendation")) {
    json warnings = json::array();
    for (const auto& w : CheckRecommendation(r.Str("text"))) warnings.push_back(w.message);
    out.push_back({{"id", r.id}, {"text", r.Str("text")}, {"kind", r.Str("kind")}, {"warnings", warnings}});
  }
  return out;
}

}  // namespace

const std::vector<std::string>& ReadModelNames() {
  static const std::vector<std::string> kNames = {"status",          "deadlines",     "records",
                                                  "chair",           "checklists",    "key_question_history",
                                                  "signoffs",        "chronology",    "markers",
                                                  "recommendations", "frameworks",    "categories",
                                                  "roles",           "methodologies", "publication_check",
                                                  "retention"};
  return kNames;
}

Result<json> ReadModel(ScrReview& review, const std::string& name, const json& p,
                       const ReadContext& context) {
  CB_RETURN_IF_ERROR(params::RequireObject(p, "the read model's parameters"));
  if (name == "status") return StatusModel(review, context);
  if (name == "deadlines") return DeadlinesModel(review, p, context);
  if (name == "retention") {
    RetentionReport r = CheckRetention(review.replica().document(), context.today);
    json items = json::array();
    for (const auto& i : r.items)
      items.push_back({{"kind", i.kind},
                       {"name", i.name},
                       {"years", i.years < 0 ? json(nullptr) : json(i.years)},
                       {"due", i.due},
                       {"state", i.state},
                       {"records", i.records}});
    // The destruction records: who, when, what kind, how much; never what it was.
    json destructions = json::array();
    for (const auto& d : review.replica().Destructions())
      destructions.push_back({{"change", d.change},
                              {"on", FormatDate(DateOfMs(d.hlc.wall_ms))},
                              {"device", d.author},
                              {"what", d.what},
                              {"records", d.records},
                              {"files", d.files},
                              {"changes", d.changes}});
    return json{{"starts_from", r.starts_from}, {"start", r.start}, {"legal_hold", r.legal_hold},
                {"hold_reason", r.hold_reason}, {"kinds", items},   {"destructions", destructions}};
  }
  if (name == "records") return RecordsModel(review, p);
  if (name == "chair") return ChairModel(review);
  if (name == "checklists") return ChecklistsModel(review, p);
  if (name == "key_question_history") {
    CB_ASSIGN_OR_RETURN(std::string id, params::RequiredString(p, "id"));
    return review.KeyQuestionHistory(id);
  }
  if (name == "signoffs") return SignoffsModel(review, p);
  if (name == "chronology") return ChronologyModel(review, p);
  if (name == "markers") return MarkersModel(review);
  if (name == "recommendations") return RecommendationsModel(review);
  if (name == "publication_check") {
    if (std::string blind = PublicationCheckBlind(review.replica()); !blind.empty())
      return Status::InvalidArgument(blind);
    json out = json::array();
    for (const auto& h : ScanReview(review.replica().document())) out.push_back(h.ToJson());
    return out;
  }
  return ReferenceData(name);
}

Result<json> ReferenceData(const std::string& name) {
  json out = json::array();
  if (name == "frameworks") return json(BuiltinFrameworkDocuments());
  if (name == "categories") {
    for (const auto& c : NotificationCategories())
      out.push_back({{"id", std::string(c.id)},
                     {"group", NotificationGroupName(c.group)},
                     {"text", std::string(c.text)}});
  } else if (name == "roles") {
    for (const auto& r : Roles())
      out.push_back({{"id", r.id}, {"name", r.name}, {"duty", r.duty}, {"compartments", r.compartments}});
  } else if (name == "methodologies") {
    for (const auto& m : Methodologies()) out.push_back({{"id", m.id}, {"name", m.name}, {"text", m.note}});
  } else {
    std::string known;
    for (const auto& n : ReadModelNames()) known += (known.empty() ? "" : ", ") + n;
    return Status::InvalidArgument("unknown read model '" + name + "' (known: " + known + ")");
  }
  return out;
}

}  // namespace caseboard::domain
