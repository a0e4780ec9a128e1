// The pack as one self-contained HTML page: no scripts, no external
// stylesheet or font, so it can be put on a board's website as it is.
#include "caseboard/export/pack_export.h"
#include "markup.h"

namespace caseboard::exporting {

std::string RenderHtml(const domain::PublicationPack& pack) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>Serious case review: " + EscapeXml(pack.title) + "</title>\n";
  h += "<style>\n"
       "body{font-family:'Noto Serif',Georgia,serif;max-width:42em;margin:2em auto;padding:0 1em;"
       "line-height:1.5;color:#1a1a1a}\n"
       "h1,h2,h3{font-family:'Noto Sans',Arial,sans-serif;line-height:1.25}\n"
       "h1{font-size:1.8em;margin-top:2.5em;border-bottom:1px solid #999}\n"
       "header h1{margin-top:0;border:none}\n"
       ".draft{border:2px solid #b00;color:#b00;padding:.5em;font-weight:bold}\n"
       "nav li{margin:.2em 0}\n"
       "@media print{h1{break-before:page}header h1{break-before:auto}}\n"
       "</style>\n</head>\n<body>\n";
  if (pack.draft()) h += "<p class=\"draft\">" + EscapeXml(DraftNotice(pack.check_findings)) + "</p>\n";
  h += "<header>\n<p>Serious case review</p>\n<h1>" + EscapeXml(pack.title) + "</h1>\n";
  if (!pack.board.empty()) h += "<p>" + EscapeXml(pack.board) + "</p>\n";
  if (!pack.publish_on.empty())
    h += "<p>Published " + EscapeXml(domain::LongDate(pack.publish_on)) + "</p>\n";
  h += "</header>\n<nav>\n<h2>Contents</h2>\n<ol>\n";
  for (size_t i = 0; i < pack.parts.size(); ++i)
    h += "<li><a href=\"#part-" + std::to_string(i + 1) + "\">" + EscapeXml(pack.parts[i].title) +
         "</a></li>\n";
  h += "</ol>\n</nav>\n<main>\n";
  for (size_t i = 0; i < pack.parts.size(); ++i) {
    const auto& part = pack.parts[i];
    h += "<section id=\"part-" + std::to_string(i + 1) + "\">\n<h1>" + EscapeXml(part.title) + "</h1>\n";
    for (const auto& s : part.sections) {
      const char* tag = s.level >= 3 ? "h3" : "h2";
      if (!s.title.empty()) h += std::string("<") + tag + ">" + EscapeXml(s.title) + "</" + tag + ">\n";
      for (const auto& p : s.paragraphs) h += "<p>" + EscapeXml(p) + "</p>\n";
    }
    h += "</section>\n";
  }
  h += "</main>\n";
  if (pack.draft()) h += "<p class=\"draft\">" + EscapeXml(DraftNotice(pack.check_findings)) + "</p>\n";
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace caseboard::exporting
