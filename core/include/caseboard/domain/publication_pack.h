// The publication pack: what a board publishes at the end of a review (the
// guidance's section 7): the final report, its executive or learning summary,
// and the board's written response, "published alongside the report".
//
// This is the pack's content in reading order, independent of any file
// format, so the PDF, HTML and DOCX exports (export/) are made from one
// source and say the same thing. It is built from the review's records:
// report sections (by part and order), the findings with their
// recommendations, and the board_response.
#pragma once

#include <string>
#include <vector>

#include "caseboard/review/replica.h"
#include "caseboard/status.h"

namespace caseboard::domain {

struct PackSection {
  int level = 2;  // 2: a section of a part; 3: a subsection (a finding)
  std::string title;
  std::vector<std::string> paragraphs;  // plain text, one per non-empty line of the source
};

struct PackPart {
  std::string title;  // "Final report", "Learning summary", "The board's response"
  std::vector<PackSection> sections;
};

struct PublicationPack {
  std::string title;       // the review's title, which is its pseudonym ("Child B")
  std::string board;       // the board that publishes it ("" when not recorded)
  std::string publish_on;  // the planned publication date ("" when not planned)
  std::vector<PackPart> parts;
  // What the publication check found in these texts when the pack was built.
  // An export with findings is a draft and says so on every page.
  size_t check_findings = 0;
  bool draft() const { return check_findings > 0; }
};

// Builds the pack. Refused (kInvalidArgument, with what to do) when there is
// nothing to publish yet (no report section and no finding), when the board
// decided not to publish (the plan's decision is "not_publish"), and on a
// device that cannot read the family compartment: the people's names live
// there, so the publication check could not look for them and a pack that
// names the child would pass as clean.
Result<PublicationPack> BuildPublicationPack(const review::Replica& replica);

// Splits a text into paragraphs: each non-empty line, trimmed.
std::vector<std::string> Paragraphs(const std::string& text);

// A date as a published report prints it: "2025-03-02" -> "2 March 2025";
// anything that is not such a date comes back unchanged.
std::string LongDate(const std::string& iso);

}  // namespace caseboard::domain
