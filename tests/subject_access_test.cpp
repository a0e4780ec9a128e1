// Subject access: every record concerning one person, found by reference
// and by name (full, part, possessive, pseudonym), disclosed whole with the
// other people named in it marked as third-party information; nothing that
// does not concern them.
#include <doctest/doctest.h>

#include <string>

#include "caseboard/domain/scr_review.h"
#include "caseboard/domain/subject_access.h"
#include "domain_support.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::test;

namespace {

const SubjectRecord* Find(const SubjectAccessReport& r, const std::string& id) {
  for (const auto& rec : r.records)
    if (rec.id == id) return &rec;
  return nullptr;
}

std::string Marked(const SubjectRecord& rec, bool subject) {
  std::string out;
  for (const auto& f : rec.fields)
    for (const auto& m : f.marks)
      if (m.subject == subject) out += f.text.substr(m.offset, m.length) + "|";
  return out;
}

}  // namespace

TEST_CASE("subject access finds what concerns one person and marks third parties") {
  TempDir dir;
  auto vault = CreateVault(dir.str());
  auto r = ScrReview::Start(*vault, "SCR Child K", "scr-wt2015", "Northshire SCP", D("2024-03-01"));
  REQUIRE(r.ok());
  ScrReview scr(**r);
  auto add = [&](const std::string& type, const Fields& f) {
    auto id = scr.AddRecord(type, f);
    REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    return *id;
  };
  std::string mother =
      add("person", {{"group", "family"}, {"name", "Donna Morton"}, {"pseudonym", "Mother"}});
  std::string child =
      add("person", {{"group", "child"}, {"name", "Kayleigh Morton"}, {"pseudonym", "Child K"}});
  add("person", {{"group", "practitioner"}, {"name", "Sarah Jennings"}, {"pseudonym", "Social Worker 1"}});
  std::string visit = add("conversation", {{"person", mother},
                                           {"kind", "home_visit"},
                                           {"notes", "She said Sarah Jennings had not called since March."}});
  std::string entry = add("chronology_entry", {{"date", "2019-05-03"},
                                               {"agency", "School"},
                                               {"event", "Teacher saw bruising; spoke to Donna's partner."}});
  std::string finding =
      add("finding", {{"title", "Mother was not heard"}, {"text", "Child K was seen alone."}});
  std::string unrelated =
      add("chronology_entry",
          {{"date", "2019-06-01"}, {"agency", "Health"}, {"event", "Child K missed a health visit."}});
  (void)child;

  auto report = FindSubjectRecords(**r, mother);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->name == "Donna Morton");
  REQUIRE(report->records.size() == 4);
  CHECK(report->records[0].id == mother);  // their own record first
  // By reference: the visit; its note names a practitioner, a third party.
  const SubjectRecord* v = Find(*report, visit);
  REQUIRE(v);
  CHECK(v->refers);
  CHECK(Marked(*v, false) == "Sarah Jennings|");
  CHECK(v->third_party_marks == 1);
  // By a part of the name, possessive.
  const SubjectRecord* e = Find(*report, entry);
  REQUIRE(e);
  CHECK_FALSE(e->refers);
  CHECK(Marked(*e, true) == "Donna's|");
  // By pseudonym; the child named beside her is a third party.
  const SubjectRecord* f = Find(*report, finding);
  REQUIRE(f);
  CHECK(Marked(*f, true) == "Mother|");
  CHECK(Marked(*f, false) == "Child K|");
  CHECK_FALSE(Find(*report, unrelated));
  CHECK(report->third_party_marks == 2);

  CHECK(FindSubjectRecords(**r, finding).status().IsNotFound());  // not a person
}
