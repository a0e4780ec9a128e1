#include "caseboard/domain/publication_pack.h"

#include <algorithm>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/records.h"

namespace caseboard::domain {
namespace {

int64_t Order(const Record& r) {
  const nlohmann::json* v = r.Get("order");
  return v && v->is_number_integer() ? v->get<int64_t>() : INT64_MAX;
}

// A part's sections in the authors' order, then (for equal or missing order)
// the order they were written in: every device lays the pack out the same.
std::vector<PackSection> Sections(const crdt::Document& doc, const std::string& part) {
  std::vector<Record> rs;
  for (auto& r : Records(doc, "report_section"))
    if (r.Str("part") == part) rs.push_back(std::move(r));
  std::stable_sort(rs.begin(), rs.end(),
                   [](const Record& a, const Record& b) { return Order(a) < Order(b); });
  std::vector<PackSection> out;
  for (const auto& r : rs) out.push_back({2, r.Str("title"), Paragraphs(r.Str("text"))});
  return out;
}

// The findings, each followed by its recommendations, numbered through the
// report as the board's action plan refers to them.
std::vector<PackSection> Findings(const crdt::Document& doc) {
  std::vector<PackSection> out;
  std::vector<Record> findings = Records(doc, "finding");
  if (findings.empty()) return out;
  out.push_back({2, "Findings and recommendations", {}});
  std::vector<Record> recommendations = Records(doc, "recommendation");
  int number = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Record& f = findings[i];
    std::string title = "Finding " + std::to_string(i + 1);
    if (f.Filled("title")) title += ": " + f.Str("title");
    PackSection s{3, title, Paragraphs(f.Str("text"))};
    for (const auto& r : recommendations)
      if (r.Str("finding") == f.id && r.Filled("text"))
        s.paragraphs.push_back("Recommendation " + std::to_string(++number) + ": " + r.Str("text"));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::vector<std::string> Paragraphs(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    size_t a = line.find_first_not_of(" \t\r"), b = line.find_last_not_of(" \t\r");
    if (a != std::string::npos) out.push_back(line.substr(a, b - a + 1));
    start = end + 1;
  }
  return out;
}

std::string LongDate(const std::string& iso) {
  static const char* const kMonths[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
  auto d = ParseDate(iso);
  if (!d.ok()) return iso;
  return std::to_string(d->day) + " " + kMonths[d->month - 1] + " " + std::to_string(d->year);
}

Result<PublicationPack> BuildPublicationPack(const review::Replica& replica) {
  if (std::string blind = PublicationCheckBlind(replica); !blind.empty())
    return Status::InvalidArgument(blind);
  const crdt::Document& doc = replica.document();
  PublicationPack pack;
  pack.title = replica.title();
  if (auto scr = First(doc, "scr")) pack.board = scr->Str("board");
  std::string summary_kind;
  if (auto plan = First(doc, "publication_plan")) {
    if (plan->Str("decision") == "not_publish")
      return Status::InvalidArgument(
          "the board decided not to publish this review (its publication plan says so); change the "
          "plan's decision before exporting the publication pack");
    pack.publish_on = plan->Str("publish_on");
    summary_kind = plan->Str("summary");
  }

  PackPart report{"Final report", Sections(doc, "final_report")};
  for (auto& s : Findings(doc)) report.sections.push_back(std::move(s));
  if (report.sections.empty())
    return Status::InvalidArgument(
        "nothing to publish yet: write the final report's sections (report_section records with "
        "part=final_report) or record the findings first");
  pack.parts.push_back(std::move(report));

  // The summary the plan names; without a plan, whichever was written.
  for (const auto& [part, title] :
       {std::pair<std::string, std::string>{"executive_summary", "Executive summary"},
        {"learning_summary", "Learning summary"}}) {
    if (!summary_kind.empty() && summary_kind != part) continue;
    PackPart p{title, Sections(doc, part)};
    if (!p.sections.empty()) pack.parts.push_back(std::move(p));
  }

  if (auto response = First(doc, "board_response"); response && response->Filled("text")) {
    PackSection s{2, "", Paragraphs(response->Str("text"))};
    if (response->Filled("agreed_on"))
      s.paragraphs.push_back("Agreed by the board on " + LongDate(response->Str("agreed_on")) + ".");
    pack.parts.push_back({"The board's response", {std::move(s)}});
  }

  pack.check_findings = ScanReview(doc).size();
  return pack;
}

}  // namespace caseboard::domain
