// The pack typeset as an A4 PDF with cairo and pango: a title page, each
// part starting on a new page, headings kept with what follows them,
// paragraphs broken across pages line by line, "Page N of M" on every page
// and an outline (bookmarks) of the parts.
//
// The text is laid out twice with the same PDF surface type: the first pass
// only counts the pages, so the second can print "of M". Both passes use the
// same font metrics, so they break pages in the same places.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>

#include "caseboard/export/pack_export.h"
#include "markup.h"

namespace caseboard::exporting {
namespace {

constexpr double kPageWidth = 595.276, kPageHeight = 841.89;  // A4 in points
constexpr double kMargin = 72, kFooter = 36;
constexpr double kTextWidth = kPageWidth - 2 * kMargin;
constexpr double kTop = kMargin, kBottom = kPageHeight - kMargin - kFooter / 2;

struct FontDeleter {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};
using Font = std::unique_ptr<PangoFontDescription, FontDeleter>;
Font MakeFont(const char* spec) { return Font(pango_font_description_from_string(spec)); }

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}
cairo_status_t Discard(void*, const unsigned char*, unsigned int) { return CAIRO_STATUS_SUCCESS; }

class Typesetter {
 public:
  // `total_pages` is 0 on the counting pass: nothing is drawn then.
  Typesetter(const domain::PublicationPack& pack, std::string* out, int total_pages)
      : pack_(pack), draw_(total_pages > 0), total_(total_pages) {
    surface_ = out ? cairo_pdf_surface_create_for_stream(Append, out, kPageWidth, kPageHeight)
                   : cairo_pdf_surface_create_for_stream(Discard, nullptr, kPageWidth, kPageHeight);
    cr_ = cairo_create(surface_);
    // Points, as a typesetter means them: pango's default is 96 dpi, which
    // would print an 11 pt body at 14.7 pt.
    context_ = pango_cairo_create_context(cr_);
    pango_cairo_context_set_resolution(context_, 72);
    if (draw_) {
      std::string title = "Serious case review: " + pack.title;
      cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
      if (!pack.board.empty())
        cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_AUTHOR, pack.board.c_str());
      cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "Caseboard");
    }
  }
  ~Typesetter() {
    g_object_unref(context_);
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  Typesetter(const Typesetter&) = delete;
  Typesetter& operator=(const Typesetter&) = delete;

  // Lays out the whole pack; returns the number of pages, or an error.
  Result<int> Run() {
    TitlePage();
    for (const auto& part : pack_.parts) {
      NewPage();
      if (draw_)
        cairo_pdf_surface_add_outline(surface_, CAIRO_PDF_OUTLINE_ROOT, part.title.c_str(),
                                      ("page=" + std::to_string(page_)).c_str(), CAIRO_PDF_OUTLINE_FLAG_OPEN);
      Block(part.title, h1_.get(), 18);
      for (const auto& s : part.sections) {
        if (!s.title.empty()) Heading(s.title, s.level >= 3 ? h3_.get() : h2_.get());
        for (const auto& p : s.paragraphs) Block(p, body_.get(), 8);
      }
    }
    EndPage();
    cairo_surface_finish(surface_);
    if (cairo_surface_status(surface_) != CAIRO_STATUS_SUCCESS)
      return Status::IOError(std::string("could not typeset the PDF: ") +
                             cairo_status_to_string(cairo_surface_status(surface_)));
    return page_;
  }

 private:
  void TitlePage() {
    page_ = 1;
    y_ = kTop + 150;
    Block("Serious case review", h3_.get(), 12);
    Block(pack_.title, title_.get(), 24);
    if (!pack_.board.empty()) Block(pack_.board, h2_.get(), 12);
    Block(pack_.publish_on.empty() ? "Not yet published" : "Published " + domain::LongDate(pack_.publish_on),
          body_.get(), 36);
    std::string contents = "Contents:";
    for (const auto& part : pack_.parts) contents += "\n" + part.title;
    Block(contents, body_.get(), 0);
  }

  void NewPage() {
    EndPage();
    ++page_;
    y_ = kTop;
  }

  // The running footer and, on a draft, the warning at the top.
  void EndPage() {
    if (!draw_) return;
    std::string footer = "Page " + std::to_string(page_) + " of " + std::to_string(total_);
    Line(footer, small_.get(), kPageHeight - kMargin + kFooter / 2, PANGO_ALIGN_CENTER);
    if (pack_.draft()) {
      cairo_set_source_rgb(cr_, 0.7, 0, 0);
      Line(DraftNotice(pack_.check_findings), small_.get(), kMargin / 2, PANGO_ALIGN_CENTER);
      cairo_set_source_rgb(cr_, 0, 0, 0);
    }
    cairo_show_page(cr_);
  }

  PangoLayout* Layout(const std::string& text, const PangoFontDescription* font, PangoAlignment align) {
    PangoLayout* layout = pango_layout_new(context_);
    pango_layout_set_font_description(layout, font);
    pango_layout_set_width(layout, static_cast<int>(kTextWidth * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, align);
    pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
    return layout;
  }

  // One line of text at a fixed place (footer, draft notice).
  void Line(const std::string& text, const PangoFontDescription* font, double y, PangoAlignment align) {
    PangoLayout* layout = Layout(text, font, align);
    cairo_move_to(cr_, kMargin, y);
    pango_cairo_show_layout(cr_, layout);
    g_object_unref(layout);
  }

  double LineHeight(const PangoFontDescription* font) {
    PangoLayout* layout = Layout("Ag", font, PANGO_ALIGN_LEFT);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // A heading starts a new page rather than sit alone at the foot of one.
  void Heading(const std::string& text, const PangoFontDescription* font) {
    y_ += 10;
    if (y_ + LineHeight(font) + 3 * LineHeight(body_.get()) > kBottom) NewPage();
    Block(text, font, 6);
  }

  // A paragraph, broken across pages between lines where it must be.
  void Block(const std::string& text, const PangoFontDescription* font, double space_after) {
    PangoLayout* layout = Layout(text, font, PANGO_ALIGN_LEFT);
    PangoLayoutIter* it = pango_layout_get_iter(layout);
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      double height = static_cast<double>(logical.height) / PANGO_SCALE;
      if (y_ + height > kBottom && y_ > kTop) NewPage();
      if (draw_) {
        double baseline = static_cast<double>(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        cairo_move_to(cr_, kMargin + static_cast<double>(logical.x) / PANGO_SCALE, y_ + baseline);
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      }
      y_ += height;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
    y_ += space_after;
  }

  const domain::PublicationPack& pack_;
  const bool draw_;
  const int total_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  PangoContext* context_ = nullptr;
  int page_ = 0;
  double y_ = kTop;
  Font title_ = MakeFont("Noto Sans Bold 26"), h1_ = MakeFont("Noto Sans Bold 18"),
       h2_ = MakeFont("Noto Sans Bold 13"), h3_ = MakeFont("Noto Sans Bold 11"),
       body_ = MakeFont("Noto Serif 11"), small_ = MakeFont("Noto Sans 8.5");
};

}  // namespace

Result<std::string> RenderPdf(const domain::PublicationPack& pack) {
  Typesetter counting(pack, nullptr, 0);
  CB_ASSIGN_OR_RETURN(int pages, counting.Run());
  std::string out;
  Typesetter drawing(pack, &out, pages);
  CB_ASSIGN_OR_RETURN(int drawn, drawing.Run());
  if (drawn != pages) return Status::Internal("the PDF's two layout passes disagree on the page count");
  return out;
}

}  // namespace caseboard::exporting
