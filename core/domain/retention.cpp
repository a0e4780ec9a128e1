#include "caseboard/domain/retention.h"

#include <algorithm>

#include "caseboard/domain/records.h"

namespace caseboard::domain {
namespace {

// The end of `years` whole years after `from` (29 February gives 28 February).
Date AfterYears(Date from, int years) {
  Date d{from.year + years, from.month, from.day};
  while (!IsValidDate(d)) --d.day;
  return d;
}

}  // namespace

const std::vector<RetentionKind>& RetentionKinds() {
  static const std::vector<RetentionKind> kKinds = {
      {"working_notes",
       "Working notes",
       {"note", "agency_information", "panel_view", "challenge", "practitioner_event", "delay",
        "checklist_answer"}},
      {"interviews", "Interviews and conversations", {"conversation"}},
      {"agency_reports",
       "Agency reports and chronologies",
       {"agency_report", "chronology_entry", "info_request"}},
      {"final_report",
       "Final report, findings and the board's response",
       {"report_section", "finding", "recommendation", "action", "board_signoff", "board_response",
        "media_statement", "publication_plan"}},
  };
  return kKinds;
}

RetentionReport CheckRetention(const crdt::Document& doc, Date today) {
  RetentionReport report;
  auto rule = First(doc, "retention");
  report.starts_from = rule && rule->Str("starts_from") == "published" ? "published" : "closed";
  if (report.starts_from == "published") {
    if (auto plan = First(doc, "publication_plan")) report.start = plan->Str("publish_on");
  } else if (auto scr = First(doc, "scr")) {
    report.start = scr->Str("closed_on");
  }
  auto start = ParseDate(report.start);
  if (rule) {
    const nlohmann::json* hold = rule->Get("legal_hold");
    report.legal_hold = hold && hold->is_boolean() && hold->get<bool>();
    report.hold_reason = rule->Str("hold_reason");
  }
  for (const auto& kind : RetentionKinds()) {
    RetentionItem item{kind.id, kind.name, -1, "", "not_set", 0};
    for (const auto& type : kind.types) item.records += Records(doc, type).size();
    const nlohmann::json* years = rule ? rule->Get(kind.id + "_years") : nullptr;
    if (years && years->is_number_integer()) item.years = static_cast<int>(years->get<int64_t>());
    if (item.years >= 0) {
      if (!start.ok()) {
        item.state = "no_start";
      } else {
        Date due = AfterYears(*start, item.years);
        item.due = FormatDate(due);
        item.state = today >= due ? (item.records ? "due" : "done") : "kept";
      }
    }
    if (report.legal_hold) item.state = "held";
    report.items.push_back(std::move(item));
  }
  return report;
}

Status DestructionAllowed(const crdt::Document& doc, const std::string& kind, Date today) {
  RetentionReport report = CheckRetention(doc, today);
  for (const auto& item : report.items) {
    if (item.kind != kind) continue;
    if (report.legal_hold) {
      auto rule = First(doc, "retention");
      std::string since = rule ? rule->Str("hold_set_on") : "";
      return Status::InvalidArgument("a legal hold is on" + (since.empty() ? "" : " since " + since) +
                                     (report.hold_reason.empty() ? "" : " (" + report.hold_reason + ")") +
                                     ": nothing in this review may be destroyed until it is lifted");
    }
    if (item.state == "not_set")
      return Status::InvalidArgument(item.name + ": the board has not set a retention period");
    if (item.state == "no_start")
      return Status::InvalidArgument(item.name + ": the review has not been " + report.starts_from +
                                     ", so its retention period has not started");
    if (item.state == "done")
      return Status::NotFound(item.name + ": nothing of this kind is left to destroy");
    if (item.state == "kept") return Status::InvalidArgument(item.name + " must be kept until " + item.due);
    return Status::Ok();
  }
  return Status::InvalidArgument("unknown kind of material '" + kind +
                                 "' (working_notes, interviews, agency_reports, final_report)");
}

Result<size_t> DestroyKind(review::Replica& replica, const std::string& kind, Date today) {
  Status allowed = DestructionAllowed(replica.document(), kind, today);
  // "Nothing left" still lets an owner send the board husks of edits to
  // what was destroyed that arrived later (Replica::Destroy).
  if (!allowed.ok() && !allowed.IsNotFound()) return allowed;
  std::set<std::string> ids;
  for (const auto& k : RetentionKinds()) {
    if (k.id != kind) continue;
    // Deleted records too: their content is still in the history.
    for (const auto& [id, e] : replica.document().entities())
      if (std::find(k.types.begin(), k.types.end(), e.type()) != k.types.end()) ids.insert(id);
  }
  size_t records = ids.size();
  // The files attached to them go with them, unless a record that stays has them too.
  std::set<std::string> files, kept;
  for (const auto& [id, e] : replica.document().entities())
    for (const auto& file : e.SetValue("files")) (ids.count(id) ? files : kept).insert(file);
  for (const auto& file : files)
    if (!kept.count(file)) ids.insert(file);
  auto destroyed = replica.Destroy(kind, ids);
  if (!destroyed.ok()) return destroyed.status().IsNotFound() && !allowed.ok() ? allowed : destroyed.status();
  return records;
}

}  // namespace caseboard::domain
