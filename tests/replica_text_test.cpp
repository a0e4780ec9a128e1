// Text fields in a review: character edits grouped into one signed change per
// burst, merged across devices, kept across reopen, refused without rights.
#include <doctest/doctest.h>

#include <memory>

#include "caseboard/review/replica.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using review::Replica;
using review::ReplicaOptions;

namespace {

// Device one creates a review with a note, adds device two with `role`, and
// device two receives everything.
struct TwoDevices {
  TempDir d1, d2;
  std::unique_ptr<store::Vault> v1 = CreateVault(d1.str()), v2 = CreateVault(d2.str());
  std::unique_ptr<Replica> r1, r2;
  std::string note;

  TwoDevices(crdt::Role role, const std::map<std::string, nlohmann::json>& note_fields) {
    auto created = Replica::Create(*v1, "Shared review");
    REQUIRE(created.ok());
    r1 = std::move(created).value();
    auto id2 = v2->Identity();
    REQUIRE(id2.ok());
    REQUIRE(r1->AddMember(*id2, role, {"general"}).ok());
    auto n = r1->AddEntity("note", note_fields);
    REQUIRE(n.ok());
    note = *n;
    auto joined = Replica::OpenOrJoin(*v2, r1->id());
    REQUIRE(joined.ok());
    r2 = std::move(joined).value();
    REQUIRE(r2->ReceiveAll(AllChanges(*r1)).ok());
  }
  void Exchange() {
    REQUIRE(r1->ReceiveAll(AllChanges(*r2)).ok());
    REQUIRE(r2->ReceiveAll(AllChanges(*r1)).ok());
  }
};

std::string Body(const Replica& r, const std::string& note) {
  const crdt::Entity* e = r.document().Find(note);
  REQUIRE(e);
  const crdt::TextSequence* t = e->Text("body");
  return t ? t->Text() : std::string();
}

// A replica on a clock the test moves.
struct Clocked {
  std::shared_ptr<uint64_t> now = std::make_shared<uint64_t>(1'800'000'000'000);
  ReplicaOptions options() const {
    ReplicaOptions o;
    auto n = now;
    o.now = [n] { return *n; };
    return o;
  }
};

void Type(Replica& r, const std::string& note, size_t pos, const std::string& text, uint64_t* now,
          uint64_t gap_ms) {
  for (size_t i = 0; i < text.size(); ++i) {
    REQUIRE(r.InsertText(note, "body", pos + i, text.substr(i, 1)).ok());
    *now += gap_ms;
  }
}

}  // namespace

TEST_CASE("keystrokes are signed as one change per burst") {
  TempDir dir;
  auto vault = CreateVault(dir.str());
  Clocked clock;
  auto r = Replica::Create(*vault, "Review", clock.options());
  REQUIRE(r.ok());
  auto note = (*r)->AddEntity("note", {{"title", "Interview notes"}});
  REQUIRE(note.ok());
  size_t before = (*r)->change_count();

  // 200 keystrokes 150 ms apart: one burst, not yet signed.
  Type(**r, *note, 0, std::string(200, 'a'), clock.now.get(), 150);
  CHECK((*r)->has_unflushed_text());
  CHECK((*r)->change_count() == before);
  CHECK(Body(**r, *note).size() == 200);  // shown at once

  // A pause ends the burst: the next keystroke signs the previous ones.
  *clock.now += 5000;
  Type(**r, *note, 200, "b", clock.now.get(), 100);
  CHECK((*r)->change_count() == before + 1);

  // Steady typing is cut at the burst's time bound (30 s): 100 s of typing
  // at 200 ms per key is four changes, not one and not 500.
  Type(**r, *note, 201, std::string(500, 'c'), clock.now.get(), 200);
  REQUIRE((*r)->FlushText().ok());
  CHECK_FALSE((*r)->has_unflushed_text());
  size_t made = (*r)->change_count() - before;
  CHECK(made >= 4);
  CHECK(made <= 6);
  CHECK(Body(**r, *note) == std::string(200, 'a') + "b" + std::string(500, 'c'));
}

TEST_CASE("two devices type at the same place offline: both passages survive whole") {
  TwoDevices t(crdt::Role::kEditor, {{"title", "Findings"}, {"body", "Agreed: . End."}});
  REQUIRE(Body(*t.r2, t.note) == "Agreed: . End.");

  const std::string a = "The GP was not told of the move", b = "School nurse saw bruising twice";
  uint64_t now = 0;
  Type(*t.r1, t.note, 8, a, &now, 0);
  Type(*t.r2, t.note, 8, b, &now, 0);
  REQUIRE(t.r2->DeleteText(t.note, "body", 0, 8 + b.size() + 2).ok());  // and device two trims the start
  REQUIRE(t.r1->FlushText().ok());
  REQUIRE(t.r2->FlushText().ok());

  t.Exchange();
  CHECK(t.r1->StateHashHex() == t.r2->StateHashHex());
  std::string merged = Body(*t.r1, t.note);
  CHECK(merged.find(a) != std::string::npos);  // device one's sentence, whole
  CHECK(merged.find(b) == std::string::npos);  // device two deleted its own
  CHECK(merged == a + "End.");
}

TEST_CASE("setting a whole text edits only what changed, so concurrent typing survives") {
  TwoDevices t(crdt::Role::kEditor, {{"body", "first line\nsecond line\n"}});
  REQUIRE(t.r1->SetFields(t.note, {{"body", "first line (amended)\nsecond line\n"}}).ok());
  REQUIRE(t.r2->InsertText(t.note, "body", 23, "third line\n").ok());
  REQUIRE(t.r2->FlushText().ok());
  t.Exchange();
  CHECK(Body(*t.r1, t.note) == "first line (amended)\nsecond line\nthird line\n");
  CHECK(t.r1->StateHashHex() == t.r2->StateHashHex());
}

TEST_CASE("unsigned typing is signed before a received change and when the replica closes") {
  TempDir d1, d2;
  auto v1 = CreateVault(d1.str());
  auto v2 = CreateVault(d2.str());
  std::string review_id, note;
  {
    auto r1 = Replica::Create(*v1, "Review");
    REQUIRE(r1.ok());
    review_id = (*r1)->id();
    auto id2 = v2->Identity();
    REQUIRE(id2.ok());
    REQUIRE((*r1)->AddMember(*id2, crdt::Role::kEditor, {"general"}).ok());
    auto n = (*r1)->AddEntity("note", {{"title", "Visit"}});
    REQUIRE(n.ok());
    note = *n;
    auto r2 = Replica::OpenOrJoin(*v2, review_id);
    REQUIRE(r2.ok());
    REQUIRE((*r2)->ReceiveAll(AllChanges(**r1)).ok());
    REQUIRE((*r2)->SetFields(note, {{"title", "Home visit"}}).ok());

    REQUIRE((*r1)->InsertText(note, "body", 0, "typed before the sync").ok());
    size_t before = (*r1)->change_count();
    REQUIRE((*r1)->ReceiveAll(AllChanges(**r2)).ok());
    CHECK_FALSE((*r1)->has_unflushed_text());
    CHECK((*r1)->change_count() == before + 2);  // its own burst, then the peer's change
    REQUIRE((*r1)->InsertText(note, "body", 0, "Late: ").ok());
  }  // closed with a burst unsigned
  auto r1 = Replica::Open(*v1, review_id);
  REQUIRE(r1.ok());
  CHECK(Body(**r1, note) == "Late: typed before the sync");
  CHECK((*r1)->document().Find(note)->Field("title")->get<std::string>() == "Home visit");
}

TEST_CASE("a reader cannot type, and bad edits change nothing") {
  TwoDevices t(crdt::Role::kReader, {{"body", "Read only for some"}});
  Status s = t.r2->InsertText(t.note, "body", 0, "x");
  CHECK(s.code() == Status::Code::kAuthFailed);
  CHECK_FALSE(t.r2->has_unflushed_text());
  CHECK(Body(*t.r2, t.note) == "Read only for some");

  Replica& r1 = *t.r1;
  CHECK(r1.InsertText(t.note, "body", 99, "x").code() == Status::Code::kInvalidArgument);
  CHECK(r1.InsertText(t.note, "body", 0, "\xC3\x28").code() == Status::Code::kInvalidArgument);
  CHECK(r1.DeleteText(t.note, "body", 10, 50).code() == Status::Code::kInvalidArgument);
  CHECK(r1.InsertText(t.note, "title", 0, "x").code() == Status::Code::kInvalidArgument);
  CHECK(r1.InsertText("nosuchentity", "body", 0, "x").code() == Status::Code::kNotFound);
  CHECK_FALSE(r1.has_unflushed_text());
  CHECK(Body(r1, t.note) == "Read only for some");
}
