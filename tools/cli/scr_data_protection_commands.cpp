// scr subject-access: every record of a review that concerns one person
// (subject_access.h), as JSON or as an HTML bundle for redaction review.
// scr access-log: who opened, exported or printed which restricted record.
#include <iostream>

#include "caseboard/domain/access_log.h"
#include "caseboard/domain/retention.h"
#include "caseboard/domain/subject_access.h"
#include "caseboard/export/pack_export.h"
#include "caseboard/export/subject_access_export.h"
#include "scr_cli.h"

namespace caseboard::cli {
namespace {

using nlohmann::json;

json ToJson(const domain::SubjectAccessReport& r) {
  json records = json::array();
  for (const auto& rec : r.records) {
    json fields = json::object();
    json marks = json::array();
    for (const auto& f : rec.fields) {
      fields[f.field] = f.text;
      for (const auto& m : f.marks)
        marks.push_back({{"field", f.field},
                         {"found", f.text.substr(m.offset, m.length)},
                         {"offset", m.offset},
                         {"third_party", !m.subject},
                         {"person", m.person}});
    }
    records.push_back({{"id", rec.id},
                       {"type", rec.type},
                       {"compartment", rec.compartment},
                       {"written", rec.created},
                       {"refers", rec.refers},
                       {"fields", fields},
                       {"marks", marks},
                       {"files", rec.files}});
  }
  return {{"person", r.person},
          {"name", r.name},
          {"pseudonym", r.pseudonym},
          {"records", records},
          {"third_party_marks", r.third_party_marks},
          {"unreadable_compartments", r.unreadable}};
}

int SubjectAccess(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--out"}, {"--json"});
  if (!args.ok()) return ScrUsage("subject-access", args.status().message());
  if (args->positional().size() != 2) return ScrUsage("subject-access", "takes REVIEW PERSON-ID");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  auto report = domain::FindSubjectRecords(*o->replica, args->positional()[1]);
  if (!report.ok()) return Fail(report.status());
  // Restricted records leave the vault only with their entries in the access log.
  for (const auto& rec : report->records) {
    auto logged = domain::LogAccess(*o->replica, "exported", rec.id, "subject access bundle");
    if (!logged.ok())
      return Fail(logged.status().WithContext("nothing exported: the access could not be logged"));
  }
  if (auto out = args->Get("--out")) {
    Status s = exporting::WriteFile(*out, exporting::RenderSubjectAccessHtml(*report));
    if (!s.ok()) return Fail(s);
    std::cerr << "wrote " << *out << ": " << report->records.size() << " record(s), "
              << report->third_party_marks << " third-party mention(s) marked for redaction review\n";
  }
  if (args->Has("--json")) {
    std::cout << ToJson(*report).dump(2) << "\n";
  } else if (!args->Get("--out")) {
    for (const auto& rec : report->records)
      std::cout << rec.id << "  " << rec.type << "  " << rec.compartment
                << (rec.refers ? "  refers" : "  names")
                << (rec.third_party_marks ? "  third-party: " + std::to_string(rec.third_party_marks) : "")
                << "\n";
    std::cout << report->records.size() << " record(s) concern this person; " << report->third_party_marks
              << " third-party mention(s) to review before disclosure\n";
  }
  return kExitOk;
}

int AccessLogCmd(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return ScrUsage("access-log", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("access-log", "takes the review id");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  if (!o->replica->has_key("restricted"))
    return Fail(Status::InvalidArgument(
        "the access log is in the review's restricted compartment, which this device cannot read"));
  auto log = domain::AccessLog(o->replica->document());
  if (args->Has("--json")) {
    json out = json::array();
    for (const auto& e : log)
      out.push_back({{"at", e.at},
                     {"device", e.device},
                     {"action", e.action},
                     {"record", e.record},
                     {"record_type", e.record_type},
                     {"how", e.how}});
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& e : log)
    std::cout << e.at << "  device " << e.device << "  " << e.action << "  " << e.record_type << " "
              << e.record << "  (" << e.how << ")\n";
  if (log.empty()) std::cout << "no restricted record has been opened, exported or printed\n";
  return kExitOk;
}

// Exit 1 when something is due for destruction, so a board's script can act.
int Retention(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--today"}, {"--json"});
  if (!args.ok()) return ScrUsage("retention", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("retention", "takes the review id");
  auto d = OpenDatedScr(ctx, *args);
  if (!d.ok()) return Fail(d.status());
  auto model = ReadDatedModel(*d, "retention", json::object());
  if (!model.ok()) return Fail(model.status());
  const json& r = *model;
  bool due = false;
  for (const auto& k : r["kinds"]) due |= k["state"] == "due";
  if (args->Has("--json")) {
    std::cout << r.dump(2) << "\n";
    return due ? kExitFailed : kExitOk;
  }
  if (r["legal_hold"].get<bool>())
    std::cout << "LEGAL HOLD: nothing may be destroyed (" << r["hold_reason"].get<std::string>() << ")\n";
  std::cout << "periods run from when the review was " << r["starts_from"].get<std::string>() << ": "
            << (r["start"].get<std::string>().empty() ? "not yet" : r["start"].get<std::string>()) << "\n";
  for (const auto& k : r["kinds"]) {
    std::string state = k["state"], line;
    if (state == "not_set")
      line = "kept: the board has not set a period";
    else if (state == "no_start")
      line = std::to_string(k["years"].get<int>()) + " years, not started";
    else if (state == "kept")
      line = "kept until " + k["due"].get<std::string>();
    else if (state == "due")
      line = "DUE for destruction since " + k["due"].get<std::string>();
    else if (state == "done")
      line = "destroyed (due since " + k["due"].get<std::string>() + ")";
    else
      line = "on legal hold";
    std::cout << k["name"].get<std::string>() << " (" << k["records"].get<size_t>() << " records): " << line
              << "\n";
  }
  for (const auto& x : r["destructions"])
    std::cout << "destroyed " << x["on"].get<std::string>() << " by device " << x["device"].get<std::string>()
              << ": " << x["what"].get<std::string>() << ", " << x["records"].get<size_t>() << " records, "
              << x["files"].get<size_t>() << " attached files, " << x["changes"].get<size_t>()
              << " changes husked\n";
  return due ? kExitFailed : kExitOk;
}

// scr destroy REVIEW KIND --yes: what the schedule says is due, destroyed on
// every device and the board (domain::DestroyKind). Refused under a legal
// hold or before the period has run out; --yes is the confirmation.
int Destroy(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--today"}, {"--yes"});
  if (!args.ok()) return ScrUsage("destroy", args.status().message());
  if (args->positional().size() != 2) return ScrUsage("destroy", "takes REVIEW KIND");
  const std::string& kind = args->positional()[1];
  auto today = Today(args->Get("--today"));
  if (!today.ok()) return Fail(today.status());
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  // Checked before asking for --yes, so that a refusal is said at once ("nothing
  // left" is no refusal while edits that arrived since wait for their husks).
  Status allowed = domain::DestructionAllowed(o->replica->document(), kind, *today);
  auto late = o->replica->UnvouchedHusks();
  if (!late.ok()) return Fail(late.status());
  if (!allowed.ok() && !(allowed.IsNotFound() && !late->empty()))
    return Fail(allowed.WithContext("nothing destroyed"));
  if (!args->Has("--yes"))
    return ScrUsage("destroy", "this destroys every " + kind +
                                   " record of the review on every device and on the board, for good; "
                                   "add --yes to do it");
  auto n = domain::DestroyKind(*o->replica, kind, *today);
  if (!n.ok()) return Fail(n.status().WithContext("nothing destroyed"));
  if (*n == 0)
    std::cout << "Nothing new to destroy; the board will be sent husks of the edits to destroyed " << kind
              << " records that arrived since, at the next sync.\n";
  else
    std::cout << "Destroyed " << *n << " " << kind << " records. Other devices and the board "
              << "remove them at their next sync; the destruction record holds no content.\n";
  return kExitOk;
}

}  // namespace

void AddScrDataProtectionSubcommands(std::vector<ScrSubcommand>& out) {
  out.push_back({"subject-access", SubjectAccess});
  out.push_back({"access-log", AccessLogCmd});
  out.push_back({"retention", Retention});
  out.push_back({"destroy", Destroy});
}

}  // namespace caseboard::cli
