// Broken history and malformed input: truncated, reordered, skipped or
// equivocating sequences, garbage and hostile CBOR, changes for another review,
// and schema violations. Each is detected and reported, never applied, never a crash.
#include <doctest/doctest.h>

#include "attack_fixture.h"

using namespace caseboard::test::attack;
TEST_CASE("truncated history: later changes wait, nothing is lost, the gap fills in") {
  size_t snapshot_every = 1000;
  SUBCASE("without snapshots") { snapshot_every = 1000; }
  SUBCASE("with a snapshot after every change") { snapshot_every = 1; }
  CAPTURE(snapshot_every);

  TempDir da, dc;
  auto va = CreateVault(da.str());
  std::unique_ptr<store::Vault> vault_c = CreateVault(dc.str());
  auto a = Replica::Create(*va, "Truncation");
  REQUIRE(a.ok());
  REQUIRE((*a)->AddMember(IdentityOf(*vault_c), crdt::Role::kEditor, {"general"}).ok());
  std::vector<std::string> notes;
  for (int i = 1; i <= 6; ++i) {
    auto n = (*a)->AddEntity("note", {{"title", "Entry " + std::to_string(i)}});
    REQUIRE(n.ok());
    notes.push_back(*n);
  }
  REQUIRE((*a)->SetFields(notes[0], {{"body", "amended"}}).ok());

  const std::vector<Bytes> all = AllChanges(**a);
  const size_t gap = all.size() - 4;  // a change in the middle of A's edits
  std::vector<Bytes> delivered;
  for (size_t i = 0; i < all.size(); ++i)
    if (i != gap) delivered.push_back(all[i]);

  review::ReplicaOptions options;
  options.snapshot_every = snapshot_every;
  const std::string review_id = (*a)->id();
  {
    auto c = Replica::OpenOrJoin(*vault_c, review_id, options);
    REQUIRE(c.ok());
    auto got = (*c)->ReceiveAll(delivered);
    REQUIRE(got.ok());
    REQUIRE(got->size() == delivered.size());
    for (size_t i = 0; i < delivered.size(); ++i) {
      CAPTURE(i);
      if (i < gap) {
        CHECK_MESSAGE(((*got)[i].outcome == Outcome::kApplied || (*got)[i].outcome == Outcome::kUnreadable),
                      Describe((*got)[i]));
      } else {
        CHECK_MESSAGE((*got)[i].outcome == Outcome::kPending, Describe((*got)[i]));
        CHECK(Has((*got)[i].reason, "waiting for 1 earlier change"));
      }
    }
    const size_t waiting = delivered.size() - gap;
    CHECK(CountProblems(**c, "waiting") == waiting);
    CHECK(CountProblems(**c, "quarantined") == 0);
    for (const auto& p : (*c)->Problems()) {
      CHECK(p.author == (*a)->device());
      CHECK(Has(p.reason, "waiting for"));
    }
    CHECK((*c)->change_count() == gap);
    CHECK((*c)->CanonicalString() != (*a)->CanonicalString());
    CHECK((*c)->document().Find(notes.back()) == nullptr);  // made after the gap: not applied
    CHECK((*c)->document().Find(notes[0]) != nullptr);
    CHECK((*c)->document().Find(notes[0])->Text("body") == nullptr);
  }
  // The waiting changes are kept in the vault: after a restart they still wait.
  vault_c.reset();
  vault_c = OpenUnlocked(dc.str());
  auto c = Replica::Open(*vault_c, review_id, options);
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  CHECK(CountProblems(**c, "waiting") == delivered.size() - gap);
  CHECK((*c)->document().Find(notes.back()) == nullptr);

  // Delivering everything again is harmless; then the missing change arrives.
  auto again = (*c)->ReceiveAll(delivered);
  REQUIRE(again.ok());
  for (const auto& g : *again) CHECK_MESSAGE(g.outcome == Outcome::kDuplicate, Describe(g));
  auto filled = (*c)->Receive(all[gap]);
  REQUIRE(filled.ok());
  CHECK_MESSAGE(filled->outcome == Outcome::kApplied, Describe(*filled));
  CHECK((*c)->Problems().empty());
  CHECK((*c)->change_count() == all.size());
  CHECK((*c)->CanonicalString() == (*a)->CanonicalString());

  const std::string final_state = (*c)->CanonicalString();
  c->reset();
  vault_c.reset();
  vault_c = OpenUnlocked(dc.str());
  auto reopened = Replica::Open(*vault_c, review_id, options);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->CanonicalString() == final_state);
  CHECK((*reopened)->Problems().empty());
}

TEST_CASE("reordered history: any delivery order waits for what is missing and converges") {
  TempDir da;
  auto va = CreateVault(da.str());
  auto a = Replica::Create(*va, "Reordering");
  REQUIRE(a.ok());
  TempDir dirs[3];
  std::unique_ptr<store::Vault> vaults[3];
  for (int i = 0; i < 3; ++i) {
    vaults[i] = CreateVault(dirs[i].str());
    REQUIRE((*a)->AddMember(IdentityOf(*vaults[i]), crdt::Role::kEditor, {"general"}).ok());
  }
  for (int i = 1; i <= 5; ++i)
    REQUIRE((*a)->AddEntity("note", {{"title", "Entry " + std::to_string(i)}}).ok());
  const std::vector<Bytes> all = AllChanges(**a);

  std::mt19937 rng(20240531);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    std::vector<Bytes> order = all;
    if (i == 0)
      std::reverse(order.begin(), order.end());
    else
      std::shuffle(order.begin(), order.end(), rng);
    auto r = Replica::OpenOrJoin(*vaults[i], (*a)->id());
    REQUIRE(r.ok());
    if (i == 0) {
      // Newest first: everything waits until the genesis comes last.
      std::vector<Bytes> head(order.begin(), order.end() - 1);
      auto got = (*r)->ReceiveAll(head);
      REQUIRE(got.ok());
      for (const auto& g : *got) CHECK_MESSAGE(g.outcome == Outcome::kPending, Describe(g));
      CHECK(CountProblems(**r, "waiting") == head.size());
      CHECK((*r)->change_count() == 0);
      auto last = (*r)->Receive(order.back());
      REQUIRE(last.ok());
      CHECK_MESSAGE(last->outcome == Outcome::kApplied, Describe(*last));
    } else {
      auto got = (*r)->ReceiveAll(order);
      REQUIRE(got.ok());
      for (const auto& g : *got) CHECK_MESSAGE(g.outcome != Outcome::kQuarantined, Describe(g));
    }
    CHECK((*r)->Problems().empty());
    CHECK((*r)->CanonicalString() == (*a)->CanonicalString());
  }
}

TEST_CASE("broken author sequence, backdated and fabricated history") {
  Team t;
  crypto::SecureBytes key = ReviewKey(*t.vb, t.a->id(), "general");

  SUBCASE("a sequence number that skips one") {
    crdt::ChangeHeader h = NextHeader(*t.a, t.idb, "general");
    const uint64_t expected = h.seq;
    h.seq = expected + 1;
    ReceiveResult r = ExpectQuarantined(*t.a, Seal(h, NoteOps(NewId(), "Skipped"), &key, *t.vb).sealed,
                                        "truncated or reordered");
    CHECK_MESSAGE(Has(r.reason, "change " + std::to_string(expected) + " is missing"), r.reason);
  }
  SUBCASE("two different changes with the same number (equivocation)") {
    Bytes real = t.RealChangeByB("The real one");
    auto parsed = crdt::ParseChange(real);
    REQUIRE(parsed.ok());
    crdt::ChangeHeader h = parsed->header;  // same seq, same deps: a fork of B's history
    h.hlc.counter += 1;
    crdt::Change fork = Seal(h, NoteOps(NewId(), "The forked one"), &key, *t.vb);
    ReceiveResult r = ExpectQuarantined(*t.a, fork.sealed, "signed two different changes numbered");
    CHECK(Has(r.reason, std::to_string(h.seq)));
    CHECK(HasNoteTitled(*t.a, "The real one"));
    CHECK_FALSE(HasNoteTitled(*t.a, "The forked one"));

    // Reusing an old number on top of the current history is the same offence.
    crdt::ChangeHeader old = NextHeader(*t.a, t.idb, "general");
    old.seq = 1;
    ExpectQuarantined(*t.a, Seal(old, NoteOps(NewId(), "Seq one again"), &key, *t.vb).sealed,
                      "signed two different changes numbered 1");
  }
  SUBCASE("a timestamp that is not after the history it builds on") {
    crdt::ChangeHeader h = NextHeader(*t.a, t.idb, "general");
    h.hlc = {1000, 0};
    ExpectQuarantined(*t.a, Seal(h, NoteOps(NewId(), "Backdated"), &key, *t.vb).sealed,
                      "timestamp is not after the changes it builds on");
  }
  SUBCASE("a dependency on a change that does not exist waits, unapplied") {
    crdt::ChangeHeader h = NextHeader(*t.a, t.idb, "general");
    crdt::Hash invented{};
    invented.fill(0x5a);
    h.deps.push_back(invented);
    std::sort(h.deps.begin(), h.deps.end());
    const std::string state = t.a->CanonicalString();
    auto got = t.a->Receive(Seal(h, NoteOps(NewId(), "Built on nothing"), &key, *t.vb).sealed);
    REQUIRE(got.ok());
    CHECK_MESSAGE(got->outcome == Outcome::kPending, Describe(*got));
    CHECK(Has(got->reason, "waiting for 1 earlier change"));
    auto p = FindProblem(*t.a, got->hash);
    REQUIRE(p.has_value());
    CHECK(p->state == "waiting");
    CHECK(t.a->CanonicalString() == state);
  }
  SUBCASE("a timestamp far in the future is held, not applied") {
    crdt::ChangeHeader h = NextHeader(*t.a, t.idb, "general");
    h.hlc.wall_ms += 3 * 60 * 60 * 1000;
    const std::string state = t.a->CanonicalString();
    auto got = t.a->Receive(Seal(h, NoteOps(NewId(), "From the future"), &key, *t.vb).sealed);
    REQUIRE(got.ok());
    CHECK_MESSAGE(got->outcome == Outcome::kHeld, Describe(*got));
    CHECK(Has(got->reason, "ahead"));
    auto p = FindProblem(*t.a, got->hash);
    REQUIRE(p.has_value());
    CHECK(p->state == "held");
    CHECK(t.a->CanonicalString() == state);
    CHECK_FALSE(HasNoteTitled(*t.a, "From the future"));
  }
}

TEST_CASE("garbage, empty, truncated and padded input: quarantined, no crash") {
  Team t;
  const Bytes genuine = t.LastOf(t.ida).sealed;
  Bytes truncated(genuine.begin(), genuine.begin() + static_cast<std::ptrdiff_t>(genuine.size() / 2));
  Bytes padded = genuine;
  padded.push_back(0x00);
  // Fixed-seed noise, so that a failure can be replayed.
  Bytes random_small = Noise(64, 1), random_big = Noise(5000, 2);
  Bytes wrong_shape = json::to_cbor(json::array({1, 2, 3}));
  Bytes short_signature = WithPart(genuine, 2, Bytes(63, 0));
  Bytes bad_header = WithPart(genuine, 0, Bytes{0xa0});  // an empty CBOR map
  json header = json::from_cbor(Part(genuine, 0));
  header["extra"] = 1;
  Bytes extra_field = WithPart(genuine, 0, json::to_cbor(header));

  struct Case {
    std::string name;
    Bytes bytes;
  };
  std::vector<Case> cases = {
      {"empty", {}},
      {"one byte", {0x00}},
      {"random 64 bytes", random_small},
      {"random 5000 bytes", random_big},
      {"CBOR of the wrong shape", wrong_shape},
      {"truncated change", truncated},
      {"change with a trailing byte", padded},
      {"signature of the wrong length", short_signature},
      {"header that is an empty map", bad_header},
      {"header with an unexpected field", extra_field},
      {"an indefinite-length outer array",
       [&] {
         Bytes b = genuine;
         b[0] = 0x9f;
         b.push_back(0xff);
         return b;
       }()},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    ReceiveResult r = ExpectQuarantined(*t.a, c.bytes, "not a valid change");
    CHECK(r.reason.size() > std::string("not a valid change: ").size());
  }
  // In one batch with a good change, the garbage does not stop the good one.
  REQUIRE(t.b->AddEntity("note", {{"title", "Between the garbage"}}).ok());
  auto got = t.a->ReceiveAll({random_small, Stored(*t.b).back().sealed, Bytes{}});
  REQUIRE(got.ok());
  REQUIRE(got->size() == 3);
  CHECK((*got)[0].outcome == Outcome::kQuarantined);
  CHECK_MESSAGE((*got)[1].outcome == Outcome::kApplied, Describe((*got)[1]));
  CHECK((*got)[2].outcome == Outcome::kQuarantined);
  CHECK(HasNoteTitled(*t.a, "Between the garbage"));
}

TEST_CASE("single-bit flips anywhere in a genuine change are never applied") {
  Team t;
  REQUIRE(t.b->AddEntity("note", {{"title", "Flipped"}}).ok());
  const Bytes genuine = Stored(*t.b).back().sealed;
  const std::string state = t.a->CanonicalString();
  size_t quarantined = 0, waiting = 0, foreign = 0;
  for (size_t i = 0; i < genuine.size(); ++i) {
    Bytes bad = genuine;
    bad[i] ^= static_cast<uint8_t>(1u << (i * 3 % 8));
    CAPTURE(i);
    auto got = t.a->Receive(bad);
    REQUIRE_MESSAGE(got.ok(), got.status().ToString());
    if (got->outcome == Outcome::kRejected) {  // a flip in the review id: a change for some other review
      CHECK_MESSAGE(Has(got->reason, "belongs to review"), got->reason);
      ++foreign;
      continue;
    }
    // A flip inside a dependency hash names a change that does not exist: it
    // waits (unverified, unapplied). One inside the review id names another
    // review: rejected, stored nowhere. Every other flip is refused.
    CHECK_MESSAGE((got->outcome == Outcome::kQuarantined || got->outcome == Outcome::kPending),
                  Describe(*got));
    CHECK_FALSE(got->reason.empty());
    quarantined += got->outcome == Outcome::kQuarantined;
    waiting += got->outcome == Outcome::kPending || got->outcome == Outcome::kHeld;
  }
  CHECK(quarantined + waiting + foreign == genuine.size());
  CHECK(foreign <= 32);  // only the bytes of the review id
  CHECK(quarantined > waiting);
  CHECK(t.a->CanonicalString() == state);
  CHECK_FALSE(HasNoteTitled(*t.a, "Flipped"));
  auto got = t.a->Receive(genuine);
  REQUIRE(got.ok());
  CHECK_MESSAGE(got->outcome == Outcome::kApplied, Describe(*got));
  CHECK(HasNoteTitled(*t.a, "Flipped"));
}

// nlohmann::json's from_cbor throws out_of_range.408 for a container length
// beyond max_size() even with allow_exceptions=false; the engine must refuse
// such bytes like any other malformed change, wherever they sit.
TEST_CASE("hostile CBOR, impossible container length: as the change itself") {
  Team t;
  ExpectQuarantined(*t.a, kHugeArray, "not a valid change");
  ExpectQuarantined(*t.a, kHugeMap, "not a valid change");
  ExpectQuarantined(*t.a, Concat({0x83}, kHugeArray), "not a valid change");
}

TEST_CASE("hostile CBOR, impossible container length: as the header") {
  Team t;
  ExpectQuarantined(*t.a, WithPart(t.LastOf(t.ida).sealed, 0, kHugeMap), "not a valid change");
}

TEST_CASE(
    "hostile CBOR, impossible container length: as an outsider's genesis body (read before any signature)") {
  Team t;
  crdt::ChangeHeader h = NextHeader(*t.a, t.idx, crdt::kMembership);
  h.deps.clear();
  h.seq = 1;
  const Bytes header = Seal(h, {}, nullptr, *t.vx).header_bytes;
  ExpectQuarantined(*t.a, SignRaw(header, Concat({0x81}, kHugeArray), *t.vx), "valid genesis");
}

TEST_CASE("hostile CBOR, impossible container length: as a member's encrypted ops") {
  Team t;
  crypto::SecureBytes key = ReviewKey(*t.vb, t.a->id(), "general");
  crdt::Change shape = Seal(NextHeader(*t.a, t.idb, "general"), NoteOps(NewId(), "x"), &key, *t.vb);
  auto body = crypto::AeadSeal(key, kHugeArray, shape.header_bytes);
  REQUIRE(body.ok());
  ExpectQuarantined(*t.a, SignRaw(shape.header_bytes, *body, *t.vb), "not a list", /*in_graph=*/true);
}

TEST_CASE("a change for another review is refused with a clear error and stored nowhere") {
  Team t;
  auto other = Replica::Create(*t.vx, "Some other review");
  REQUIRE(other.ok());
  const Bytes foreign = Stored(**other).back().sealed;
  const std::string state = t.a->CanonicalString();
  const size_t stored = Stored(*t.a).size();

  auto got = t.a->Receive(foreign);
  REQUIRE(got.ok());
  CHECK_MESSAGE(got->outcome == Outcome::kRejected, Describe(*got));
  CHECK(Has(got->reason, (*other)->id()));
  CHECK(Has(got->reason, t.a->id()));
  CHECK(t.a->Problems().empty());  // not this review's problem: nothing recorded
  CHECK(t.a->CanonicalString() == state);
  CHECK(Stored(*t.a).size() == stored);

  // A member can sign a change naming another review; it is still foreign here.
  crypto::SecureBytes key = RandomKey();
  crdt::ChangeHeader h = NextHeader(*t.a, t.idb, "general");
  h.review = (*other)->id();
  auto member_foreign = t.a->Receive(Seal(h, NoteOps(NewId(), "Elsewhere"), &key, *t.vb).sealed);
  REQUIRE(member_foreign.ok());
  CHECK(member_foreign->outcome == Outcome::kRejected);
  CHECK(t.a->CanonicalString() == state);
}

TEST_CASE("a foreign change inside a batch does not leave the batch half applied") {
  // What a caller is told must match what the vault holds: either the batch is
  // refused and none of it applied, or every change gets its own result.
  Team t;
  auto other = Replica::Create(*t.vx, "Some other review");
  REQUIRE(other.ok());
  const Bytes foreign = Stored(**other).back().sealed;
  REQUIRE(t.b->AddEntity("note", {{"title", "Before the foreign change"}}).ok());
  const Bytes good1 = Stored(*t.b).back().sealed;
  REQUIRE(t.b->AddEntity("note", {{"title", "After the foreign change"}}).ok());
  const Bytes good2 = Stored(*t.b).back().sealed;
  const std::string before = t.a->CanonicalString();

  auto got = t.a->ReceiveAll({good1, foreign, good2});
  if (got.ok()) {
    REQUIRE(got->size() == 3);
    CHECK((*got)[0].outcome == Outcome::kApplied);
    CHECK((*got)[1].outcome == Outcome::kRejected);
    CHECK((*got)[2].outcome == Outcome::kApplied);
  } else {
    CHECK_MESSAGE(t.a->CanonicalString() == before, "the batch failed, yet part of it was applied in memory");
  }
  const std::string in_memory = t.a->CanonicalString();
  const std::string id = t.a->id();
  t.a.reset();
  t.va.reset();
  t.va = OpenUnlocked(t.da.str());
  auto reopened = Replica::Open(*t.va, id);
  REQUIRE(reopened.ok());
  CHECK_MESSAGE((*reopened)->CanonicalString() == in_memory,
                "state shown before the restart is not what the vault kept");
}

TEST_CASE("schema violations by a member are quarantined, naming the type or field") {
  Team t;
  crypto::SecureBytes key = ReviewKey(*t.vb, t.a->id(), "general");
  const std::string id = NewId();
  struct Case {
    std::string name;
    std::vector<crdt::Op> ops;
    const char* because;
  };
  std::vector<Case> cases = {
      {"unknown type", {{{"o", "create"}, {"e", id}, {"t", "spaceship"}}}, "unknown entity type 'spaceship'"},
      {"unknown field",
       {{{"o", "set"}, {"e", t.general_note}, {"t", "note"}, {"f", "colour"}, {"v", "red"}}},
       "type 'note' has no field 'colour'"},
      {"wrong value type",
       {{{"o", "set"}, {"e", t.general_note}, {"t", "note"}, {"f", "title"}, {"v", 42}}},
       "field 'title' of 'note' is a"},
      {"unknown op", {{{"o", "explode"}, {"e", t.general_note}, {"t", "note"}}}, "unknown op 'explode'"},
      {"op that is not an object", {json(7)}, "malformed op"},
      {"a good op followed by a bad one",
       {{{"o", "create"}, {"e", id}, {"t", "note"}},
        {{"o", "set"}, {"e", id}, {"t", "note"}, {"f", "x"}, {"v", 1}}},
       "op 1: type 'note' has no field 'x'"},
      {"set op on a set-less field as add",
       {{{"o", "add"}, {"e", t.general_note}, {"t", "note"}, {"f", "title"}, {"v", "x"}}},
       "'add' does not apply"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    crdt::Change change = Seal(NextHeader(*t.a, t.idb, "general"), c.ops, &key, *t.vb);
    ExpectQuarantined(*t.a, change.sealed, c.because, /*in_graph=*/true);
  }
  CHECK(t.a->document().Find(id) == nullptr);  // not even the good op of a bad change
  CHECK(*t.a->document().Find(t.general_note)->Field("title") == "Chronology");
}

namespace {

crdt::Schema WiderSchema() {
  crdt::Schema s = crdt::Schema::Base();
  s.Add({"extra", "general", {{"x", {crdt::FieldType::kString}}}});
  s.Add({"note",
         "general",
         {{"title", {crdt::FieldType::kString}},
          {"body", {crdt::FieldType::kText}},
          {"colour", {crdt::FieldType::kString}}}});
  return s;
}

}  // namespace

TEST_CASE("a peer with a wider schema: its extra types and fields are quarantined here") {
  TempDir da, dd;
  auto va = CreateVault(da.str());
  auto vd = CreateVault(dd.str());
  review::ReplicaOptions wide;
  wide.schema = WiderSchema();
  auto a = Replica::Create(*va, "Wide schema", wide);
  REQUIRE(a.ok());
  REQUIRE((*a)->AddMember(IdentityOf(*vd), crdt::Role::kEditor, {"general"}).ok());
  auto note = (*a)->AddEntity("note", {{"title", "Plain"}});
  REQUIRE(note.ok());
  auto d = Join(*vd, **a);  // the base schema
  REQUIRE(d->Problems().empty());
  REQUIRE(d->CanonicalString() == (*a)->CanonicalString());

  REQUIRE((*a)->AddEntity("extra", {{"x", "only the wide schema knows this"}}).ok());
  ExpectQuarantined(*d, Stored(**a).back().sealed, "unknown entity type 'extra'", /*in_graph=*/true);
  REQUIRE((*a)->SetFields(*note, {{"colour", "red"}}).ok());
  // The colour change builds on the quarantined one, which is in the graph,
  // so it is judged at once: its field is unknown here, so it is quarantined too.
  auto got = d->Receive(Stored(**a).back().sealed);
  REQUIRE(got.ok());
  CHECK(got->outcome == Outcome::kQuarantined);
  CHECK(got->reason.find("no field 'colour'") != std::string::npos);
  CHECK(d->document().Find(*note)->Field("colour") == nullptr);
  for (const auto& p : d->Problems()) CHECK_MESSAGE(!p.reason.empty(), p.hash);
}

TEST_CASE("a quarantined schema violation is judged alike in any delivery order and across a restart") {
  // A (wide schema) writes an 'extra' entity, then adds D, then writes a plain
  // note. D (base schema) receives the 'extra' change before it has the key,
  // so it is first unreadable and judged once the key arrives; E already had
  // the key and judges it at once. Both hold the same changes in the end, and
  // the review promises byte-identical state for the same changes.
  TempDir da, dd, de;
  auto va = CreateVault(da.str());
  auto vd = CreateVault(dd.str());
  auto ve = CreateVault(de.str());
  review::ReplicaOptions wide;
  wide.schema = WiderSchema();
  auto a = Replica::Create(*va, "Order of judgement", wide);
  REQUIRE(a.ok());
  REQUIRE((*a)->AddMember(IdentityOf(*ve), crdt::Role::kEditor, {"general"}).ok());
  auto e = Join(*ve, **a);
  REQUIRE((*a)->AddEntity("extra", {{"x", "wide"}}).ok());
  REQUIRE((*a)->AddMember(IdentityOf(*vd), crdt::Role::kEditor, {"general"}).ok());
  REQUIRE((*a)->AddEntity("note", {{"title", "After the extra"}}).ok());
  const std::vector<Bytes> all = AllChanges(**a);

  auto d = Replica::OpenOrJoin(*vd, (*a)->id());
  REQUIRE(d.ok());
  REQUIRE((*d)->ReceiveAll(all).ok());
  REQUIRE(e->ReceiveAll(all).ok());

  CHECK(CountProblems(**d, "quarantined") == 1);
  CHECK(CountProblems(*e, "quarantined") == 1);
  CHECK_MESSAGE((*d)->CanonicalString() == e->CanonicalString(),
                "same changes, different state: D (judged after its key arrived) vs E (judged at once)");
  CHECK(CountProblems(**d, "waiting") == CountProblems(*e, "waiting"));

  const std::string d_state = (*d)->CanonicalString();
  const size_t d_problems = (*d)->Problems().size();
  const std::string id = (*a)->id();
  d->reset();
  vd.reset();
  vd = OpenUnlocked(dd.str());
  auto d2 = Replica::Open(*vd, id);
  REQUIRE(d2.ok());
  CHECK_MESSAGE((*d2)->CanonicalString() == d_state, "D's state changed across a restart");
  CHECK((*d2)->Problems().size() == d_problems);
  CHECK(CountProblems(**d2, "quarantined") == 1);
}

TEST_CASE("hostile CBOR: deeply nested input is refused without overflowing the stack") {
  Team t;
  Bytes nested(1'000'000, 0x81);  // [[[[...]]]], well under the size limit for a change
  nested.push_back(0x00);
  REQUIRE(nested.size() < crdt::kMaxChangeBytes);
  ExpectQuarantined(*t.a, nested, "not a valid change");
}
