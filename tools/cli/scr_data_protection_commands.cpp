// scr subject-access: every record of a review that concerns one person
// (subject_access.h), as JSON or as an HTML bundle for redaction review.
#include <iostream>

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

}  // namespace

void AddScrDataProtectionSubcommands(std::vector<ScrSubcommand>& out) {
  out.push_back({"subject-access", SubjectAccess});
}

}  // namespace caseboard::cli
