// Forged, tampered and unauthorised changes: forged signatures, tampered
// ciphertext, outsiders, members writing outside their compartments or role.
// Each is quarantined with its reason, never applied, and the quarantine
// outlives the process.
#include <doctest/doctest.h>

#include "attack_fixture.h"

using namespace caseboard::test::attack;
TEST_CASE("control: a hand-crafted change that follows every rule is applied") {
  Team t;
  crypto::SecureBytes key = ReviewKey(*t.vb, t.a->id(), "general");
  crdt::ChangeHeader h = NextHeader(*t.a, t.idb, "general");
  crdt::Change c = Seal(h, NoteOps(NewId(), "Crafted but legitimate"), &key, *t.vb);
  // The raw helpers reproduce SealChange byte for byte (Ed25519 is deterministic).
  CHECK(SignRaw(c.header_bytes, c.body, *t.vb) == c.sealed);

  auto got = t.a->Receive(c.sealed);
  REQUIRE(got.ok());
  CHECK_MESSAGE(got->outcome == Outcome::kApplied, Describe(*got));
  CHECK(HasNoteTitled(*t.a, "Crafted but legitimate"));
  CHECK(t.a->Problems().empty());
}

TEST_CASE("forged signature: quarantined, reported, never applied") {
  Team t;
  // A real change by B that A has not received yet.
  REQUIRE(t.b->AddEntity("note", {{"title", "Genuine by B"}}).ok());
  const Bytes genuine = Stored(*t.b).back().sealed;

  SUBCASE("one bit of the signature flipped") {
    for (size_t at : {size_t{0}, size_t{31}, size_t{63}}) {
      CAPTURE(at);
      ExpectQuarantined(*t.a, FlipBit(genuine, 2, at), "signature does not verify");
    }
    CHECK_FALSE(HasNoteTitled(*t.a, "Genuine by B"));
  }
  SUBCASE("an all-zero signature") {
    ExpectQuarantined(*t.a, WithPart(genuine, 2, Bytes(64, 0)), "signature does not verify");
  }
  SUBCASE("the header altered after signing") {
    json header = json::from_cbor(Part(genuine, 0));
    header["wall"] = header["wall"].get<uint64_t>() + 1;
    ExpectQuarantined(*t.a, WithPart(genuine, 0, json::to_cbor(header)), "signature does not verify");
  }
  SUBCASE("relabelled as written by the owner") {
    json header = json::from_cbor(Part(genuine, 0));
    header["author"] = t.ida;
    header["seq"] = LastSeq(*t.a, t.ida) + 1;
    ExpectQuarantined(*t.a, WithPart(genuine, 0, json::to_cbor(header)), "signature does not verify");
  }
  SUBCASE("a signature of B's moved onto another change") {
    crypto::SecureBytes key = RandomKey();
    crdt::Change other = Seal(NextHeader(*t.a, t.idb, "general"), NoteOps(NewId(), "Other"), &key, *t.vb);
    ExpectQuarantined(*t.a, WithPart(other.sealed, 2, Part(genuine, 2)), "signature does not verify");
  }
  SUBCASE("an outsider impersonating member B") {
    // X writes B's device id as the author but can only sign with its own key.
    crypto::SecureBytes key = ReviewKey(*t.vb, t.a->id(), "general");  // even with the real key
    crdt::Change c = Seal(NextHeader(*t.a, t.idb, "general"), NoteOps(NewId(), "Impostor"), &key, *t.vx);
    ExpectQuarantined(*t.a, c.sealed, "signature does not verify");
    CHECK_FALSE(HasNoteTitled(*t.a, "Impostor"));
  }
  SUBCASE("a genesis forged for this review by someone other than its creator") {
    crdt::ChangeHeader h = NextHeader(*t.a, t.idx, crdt::kMembership);
    h.deps.clear();
    h.seq = 1;
    std::vector<crdt::Op> genesis = {
        {{"o", "genesis"}, {"review", t.a->id()}, {"creator", IdentityOf(*t.vx).ToLine()}, {"nonce", "00"}}};
    ExpectQuarantined(*t.a, Seal(h, genesis, nullptr, *t.vx).sealed, "not this review's creator");

    // Copying the real genesis's creator and nonce only moves the failure to the signature.
    crdt::Change real_genesis = Stored(*t.a).front();
    auto ops = crdt::OpenChangeOps(real_genesis, nullptr);
    REQUIRE(ops.ok());
    h.author = t.ida;
    std::vector<crdt::Op> copied = {ops->front()};
    ExpectQuarantined(*t.a, Seal(h, copied, nullptr, *t.vx).sealed, "signature does not verify");
  }

  // None of the forgeries got in the way of the genuine change.
  auto got = t.a->Receive(genuine);
  REQUIRE(got.ok());
  CHECK_MESSAGE(got->outcome == Outcome::kApplied, Describe(*got));
  CHECK(HasNoteTitled(*t.a, "Genuine by B"));
}

TEST_CASE("tampered ciphertext and a body sealed under the wrong key are quarantined") {
  Team t;
  REQUIRE(t.b->AddEntity("note", {{"title", "Genuine by B"}}).ok());
  const Bytes genuine = Stored(*t.b).back().sealed;
  const size_t body_size = Part(genuine, 1).size();
  // Delivered first: a member's own signed change with bad ops uses up its
  // sequence number, so B's genuine change must come before B's bad ones.
  auto got = t.a->Receive(genuine);
  REQUIRE(got.ok());
  CHECK_MESSAGE(got->outcome == Outcome::kApplied, Describe(*got));

  SUBCASE("a flipped byte in the nonce, the ciphertext or the tag, old signature kept") {
    for (size_t at : {size_t{0}, body_size / 2, body_size - 1}) {
      CAPTURE(at);
      ExpectQuarantined(*t.a, FlipBit(genuine, 1, at), "signature does not verify");
    }
  }
  SUBCASE("the body cut short, old signature kept") {
    Bytes body = Part(genuine, 1);
    body.resize(body.size() / 2);
    ExpectQuarantined(*t.a, WithPart(genuine, 1, body), "signature does not verify");
  }
  SUBCASE("correctly signed by a member, but encrypted under a key that is not the review's") {
    crypto::SecureBytes wrong = RandomKey();
    crdt::Change c = Seal(NextHeader(*t.a, t.idb, "general"), NoteOps(NewId(), "Wrong key"), &wrong, *t.vb);
    ReceiveResult r =
        ExpectQuarantined(*t.a, c.sealed, "does not open with the review key", /*in_graph=*/true);
    CHECK(FindProblem(*t.a, r.hash)->author == t.idb);
    CHECK(FindProblem(*t.a, r.hash)->seq == c.header.seq);
  }
  SUBCASE("correctly signed, encrypted under the review key, but bound to another header") {
    // Ciphertext from one header pasted under another and re-signed by the member.
    crypto::SecureBytes key = ReviewKey(*t.vb, t.a->id(), "general");
    crdt::ChangeHeader h = NextHeader(*t.a, t.idb, "general");
    crdt::Change first = Seal(h, NoteOps(NewId(), "First"), &key, *t.vb);
    h.hlc.counter += 1;
    crdt::Change second = Seal(h, NoteOps(NewId(), "Second"), &key, *t.vb);
    ExpectQuarantined(*t.a, SignRaw(second.header_bytes, first.body, *t.vb),
                      "does not open with the review key",
                      /*in_graph=*/true);
  }
  SUBCASE("correctly signed and encrypted, but the plaintext is not a list of ops") {
    crypto::SecureBytes key = ReviewKey(*t.vb, t.a->id(), "general");
    for (const Bytes& plain :
         {json::to_cbor(json{{"o", "create"}}), Bytes{0xff, 0x00, 0x13}, Bytes{}, json::to_cbor(json(42))}) {
      crdt::Change shape = Seal(NextHeader(*t.a, t.idb, "general"), NoteOps(NewId(), "x"), &key, *t.vb);
      auto body = crypto::AeadSeal(key, plain, shape.header_bytes);
      REQUIRE(body.ok());
      ExpectQuarantined(*t.a, SignRaw(shape.header_bytes, *body, *t.vb), "not a list", /*in_graph=*/true);
    }
  }
  CHECK_FALSE(HasNoteTitled(*t.a, "Wrong key"));
  CHECK(HasNoteTitled(*t.a, "Genuine by B"));
}

TEST_CASE("unknown author: a device that is not a member is quarantined") {
  Team t;
  SUBCASE("an outsider's well-formed change to the review") {
    crypto::SecureBytes key = RandomKey();
    crdt::Change c = Seal(NextHeader(*t.a, t.idx, "general"), NoteOps(NewId(), "Outsider"), &key, *t.vx);
    REQUIRE(c.header.seq == 1);
    ReceiveResult r = ExpectQuarantined(*t.a, c.sealed, "is not a member of this review");
    CHECK(Has(r.reason, t.idx));
  }
  SUBCASE("even with the review's real key") {
    crypto::SecureBytes key = ReviewKey(*t.va, t.a->id(), "general");
    crdt::Change c = Seal(NextHeader(*t.a, t.idx, "general"), NoteOps(NewId(), "Outsider"), &key, *t.vx);
    ExpectQuarantined(*t.a, c.sealed, "is not a member of this review");
    CHECK_FALSE(HasNoteTitled(*t.a, "Outsider"));
  }
  SUBCASE("an outsider making itself an owner") {
    std::vector<crdt::Op> ops = {{{"o", "member"},
                                  {"d", IdentityOf(*t.vx).ToLine()},
                                  {"role", "owner"},
                                  {"c", {"general", "family", "restricted"}}}};
    crdt::Change c = Seal(NextHeader(*t.a, t.idx, crdt::kMembership), ops, nullptr, *t.vx);
    const json members = t.a->Canonical()["members"];
    ExpectQuarantined(*t.a, c.sealed, "is not a member of this review");
    CHECK(t.a->Canonical()["members"] == members);
    CHECK_FALSE(t.a->membership().Find(t.idx));
  }
  SUBCASE("a removed member writing after its removal") {
    REQUIRE(t.a->RemoveMember(t.idb).ok());
    crypto::SecureBytes old_key = ReviewKey(*t.vb, t.a->id(), "general");
    crdt::Change c =
        Seal(NextHeader(*t.a, t.idb, "general"), NoteOps(NewId(), "After removal"), &old_key, *t.vb);
    ExpectQuarantined(*t.a, c.sealed, "is not a member of this review");
  }
  // The outsider's own replica of the review cannot even start writing.
  auto joined = Replica::OpenOrJoin(*t.vx, t.a->id());
  REQUIRE(joined.ok());
  CHECK_FALSE((*joined)->AddEntity("note", {{"title", "x"}}).ok());
}

TEST_CASE("author without the compartment: refused locally, quarantined when crafted") {
  Team t;
  SUBCASE("editor of general writing family") {
    auto local = t.b->AddEntity("note", {{"title", "Not mine to write"}}, "family");
    CHECK(local.status().code() == Status::Code::kAuthFailed);
    CHECK_MESSAGE(Has(local.status().message(), "family"), local.status().message());
    CHECK(t.b->Problems().empty());

    // Crafted, even with the real family key (as if it had leaked).
    crypto::SecureBytes family = ReviewKey(*t.va, t.a->id(), "family");
    crdt::Change c =
        Seal(NextHeader(*t.a, t.idb, "family"), NoteOps(NewId(), "Leaked-key write"), &family, *t.vb);
    ReceiveResult r = ExpectQuarantined(*t.a, c.sealed, "may not write the family compartment");
    CHECK(Has(r.reason, t.idb));
    CHECK_FALSE(HasNoteTitled(*t.a, "Leaked-key write"));

    // Nor may it overwrite a family entity it learnt the id of.
    std::vector<crdt::Op> overwrite = {
        {{"o", "set"}, {"e", t.family_note}, {"t", "note"}, {"f", "title"}, {"v", "Overwritten"}}};
    crdt::Change o = Seal(NextHeader(*t.a, t.idb, "family"), overwrite, &family, *t.vb);
    ExpectQuarantined(*t.a, o.sealed, "may not write the family compartment");
    CHECK(*t.a->document().Find(t.family_note)->Field("title") == "Family history");
  }
  SUBCASE("editor of general writing restricted or an unknown compartment") {
    crypto::SecureBytes key = RandomKey();
    ExpectQuarantined(*t.a,
                      Seal(NextHeader(*t.a, t.idb, "restricted"), NoteOps(NewId(), "r"), &key, *t.vb).sealed,
                      "may not write the restricted compartment");
    ExpectQuarantined(*t.a,
                      Seal(NextHeader(*t.a, t.idb, "secret"), NoteOps(NewId(), "s"), &key, *t.vb).sealed,
                      "unknown compartment 'secret'");
  }
  SUBCASE("editor granting itself the family compartment") {
    std::vector<crdt::Op> ops = {{{"o", "member"},
                                  {"d", IdentityOf(*t.vb).ToLine()},
                                  {"role", "owner"},
                                  {"c", {"general", "family"}}}};
    crdt::Change c = Seal(NextHeader(*t.a, t.idb, crdt::kMembership), ops, nullptr, *t.vb);
    ExpectQuarantined(*t.a, c.sealed, "only an owner may change the review's membership");
    CHECK_FALSE(t.a->membership().IsOwner(t.idb));
    CHECK_FALSE(t.a->membership().CanWrite(t.idb, "family"));
  }
  SUBCASE("reader writing general") {
    auto local = t.r->AddEntity("note", {{"title", "Reader's note"}});
    CHECK(local.status().code() == Status::Code::kAuthFailed);
    CHECK_MESSAGE(Has(local.status().message(), "may not write the general compartment"),
                  local.status().message());
    CHECK(t.r->Problems().empty());

    // The reader holds the general key legitimately; the write is still refused.
    crypto::SecureBytes key = ReviewKey(*t.vr, t.a->id(), "general");
    crdt::Change c = Seal(NextHeader(*t.a, t.idr, "general"), NoteOps(NewId(), "Reader's note"), &key, *t.vr);
    ExpectQuarantined(*t.a, c.sealed, "may not write the general compartment");
    // B, an editor, refuses it just the same.
    ExpectQuarantined(*t.b, c.sealed, "may not write the general compartment");
    CHECK_FALSE(HasNoteTitled(*t.a, "Reader's note"));
  }
}

TEST_CASE("quarantine survives closing and reopening the vault") {
  Team t;
  crypto::SecureBytes wrong = RandomKey();
  REQUIRE(t.b->AddEntity("note", {{"title", "Genuine by B"}}).ok());
  const Bytes genuine = Stored(*t.b).back().sealed;
  std::vector<Bytes> bad = {
      FlipBit(genuine, 2, 5),
      FlipBit(genuine, 1, 20),
      Seal(NextHeader(*t.a, t.idb, "general"), NoteOps(NewId(), "Wrong key"), &wrong, *t.vb).sealed,
      Seal(NextHeader(*t.a, t.idx, "general"), NoteOps(NewId(), "Outsider"), &wrong, *t.vx).sealed,
      Seal(NextHeader(*t.a, t.idb, "family"), NoteOps(NewId(), "Family"), &wrong, *t.vb).sealed,
      crypto::RandomBytes(100),
  };
  for (const auto& b : bad) {
    auto got = t.a->Receive(b);
    REQUIRE(got.ok());
    REQUIRE_MESSAGE(got->outcome == Outcome::kQuarantined, Describe(*got));
  }
  const auto before = t.a->Problems();
  REQUIRE(before.size() == bad.size());
  const std::string state = t.a->CanonicalString();
  const size_t stored = Stored(*t.a).size();
  const std::string id = t.a->id();

  t.a.reset();
  t.va.reset();
  t.va = OpenUnlocked(t.da.str());
  auto reopened = Replica::Open(*t.va, id);
  REQUIRE_MESSAGE(reopened.ok(), reopened.status().ToString());
  t.a = std::move(reopened).value();

  auto after = t.a->Problems();
  REQUIRE(after.size() == before.size());
  for (const auto& p : before) {
    CAPTURE(p.reason);
    auto q = FindProblem(*t.a, p.hash);
    REQUIRE(q.has_value());
    CHECK(q->state == "quarantined");
    CHECK(q->reason == p.reason);
    CHECK(q->author == p.author);
    CHECK(q->seq == p.seq);
  }
  CHECK(t.a->CanonicalString() == state);
  CHECK(Stored(*t.a).size() == stored);
  // Still refused after the restart, without a second entry.
  for (const auto& b : bad) {
    auto got = t.a->Receive(b);
    REQUIRE(got.ok());
    CHECK((got->outcome == Outcome::kDuplicate || got->outcome == Outcome::kQuarantined));
  }
  CHECK(t.a->Problems().size() == before.size());
  CHECK(t.a->CanonicalString() == state);

  // B's wrong-key change was authentic and used up B's sequence number 1, so
  // B's genuine change numbered 1 is now a second, different change under the
  // same number: refused as equivocation, consistently after the restart.
  auto got = t.a->Receive(genuine);
  REQUIRE(got.ok());
  CHECK_MESSAGE(got->outcome == Outcome::kQuarantined, Describe(*got));
  CHECK(Has(got->reason, "two different changes numbered 1"));
}

// Last in the file on purpose: until the engine bounds the nesting depth of
