// Exports of the publication pack (core's publication_pack.h) to the files a
// board publishes: PDF (typeset with cairo and pango: headings, paragraphs,
// page numbers, an outline), HTML (one self-contained page) and DOCX (for the
// board's own house style, built with libzip). All three are made from the
// same PublicationPack, so they say the same thing.
//
// These files are plaintext by nature: they are what goes on the website.
// A pack the publication check still finds something in is marked DRAFT in
// every format, on every page.
#pragma once

#include <string>
#include <string_view>

#include "caseboard/domain/publication_pack.h"
#include "caseboard/status.h"

namespace caseboard::exporting {

enum class Format { kPdf, kHtml, kDocx };

// "pdf", "html" or "docx".
Result<Format> ParseFormat(std::string_view name);
const char* FormatName(Format format);

// The file's bytes.
Result<std::string> RenderPdf(const domain::PublicationPack& pack);
std::string RenderHtml(const domain::PublicationPack& pack);
Result<std::string> RenderDocx(const domain::PublicationPack& pack);
Result<std::string> Render(const domain::PublicationPack& pack, Format format);

// Writes `bytes` to `path` through a temporary file beside it, renamed into
// place, so a failed export never leaves half a file under the chosen name.
// The file is readable by its owner only: it is for the board to publish,
// not for everyone on the machine.
Status WriteFile(const std::string& path, const std::string& bytes);

}  // namespace caseboard::exporting
