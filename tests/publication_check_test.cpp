// The publication check (guidance section 7: the report is published
// anonymised, not redacted): a realistic passage of a final report with
// identifiers planted in it, the forms a careless draft uses (possessive,
// capitals, first name alone, dates in several formats, postcodes, an
// address, a school, exact ages, a flagged detail), and the pseudonyms that
// must never be flagged. Then the same on a review: the texts destined for
// publication are found, names are replaced by pseudonyms through the text
// CRDT, and a text edited since the scan is not touched.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/read_models.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/domain/signoff.h"
#include "domain_support.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::test;

namespace {

Identifiers People() {
  Identifiers ids;
  ids.names = {{"Kayleigh Morton", "Child K", "p1"},
               {"Darren Morton", "Father", "p2"},
               {"Sarah Jennings", "Social Worker 1", "p3"},
               {"Kayleigh", "Child K", "p1"},
               {"Morton", "Child K", "p1"},  // a shared surname: the first person's pseudonym is offered
               {"Darren", "Father", "p2"},
               {"Jennings", "Social Worker 1", "p3"}};
  ids.pseudonyms = {"Child K", "Father", "Social Worker 1"};
  ids.details = {"only triplets in the village"};
  return ids;
}

// A draft that a lead reviewer might really write on a bad day.
const char kDraft[] =
    "Child K lived with Father and her two siblings. In March 2019 Social Worker 1 visited the home.\n"
    "Kayleigh's teacher at St Bede's Primary School raised a concern on 3rd May 2019, when KAYLEIGH was "
    "aged 7; the family had moved to 12 Elm Grove Road, NE6 5QT, weeks before. Mr Morton said the "
    "children were the only triplets in the village. Darren\xE2\x80\x99s account was recorded on "
    "14/03/2016 and again on 2019-05-10. Sarah Jennings noted that a 7-year-old should not be left "
    "alone. Child K's voice is heard through her diary.";

std::multiset<std::string> KindsOf(const std::vector<PublicationHit>& hits) {
  std::multiset<std::string> k;
  for (const auto& h : hits) k.insert(h.kind);
  return k;
}

const PublicationHit* Find(const std::vector<PublicationHit>& hits, const std::string& found) {
  for (const auto& h : hits)
    if (h.found == found) return &h;
  return nullptr;
}

}  // namespace

TEST_CASE("the scanner finds planted identifiers in a realistic draft and leaves pseudonyms alone") {
  auto hits = ScanText(kDraft, People());

  // Names: possessive (both apostrophes), capitals, surname alone, full name.
  const PublicationHit* possessive = Find(hits, "Kayleigh's");
  REQUIRE(possessive);
  CHECK(possessive->kind == "name");
  CHECK(possessive->replacement == "Child K's");
  CHECK(possessive->person == "p1");
  REQUIRE(Find(hits, "KAYLEIGH"));
  CHECK(Find(hits, "KAYLEIGH")->replacement == "Child K");
  REQUIRE(Find(hits, "Darren\xE2\x80\x99s"));
  CHECK(Find(hits, "Darren\xE2\x80\x99s")->replacement == "Father\xE2\x80\x99s");
  REQUIRE(Find(hits, "Morton"));
  REQUIRE(Find(hits, "Sarah Jennings"));
  CHECK(Find(hits, "Sarah Jennings")->replacement == "Social Worker 1");
  CHECK_FALSE(Find(hits, "Sarah"));  // the full name is one hit, not three

  // Dates in three formats; a month and year is how reports date things.
  CHECK(Find(hits, "3rd May 2019"));
  CHECK(Find(hits, "14/03/2016"));
  CHECK(Find(hits, "2019-05-10"));
  CHECK_FALSE(Find(hits, "March 2019"));

  CHECK(Find(hits, "NE6 5QT"));
  CHECK(Find(hits, "12 Elm Grove Road"));
  CHECK(Find(hits, "St Bede's Primary School"));
  CHECK(Find(hits, "aged 7"));
  CHECK(Find(hits, "7-year-old"));
  CHECK(Find(hits, "only triplets in the village"));

  // No hit inside a pseudonym, and none that is a pseudonym.
  for (const auto& h : hits) {
    CHECK_MESSAGE(h.found.find("Child K") == std::string::npos, h.found);
    CHECK_MESSAGE(h.found != "Father", h.found);
    CHECK_MESSAGE(h.found.find("Social Worker") == std::string::npos, h.found);
  }
  std::multiset<std::string> kinds = KindsOf(hits);
  CHECK(kinds.count("name") == 5);
  CHECK(kinds.count("date") == 3);
  CHECK(kinds.count("postcode") == 1);
  CHECK(kinds.count("address") == 1);
  CHECK(kinds.count("school") == 1);
  CHECK(kinds.count("age") == 2);
  CHECK(kinds.count("flagged") == 1);

  // In text order, never overlapping, with context and code-point positions.
  for (size_t i = 1; i < hits.size(); ++i)
    CHECK(hits[i - 1].offset + hits[i - 1].found.size() <= hits[i].offset);
  for (const auto& h : hits) {
    CHECK(std::string(kDraft).compare(h.offset, h.found.size(), h.found) == 0);
    CHECK(h.context.find(h.found) != std::string::npos);
    CHECK(h.context.find('\n') == std::string::npos);
  }
  const PublicationHit* after_quote = Find(hits, "14/03/2016");
  CHECK(after_quote->position == after_quote->offset - 2);  // the ’ before it is 3 bytes, 1 code point
}

TEST_CASE("a clean, properly anonymised passage gives no hits") {
  const char clean[] =
      "Child K lived with Father. Social Worker 1 visited in March 2019 and again in the spring. The school "
      "raised a concern; the family had moved weeks before. Child K's voice is heard through her diary.";
  CHECK(ScanText(clean, People()).empty());
  // Words that merely contain a name are not the name.
  Identifiers ids;
  ids.names = {{"Ann", "Mother", "p9"}};
  CHECK(ScanText("Annual reports and an annotated plan.", ids).empty());
}

TEST_CASE("on a review: publication texts are scanned, names replaced by pseudonyms, stale hits refused") {
  TempDir dir;
  auto vault = CreateVault(dir.str());
  auto r = ScrReview::Start(*vault, "SCR Child K", "scr-wt2015", "Northshire SCP", D("2024-03-01"));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  ScrReview scr(**r);
  auto add = [&](const std::string& type, const Fields& f) {
    auto id = scr.AddRecord(type, f);
    REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    return *id;
  };
  add("person", {{"group", "child"}, {"name", "Kayleigh Morton"}, {"pseudonym", "Child K"}});
  add("person", {{"group", "practitioner"}, {"name", "Sarah Jennings"}, {"pseudonym", "Social Worker 1"}});
  add("identifying_detail", {{"detail", "only triplets in the village"}});
  std::string section =
      add("report_section", {{"part", "final_report"}, {"order", 1}, {"title", "The family"}});
  REQUIRE((*r)->InsertText(section, "text", 0, "Kayleigh's school was told by Sarah Jennings.").ok());
  REQUIRE((*r)->FlushText().ok());
  add("finding", {{"title", "Finding 1"}, {"text", "They were the only triplets in the village."}});
  // Not destined for publication: a conversation's notes keep real names.
  add("conversation", {{"by", "Sarah Jennings"}, {"notes", "Kayleigh said she liked school."}});

  auto hits = ScanReview((*r)->document());
  REQUIRE(hits.size() == 3);
  CHECK(hits[0].entity == section);
  CHECK(hits[0].field == "text");
  CHECK(KindsOf(hits).count("flagged") == 1);

  // The read model the CLI and the C API print.
  ReadContext context;
  context.today = D("2024-04-01");
  auto model = ReadModel(scr, "publication_check", nlohmann::json::object(), context);
  REQUIRE(model.ok());
  CHECK(model->size() == 3);
  CHECK((*model)[0]["replacement"] == "Child K's");

  // Replace the two names, last first so the earlier offset stays right.
  REQUIRE(ReplaceHit(**r, hits[1]).ok());
  REQUIRE(ReplaceHit(**r, hits[0]).ok());
  auto rec = FindRecord((*r)->document(), section);
  REQUIRE(rec);
  CHECK(rec->Str("text") == "Child K's school was told by Social Worker 1.");
  CHECK(ScanReview((*r)->document()).size() == 1);  // the flagged detail needs a person's words

  // A hit whose text changed since the scan is refused, and nothing is touched.
  auto again = ScanReview((*r)->document());
  std::string finding = again[0].entity;
  REQUIRE((*r)->InsertText(finding, "text", 0, "Note: ").ok());
  Status stale = ReplaceHit(**r, again[0], "a rare family circumstance");
  CHECK(stale.code() == Status::Code::kInvalidArgument);
  CHECK(FindRecord((*r)->document(), finding)->Str("text") ==
        "Note: They were the only triplets in the village.");
  // With no pseudonym to offer, a person must write the replacement.
  auto fresh = ScanReview((*r)->document());
  CHECK(ReplaceHit(**r, fresh[0]).code() == Status::Code::kInvalidArgument);
  REQUIRE(ReplaceHit(**r, fresh[0], "an unusual family circumstance").ok());
  CHECK(ScanReview((*r)->document()).empty());
}

TEST_CASE("a sign-off for publication records the check's result, signed, and notices later edits") {
  TempDir dir;
  auto vault = CreateVault(dir.str());
  auto r = ScrReview::Start(*vault, "SCR Child K", "scr-wt2015", "Northshire SCP", D("2024-03-01"));
  REQUIRE(r.ok());
  ScrReview scr(**r);
  REQUIRE(scr.AddRecord("person", {{"group", "child"}, {"name", "Kayleigh Morton"}, {"pseudonym", "Child K"}})
              .ok());
  auto section =
      scr.AddRecord("report_section", {{"part", "final_report"}, {"title", "T"}, {"text", "Kayleigh."}});
  REQUIRE(section.ok());
  auto signoff_board = scr.SetRecord("board_signoff", {{"decision", "agreed"}});
  REQUIRE(signoff_board.ok());

  // Signed while the check finds the name: the sign-off says so.
  auto first = scr.SignOff(*signoff_board, "Board chair", "independent chair", "Agreed for publication.",
                           D("2024-09-01"));
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  auto checks = CheckSignoffs(**r, *signoff_board);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].valid);
  CHECK(checks[0].publication_check == "1 finding in 2 texts");  // the section's title and text
  CHECK_FALSE(checks[0].publication_texts_changed);

  // The report is corrected: the board's sign-off still holds, but shows
  // that the texts it was checked on have changed since.
  REQUIRE(scr.UpdateRecord(*section, {{"text", "Child K."}}).ok());
  checks = CheckSignoffs(**r, *signoff_board);
  CHECK(checks[0].valid);
  CHECK(checks[0].publication_texts_changed);
  auto second = scr.SignOff(*signoff_board, "Board chair", "independent chair", "Agreed for publication.",
                            D("2024-09-08"));
  REQUIRE(second.ok());
  checks = CheckSignoffs(**r, *signoff_board);
  REQUIRE(checks.size() == 2);
  CHECK(checks[1].publication_check == "nothing found in 2 texts");
  CHECK_FALSE(checks[1].publication_texts_changed);

  // The recorded result is signed: rewriting it breaks the signature.
  REQUIRE((*r)->SetFields(*first, {{"publication_check", "nothing found in 2 texts"}}).ok());
  checks = CheckSignoffs(**r, *signoff_board);
  CHECK_FALSE(checks[0].valid);
  CHECK(Has(checks[0].reason, "altered or forged"));

  // A sign-off of anything else records no check.
  auto agency = scr.AddRecord("agency", {{"name", "Police"}});
  REQUIRE(agency.ok());
  REQUIRE(scr.SignOff(*agency, "Manager", "", "Fine.", D("2024-09-08")).ok());
  CHECK(CheckSignoffs(**r, *agency)[0].publication_check.empty());
}
