// The publication pack: what goes into the published report, in what order,
// and when there is nothing (or nothing allowed) to publish.
#include <doctest/doctest.h>

#include <string>

#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/publication_pack.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "domain_support.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::test;

namespace {

struct Review {
  TempDir dir;
  std::unique_ptr<store::Vault> vault = CreateVault(dir.str());
  std::unique_ptr<review::Replica> replica;
  std::unique_ptr<ScrReview> scr;
  Review() {
    auto r = ScrReview::Start(*vault, "Child K", "scr-wt2015", "Northshire SCP", D("2024-03-01"));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    replica = std::move(*r);
    scr = std::make_unique<ScrReview>(*replica);
  }
  std::string Add(const std::string& type, const Fields& f) {
    auto id = scr->AddRecord(type, f);
    REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    return *id;
  }
  Result<PublicationPack> Pack() { return BuildPublicationPack(*replica); }
};

}  // namespace

TEST_CASE("paragraphs are the non-empty lines, trimmed") {
  CHECK(Paragraphs("") == std::vector<std::string>{});
  CHECK(Paragraphs("One.\n\n  Two.  \r\n\t\nThree.") == std::vector<std::string>{"One.", "Two.", "Three."});
}

TEST_CASE("dates print as a reader reads them") {
  CHECK(LongDate("2025-03-02") == "2 March 2025");
  CHECK(LongDate("2024-12-31") == "31 December 2024");
  CHECK(LongDate("2023-02-29") == "2023-02-29");  // not a date: left as written
  CHECK(LongDate("soon") == "soon");
}

TEST_CASE("the pack: report sections in order, findings with numbered recommendations, summary, response") {
  Review r;
  r.Add("report_section",
        {{"part", "final_report"}, {"order", 2}, {"title", "What happened"}, {"text", "B."}});
  r.Add("report_section",
        {{"part", "final_report"}, {"order", 1}, {"title", "Introduction"}, {"text", "First.\nSecond."}});
  r.Add("report_section",
        {{"part", "executive_summary"}, {"order", 1}, {"title", "In brief"}, {"text", "E."}});
  r.Add("report_section",
        {{"part", "learning_summary"}, {"order", 1}, {"title", "Learning"}, {"text", "L."}});
  std::string f1 =
      r.Add("finding", {{"title", "Concerns were not logged"}, {"text", "Nobody wrote it down."}});
  std::string f2 = r.Add("finding", {{"title", "Online contact"}, {"text", "No policy."}});
  r.Add("recommendation", {{"finding", f2}, {"text", "Publish guidance."}});
  r.Add("recommendation", {{"finding", f1}, {"text", "Keep a log."}});
  r.Add("board_response", {{"text", "The board accepts them all."}, {"agreed_on", "2024-09-10"}});

  SUBCASE("without a plan, every summary written is included") {
    auto pack = r.Pack();
    REQUIRE_MESSAGE(pack.ok(), pack.status().ToString());
    CHECK(pack->title == "Child K");
    CHECK(pack->board == "Northshire SCP");
    CHECK_FALSE(pack->draft());
    REQUIRE(pack->parts.size() == 4);
    const PackPart& report = pack->parts[0];
    CHECK(report.title == "Final report");
    REQUIRE(report.sections.size() == 5);
    CHECK(report.sections[0].title == "Introduction");
    CHECK(report.sections[0].paragraphs == std::vector<std::string>{"First.", "Second."});
    CHECK(report.sections[1].title == "What happened");
    CHECK(report.sections[2].title == "Findings and recommendations");
    CHECK(report.sections[3].level == 3);
    CHECK(report.sections[3].title == "Finding 1: Concerns were not logged");
    CHECK(report.sections[3].paragraphs ==
          std::vector<std::string>{"Nobody wrote it down.", "Recommendation 1: Keep a log."});
    CHECK(report.sections[4].paragraphs.back() == "Recommendation 2: Publish guidance.");
    CHECK(pack->parts[1].title == "Executive summary");
    CHECK(pack->parts[2].title == "Learning summary");
    CHECK(pack->parts[3].title == "The board's response");
    CHECK(pack->parts[3].sections[0].paragraphs.back() == "Agreed by the board on 10 September 2024.");
  }

  SUBCASE("the plan names the one summary published, and the date") {
    r.Add("publication_plan",
          {{"decision", "publish"}, {"summary", "learning_summary"}, {"publish_on", "2024-10-01"}});
    auto pack = r.Pack();
    REQUIRE(pack.ok());
    REQUIRE(pack->parts.size() == 3);
    CHECK(pack->parts[1].title == "Learning summary");
    CHECK(pack->publish_on == "2024-10-01");
  }

  SUBCASE("a decision not to publish refuses the pack") {
    r.Add("publication_plan", {{"decision", "not_publish"}, {"reasons", "Risk of harm to a sibling."}});
    auto pack = r.Pack();
    REQUIRE_FALSE(pack.ok());
    CHECK(Has(pack.status().message(), "not to publish"));
  }

  SUBCASE("what the publication check finds makes the pack a draft") {
    r.Add("person", {{"group", "child"}, {"name", "Kayleigh Morton"}, {"pseudonym", "Child K"}});
    r.Add("report_section",
          {{"part", "final_report"}, {"order", 3}, {"title", "Later"}, {"text", "Kayleigh, 3/5/2019."}});
    auto pack = r.Pack();
    REQUIRE(pack.ok());
    CHECK(pack->draft());
    CHECK(pack->check_findings == 2);
  }
}

TEST_CASE("with no report section and no finding there is nothing to publish") {
  Review r;
  r.Add("board_response", {{"text", "A response to nothing."}});
  auto pack = r.Pack();
  REQUIRE_FALSE(pack.ok());
  CHECK(Has(pack.status().message(), "nothing to publish yet"));
}

TEST_CASE("a device that cannot read the family compartment cannot build the pack or trust the check") {
  Review r;
  r.Add("person", {{"group", "child"}, {"name", "Kayleigh Morton"}, {"pseudonym", "Child K"}});
  r.Add("report_section",
        {{"part", "final_report"}, {"order", 1}, {"title", "T"}, {"text", "Kayleigh was seen."}});
  TempDir other_dir;
  auto other = CreateVault(other_dir.str());
  REQUIRE(r.replica->AddMember(*other->Identity(), crdt::Role::kEditor, {"general"}).ok());
  auto general_only =
      std::move(review::Replica::OpenOrJoin(*other, r.replica->id(), ScrReplicaOptions())).value();
  REQUIRE(general_only->ReceiveAll(AllChanges(*r.replica)).ok());
  // It reads the report, with the name in it, but not who the people are.
  REQUIRE(Records(general_only->document(), "report_section").size() == 1);
  CHECK(Records(general_only->document(), "person").empty());
  CHECK(ScanReview(general_only->document()).empty());  // what a blind check would say
  CHECK_FALSE(PublicationCheckBlind(*general_only).empty());
  auto pack = BuildPublicationPack(*general_only);
  REQUIRE_FALSE(pack.ok());
  CHECK(Has(pack.status().message(), "family compartment"));
  // The owner, who can read it, gets a draft with the name found.
  CHECK(PublicationCheckBlind(*r.replica).empty());
  auto owner_pack = r.Pack();
  REQUIRE(owner_pack.ok());
  CHECK(owner_pack->check_findings == 1);
}
