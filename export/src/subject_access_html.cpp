#include "caseboard/export/subject_access_export.h"
#include "markup.h"

namespace caseboard::exporting {
namespace {

std::string Label(std::string name) {
  for (char& c : name)
    if (c == '_') c = ' ';
  if (!name.empty() && name[0] >= 'a' && name[0] <= 'z') name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

// The text with its marks: the subject highlighted, others flagged.
std::string Marked(const domain::SubjectField& f) {
  std::string out;
  size_t at = 0;
  for (const auto& m : f.marks) {
    if (m.offset < at || m.offset + m.length > f.text.size()) continue;
    out += EscapeXml(std::string_view(f.text).substr(at, m.offset - at));
    std::string found = EscapeXml(std::string_view(f.text).substr(m.offset, m.length));
    out += m.subject
               ? "<mark class=\"subject\">" + found + "</mark>"
               : "<mark class=\"third-party\" title=\"Third party: review for redaction before sending\">" +
                     found + " [third party]</mark>";
    at = m.offset + m.length;
  }
  out += EscapeXml(std::string_view(f.text).substr(at));
  return out;
}

}  // namespace

std::string RenderSubjectAccessHtml(const domain::SubjectAccessReport& r) {
  std::string who = r.name.empty() ? r.pseudonym : r.name;
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<title>Subject access: " +
      EscapeXml(who) +
      "</title>\n<style>\n"
      "body{font-family:'Noto Sans',Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}\n"
      ".notice{border:2px solid #b00;padding:.5em}\n"
      "mark.subject{background:#cde6ff}\nmark.third-party{background:#ffd7a8;font-weight:bold}\n"
      "table{border-collapse:collapse;width:100%;margin-bottom:1.5em}\n"
      "th,td{border:1px solid #bbb;padding:.3em .5em;vertical-align:top;text-align:left}\n"
      "th{width:12em;background:#f2f2f2}\ntd{white-space:pre-wrap}\n"
      "</style>\n</head>\n<body>\n";
  h += "<h1>Subject access: " + EscapeXml(who) + "</h1>\n";
  h += "<p>Review: " + EscapeXml(r.review_title) + ". Person record " + EscapeXml(r.person) +
       (r.pseudonym.empty() ? "" : ", pseudonym " + EscapeXml(r.pseudonym)) + ".</p>\n";
  h += "<p class=\"notice\">Working copy for the board's redaction review, not for sending as it is. " +
       std::to_string(r.records.size()) + " record(s) concern this person; " +
       std::to_string(r.third_party_marks) +
       " mention(s) of other people are marked <mark class=\"third-party\">[third party]</mark>. Names of "
       "people "
       "without a person record are not recognised: read every record. Attached files are listed and must be "
       "reviewed one by one.";
  if (!r.unreadable.empty()) {
    h += " This device cannot read the compartment(s):";
    for (const auto& c : r.unreadable) h += " " + EscapeXml(c);
    h += "; records there were not searched.";
  }
  h += "</p>\n";
  for (const auto& rec : r.records) {
    h += "<h2>" + EscapeXml(Label(rec.type)) + " <small>" + EscapeXml(rec.id) + "</small></h2>\n";
    h += "<p>Compartment " + EscapeXml(rec.compartment) + ", written " + EscapeXml(rec.created) +
         (rec.refers ? "; refers to this person" : "; names this person") +
         (rec.third_party_marks ? "; holds third-party information" : "") + ".</p>\n<table>\n";
    for (const auto& f : rec.fields)
      h += "<tr><th>" + EscapeXml(Label(f.field)) + "</th><td>" + Marked(f) + "</td></tr>\n";
    for (const auto& file : rec.files)
      h += "<tr><th>Attached file</th><td>" + EscapeXml(file) + " (review separately)</td></tr>\n";
    h += "</table>\n";
  }
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace caseboard::exporting
