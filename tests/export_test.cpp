// The publication pack's exports, read back with the tools a reader has:
// pdftotext and pdfinfo for the PDF, unzip and xmllint for the DOCX. Each
// must open and hold the pack's text; a draft says so; the file is written
// whole or not at all.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "caseboard/export/pack_export.h"
#include "test_support.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::exporting;
using namespace caseboard::test;

namespace {

// A pack long enough to need several pages, with text that must be escaped.
PublicationPack LongPack() {
  PublicationPack pack;
  pack.title = "Child K";
  pack.board = "Northshire Safeguarding Children Partnership";
  pack.publish_on = "2025-03-02";
  PackPart report{"Final report", {}};
  for (int s = 1; s <= 12; ++s) {
    PackSection section{2, "Section " + std::to_string(s) + " <of the report> & more", {}};
    for (int p = 1; p <= 6; ++p)
      section.paragraphs.push_back(
          "Paragraph " + std::to_string(s) + "." + std::to_string(p) +
          ": the practitioners\xE2\x80\x99 accounts of what they saw, heard and did, "
          "set beside the records their agencies kept at the time, so that the "
          "reader can see why things happened as they did.");
    report.sections.push_back(std::move(section));
  }
  report.sections.push_back({3, "Finding 1: Concerns were not logged", {"Recommendation 1: Keep a log."}});
  pack.parts.push_back(std::move(report));
  pack.parts.push_back({"Learning summary", {{2, "Learning", {"Write small worries down."}}}});
  pack.parts.push_back({"The board's response", {{2, "", {"The board accepts every recommendation."}}}});
  return pack;
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  REQUIRE_MESSAGE(rc == 0, command, " exited ", rc);
  return out;
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Export(const TempDir& dir, const PublicationPack& pack, Format format) {
  auto bytes = Render(pack, format);
  REQUIRE_MESSAGE(bytes.ok(), bytes.status().ToString());
  std::string path = dir.str() + "/pack." + FormatName(format);
  REQUIRE(WriteFile(path, *bytes).ok());
  return path;
}

}  // namespace

TEST_CASE("PDF: typeset over several pages, numbered, with the whole text in order") {
  TempDir dir;
  PublicationPack pack = LongPack();
  std::string path = Export(dir, pack, Format::kPdf);
  std::string info = Run("pdfinfo '" + path + "'");
  CHECK(Has(info, "Title:           Serious case review: Child K"));
  CHECK(Has(info, "Page size:       595.276 x 841.89 pts (A4)"));
  std::string text = Run("pdftotext -layout '" + path + "' -");
  // Page numbers "Page N of M", M the real count.
  int pages = 0;
  for (size_t at = 0; (at = info.find("Pages:", at)) != std::string::npos; ++at)
    pages = std::stoi(info.substr(at + 6));
  REQUIRE(pages >= 4);
  for (int p = 1; p <= pages; ++p)
    CHECK_MESSAGE(Has(text, "Page " + std::to_string(p) + " of " + std::to_string(pages)), p);
  // Every paragraph is there once, in order (pdftotext joins lines with
  // newlines; compare the paragraph numbers, which stay on one line).
  size_t last = 0;
  for (int s = 1; s <= 12; ++s) {
    CHECK(Has(text, "Section " + std::to_string(s) + " <of the report> & more"));
    for (int p = 1; p <= 6; ++p) {
      size_t at = text.find("Paragraph " + std::to_string(s) + "." + std::to_string(p) + ":");
      REQUIRE_MESSAGE(at != std::string::npos, s, ".", p);
      CHECK(at > last);
      last = at;
    }
  }
  CHECK(Has(text, "Published 2 March 2025"));
  CHECK(Has(text, "The board accepts every recommendation."));
  CHECK_FALSE(Has(text, "DRAFT"));
  // Each part opens a page: the response's heading starts the last one.
  std::string last_page =
      Run("pdftotext -f " + std::to_string(pages) + " -l " + std::to_string(pages) + " '" + path + "' -");
  CHECK(last_page.rfind("The board's response", 0) == 0);
}

TEST_CASE("HTML: one page, escaped, with a contents list") {
  TempDir dir;
  std::string html = RenderHtml(LongPack());
  CHECK(Has(html, "<title>Serious case review: Child K</title>"));
  CHECK(Has(html, "<h2>Section 3 &lt;of the report&gt; &amp; more</h2>"));
  CHECK_FALSE(Has(html, "<of the report>"));
  CHECK(Has(html, "<a href=\"#part-3\">The board&apos;s response</a>"));
  CHECK(Has(html, "<h3>Finding 1: Concerns were not logged</h3>"));
  CHECK_FALSE(Has(html, "<script"));
  std::string path = Export(dir, LongPack(), Format::kHtml);
  CHECK(Run("head -c 15 '" + path + "'") == "<!DOCTYPE html>");
}

TEST_CASE("DOCX: a valid package whose document holds the text under heading styles") {
  TempDir dir;
  std::string path = Export(dir, LongPack(), Format::kDocx);
  Run("unzip -tq '" + path + "'");
  std::string names = Run("unzip -Z1 '" + path + "'");
  for (const char* part : {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
                           "word/footer1.xml", "docProps/core.xml", "word/_rels/document.xml.rels"})
    CHECK_MESSAGE(Has(names, part), part);
  for (const char* part : {"[[]Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
                           "word/footer1.xml", "docProps/core.xml", "word/_rels/document.xml.rels"})
    Run("unzip -p '" + path + "' '" + part + "' | xmllint --noout -");
  std::string doc = Run("unzip -p '" + path + "' word/document.xml");
  CHECK(Has(doc, "<w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Child K</w:t>"));
  CHECK(Has(doc,
            "<w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Section 3 &lt;of the "
            "report&gt; &amp; more</w:t>"));
  CHECK(Has(doc, "Paragraph 12.6:"));
  CHECK(Has(doc, "<w:br w:type=\"page\"/>"));
  CHECK(Has(Run("unzip -p '" + path + "' word/footer1.xml"), " PAGE "));
}

TEST_CASE("a draft says so in every format") {
  PublicationPack pack = LongPack();
  pack.check_findings = 2;
  TempDir dir;
  std::string pdf = Run("pdftotext '" + Export(dir, pack, Format::kPdf) + "' -");
  size_t notices = 0;
  for (size_t at = 0; (at = pdf.find("DRAFT, not for publication", at)) != std::string::npos; ++at) ++notices;
  std::string info = Run("pdfinfo '" + dir.str() + "/pack.pdf'");
  CHECK(notices == static_cast<size_t>(std::stoi(info.substr(info.find("Pages:") + 6))));  // every page
  CHECK(Has(pdf, "finds 2 things to look at"));
  CHECK(Has(RenderHtml(pack), "DRAFT, not for publication"));
  CHECK(Has(Run("unzip -p '" + Export(dir, pack, Format::kDocx) + "' word/document.xml"),
            "DRAFT, not for publication"));
}

TEST_CASE("the file is written whole, for its owner only, or not at all") {
  TempDir dir;
  std::string path = dir.str() + "/pack.html";
  REQUIRE(WriteFile(path, "first").ok());
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(WriteFile(path, "second").ok());
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "second");
  Status missing = WriteFile(dir.str() + "/no/such/folder/pack.pdf", "x");
  CHECK(missing.code() == Status::Code::kIOError);
  CHECK(Has(missing.message(), "no/such/folder/pack.pdf"));
  CHECK(Run("ls -A '" + dir.str() + "'") == "pack.html\n");  // no temporary left behind
  CHECK_FALSE(ParseFormat("odt").ok());
  CHECK(ParseFormat("docx").ok());
}
