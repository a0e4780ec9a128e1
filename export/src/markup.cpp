#include "markup.h"

namespace caseboard::exporting {

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
  }
  return out;
}

std::string DraftNotice(size_t findings) {
  return "DRAFT, not for publication: the publication check finds " + std::to_string(findings) +
         (findings == 1 ? " thing" : " things") + " to look at";
}

}  // namespace caseboard::exporting
