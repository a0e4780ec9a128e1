// The pack as a Word document (Office Open XML), for boards that publish in
// their own house style: real Title and Heading styles (so Word's navigation
// pane and contents field work), a page break before each part and a PAGE
// field in the footer. Zipped in memory with libzip.
#include <zip.h>

#include <memory>

#include "caseboard/export/pack_export.h"
#include "markup.h"

namespace caseboard::exporting {
namespace {

constexpr char kContentTypes[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>
)";

constexpr char kRootRels[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>
)";

constexpr char kDocumentRels[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
</Relationships>
)";

constexpr char kWordNs[] = R"(xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main")";

std::string Style(const char* id, const char* name, const char* font, int half_points, bool bold,
                  int outline) {
  std::string s =
      std::string("<w:style w:type=\"paragraph\" w:styleId=\"") + id + "\"><w:name w:val=\"" + name +
      "\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/>"
      "<w:spacing w:before=\"240\" w:after=\"120\"/>";
  if (outline >= 0) s += "<w:outlineLvl w:val=\"" + std::to_string(outline) + "\"/>";
  s += std::string("</w:pPr><w:rPr><w:rFonts w:ascii=\"") + font + "\" w:hAnsi=\"" + font + "\"/>" +
       (bold ? "<w:b/>" : "") + "<w:sz w:val=\"" + std::to_string(half_points) + "\"/></w:rPr></w:style>";
  return s;
}

std::string Styles() {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "\n<w:styles " +
         kWordNs +
         "><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Noto Serif\" w:hAnsi=\"Noto Serif\"/>"
         "<w:sz w:val=\"22\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
         "<w:spacing w:after=\"160\" w:line=\"276\" "
         "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>"
         "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name "
         "w:val=\"Normal\"/><w:qFormat/>"
         "</w:style>" +
         Style("Title", "Title", "Noto Sans", 52, true, -1) +
         Style("Heading1", "heading 1", "Noto Sans", 36, true, 0) +
         Style("Heading2", "heading 2", "Noto Sans", 26, true, 1) +
         Style("Heading3", "heading 3", "Noto Sans", 22, true, 2) +
         Style("Draft", "Draft notice", "Noto Sans", 20, true, -1) + "</w:styles>\n";
}

std::string Footer() {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "\n<w:ftr " + kWordNs +
         "><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Page </w:t></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE "
         "</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r>"
         "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:ftr>\n";
}

std::string Paragraph(const std::string& text, const char* style = nullptr) {
  std::string p = "<w:p>";
  if (style) p += std::string("<w:pPr><w:pStyle w:val=\"") + style + "\"/></w:pPr>";
  return p + "<w:r><w:t xml:space=\"preserve\">" + EscapeXml(text) + "</w:t></w:r></w:p>\n";
}

std::string PageBreak() { return "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>\n"; }

std::string Document(const domain::PublicationPack& pack) {
  std::string d =
      std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") + "\n<w:document " + kWordNs +
      R"( xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>)" + "\n";
  if (pack.draft()) d += Paragraph(DraftNotice(pack.check_findings), "Draft");
  d += Paragraph("Serious case review");
  d += Paragraph(pack.title, "Title");
  if (!pack.board.empty()) d += Paragraph(pack.board, "Heading2");
  d += Paragraph(pack.publish_on.empty() ? "Not yet published"
                                         : "Published " + domain::LongDate(pack.publish_on));
  for (const auto& part : pack.parts) {
    d += PageBreak();
    d += Paragraph(part.title, "Heading1");
    for (const auto& s : part.sections) {
      if (!s.title.empty()) d += Paragraph(s.title, s.level >= 3 ? "Heading3" : "Heading2");
      for (const auto& p : s.paragraphs) d += Paragraph(p);
    }
  }
  if (pack.draft()) d += Paragraph(DraftNotice(pack.check_findings), "Draft");
  // A4, 2.54 cm margins, the footer with the page number.
  d += "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId2\"/><w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
       "<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" "
       "w:footer=\"708\" w:gutter=\"0\"/></w:sectPr>\n</w:body></w:document>\n";
  return d;
}

std::string CoreProperties(const domain::PublicationPack& pack) {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)") +
         "\n<cp:coreProperties "
         "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>Serious case review: " +
         EscapeXml(pack.title) + "</dc:title><dc:creator>" + EscapeXml(pack.board) +
         "</dc:creator></cp:coreProperties>\n";
}

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

Status ZipError(const char* what, zip_error_t* error) {
  return Status::Internal(std::string("could not build the DOCX (") + what +
                          "): " + zip_error_strerror(error));
}

}  // namespace

Result<std::string> RenderDocx(const domain::PublicationPack& pack) {
  // The parts, in the order Word expects to meet them ([Content_Types] first).
  const std::vector<std::pair<const char*, std::string>> parts = {
      {"[Content_Types].xml", kContentTypes},
      {"_rels/.rels", kRootRels},
      {"docProps/core.xml", CoreProperties(pack)},
      {"word/_rels/document.xml.rels", kDocumentRels},
      {"word/styles.xml", Styles()},
      {"word/footer1.xml", Footer()},
      {"word/document.xml", Document(pack)}};

  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceFree> buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!buffer) return ZipError("buffer", &error);
  std::unique_ptr<zip_t, ArchiveCloser> archive(zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error));
  if (!archive) return ZipError("archive", &error);
  zip_source_keep(buffer.get());  // the archive takes a reference; we read the bytes after closing it
  for (const auto& [name, content] : parts) {
    zip_source_t* s = zip_source_buffer(archive.get(), content.data(), content.size(), 0);
    if (!s || zip_file_add(archive.get(), name, s, ZIP_FL_ENC_UTF_8) < 0) {
      if (s) zip_source_free(s);
      return ZipError(name, zip_get_error(archive.get()));
    }
  }
  // zip_close writes the archive into `buffer`; `parts` must outlive it.
  if (zip_close(archive.get()) < 0) return ZipError("close", zip_get_error(archive.get()));
  archive.release();

  zip_stat_t st;
  if (zip_source_stat(buffer.get(), &st) < 0 || zip_source_open(buffer.get()) < 0)
    return ZipError("read back", zip_source_error(buffer.get()));
  std::string out(static_cast<size_t>(st.size), '\0');
  zip_int64_t n = zip_source_read(buffer.get(), out.data(), out.size());
  zip_source_close(buffer.get());
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size)
    return ZipError("read back", zip_source_error(buffer.get()));
  return out;
}

}  // namespace caseboard::exporting
