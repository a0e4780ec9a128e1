// Values set aside by concurrent writes: merge is automatic, but never silent.
#include <doctest/doctest.h>

#include "caseboard/review/replica.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using review::Replica;

namespace {

struct TwoDevices {
  TempDir d1, d2;
  std::unique_ptr<store::Vault> v1 = CreateVault(d1.str());
  std::unique_ptr<store::Vault> v2 = CreateVault(d2.str());
  std::unique_ptr<Replica> r1, r2;

  TwoDevices() {
    auto a = Replica::Create(*v1, "Shared review");
    REQUIRE(a.ok());
    r1 = std::move(*a);
    auto id2 = v2->Identity();
    REQUIRE(id2.ok());
    REQUIRE(r1->AddMember(*id2, crdt::Role::kEditor, {"general"}).ok());
    auto b = Replica::OpenOrJoin(*v2, r1->id());
    REQUIRE(b.ok());
    r2 = std::move(*b);
    Exchange();
  }
  void Exchange() {
    REQUIRE(r2->ReceiveAll(AllChanges(*r1)).ok());
    REQUIRE(r1->ReceiveAll(AllChanges(*r2)).ok());
    REQUIRE(r1->StateHashHex() == r2->StateHashHex());
  }
  static std::vector<review::ConcurrentValue> Of(const Replica& r, const std::string& entity) {
    auto got = r.ConcurrentValues(entity);
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    return *got;
  }
};

}  // namespace

TEST_CASE("a value set aside by a concurrent write is shown on both devices, with who wrote it") {
  TwoDevices t;
  auto note = t.r1->AddEntity("note", {{"title", "Draft"}});
  REQUIRE(note.ok());
  t.Exchange();
  CHECK(TwoDevices::Of(*t.r1, *note).empty());

  REQUIRE(t.r1->SetFields(*note, {{"title", "From device one"}}).ok());
  REQUIRE(t.r2->SetFields(*note, {{"title", "From device two"}}).ok());
  t.Exchange();

  const std::string now = t.r1->document().Find(*note)->Field("title")->get<std::string>();
  const std::string other = now == "From device one" ? "From device two" : "From device one";
  const std::string other_author = now == "From device one" ? t.r2->device() : t.r1->device();
  for (Replica* r : {t.r1.get(), t.r2.get()}) {
    auto cv = TwoDevices::Of(*r, *note);
    REQUIRE(cv.size() == 1);
    CHECK(cv[0].field == "title");
    CHECK(cv[0].value == other);
    CHECK(cv[0].current == now);
    CHECK(cv[0].author == other_author);
    CHECK(cv[0].hlc.wall_ms > 0);
  }
  // Without a filter the same value is listed.
  auto all = t.r2->ConcurrentValues();
  REQUIRE(all.ok());
  CHECK(all->size() == 1);

  // Restoring the other value settles it everywhere: the new write saw both.
  REQUIRE(t.r2->SetFields(*note, {{"title", other}}).ok());
  t.Exchange();
  CHECK(*t.r1->document().Find(*note)->Field("title") == other);
  CHECK(TwoDevices::Of(*t.r1, *note).empty());
  CHECK(TwoDevices::Of(*t.r2, *note).empty());
}

TEST_CASE("an overwrite by someone who had seen the value, or an equal value, is not a conflict") {
  TwoDevices t;
  auto note = t.r1->AddEntity("note", {{"title", "Draft"}});
  REQUIRE(note.ok());
  t.Exchange();
  // Sequential: device two had seen device one's value before changing it.
  REQUIRE(t.r2->SetFields(*note, {{"title", "Edited after reading"}}).ok());
  t.Exchange();
  CHECK(TwoDevices::Of(*t.r1, *note).empty());

  // Concurrent, but the same value: nothing to show.
  REQUIRE(t.r1->SetFields(*note, {{"title", "Agreed wording"}}).ok());
  REQUIRE(t.r2->SetFields(*note, {{"title", "Agreed wording"}}).ok());
  t.Exchange();
  CHECK(TwoDevices::Of(*t.r2, *note).empty());

  // Device two writes twice offline while device one writes once: only
  // device two's last value is a head; its first was superseded by its own.
  REQUIRE(t.r1->SetFields(*note, {{"title", "One"}}).ok());
  REQUIRE(t.r2->SetFields(*note, {{"title", "Two, first"}}).ok());
  REQUIRE(t.r2->SetFields(*note, {{"title", "Two, second"}}).ok());
  t.Exchange();
  auto cv = TwoDevices::Of(*t.r1, *note);
  REQUIRE(cv.size() == 1);
  const std::string now = t.r1->document().Find(*note)->Field("title")->get<std::string>();
  CHECK((now == "One" || now == "Two, second"));
  CHECK(cv[0].value == (now == "One" ? "Two, second" : "One"));
}
