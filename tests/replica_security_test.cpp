// Hostile input to the review engine. Forged signatures, unknown authors,
// authors writing outside their compartments, tampered ciphertext, broken or
// truncated or reordered history, garbage bytes and schema violations must
// each be detected and reported (quarantined, or waiting for what is
// missing), never applied, never crash, and the quarantine must outlive the
// process. Changes are hand-crafted with SealChange and a device's own signer,
// exactly as a malicious member or outsider could make them.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/review/replica.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using nlohmann::json;
using review::Outcome;
using review::Problem;
using review::ReceiveResult;
using review::Replica;

namespace {

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

std::string Describe(const ReceiveResult& r) {
  return std::string(review::OutcomeName(r.outcome)) + ": " + r.reason;
}

std::vector<crdt::Change> Stored(const Replica& r) {
  std::vector<crdt::Change> out;
  Status s = r.ForEachChange([&](const crdt::Change& c) {
    out.push_back(c);
    return Status::Ok();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

std::vector<Bytes> AllChanges(const Replica& r) {
  std::vector<Bytes> out;
  for (const auto& c : Stored(r)) out.push_back(c.sealed);
  return out;
}

std::optional<Problem> FindProblem(const Replica& r, const std::string& hash) {
  for (const auto& p : r.Problems())
    if (p.hash == hash) return p;
  return std::nullopt;
}

size_t CountProblems(const Replica& r, const std::string& state) {
  auto all = r.Problems();
  return static_cast<size_t>(
      std::count_if(all.begin(), all.end(), [&](const Problem& p) { return p.state == state; }));
}

// The changes `r` has stored and applied (not waiting or held).
std::vector<crdt::Change> Settled(const Replica& r) {
  std::set<std::string> problems;
  for (const auto& p : r.Problems())
    if (!p.in_graph) problems.insert(p.hash);  // an in-graph quarantine is part of the history
  std::vector<crdt::Change> out;
  for (auto& c : Stored(r))
    if (!problems.count(c.HashHex())) out.push_back(std::move(c));
  return out;
}

// The heads of what `r` has settled: changes no other settled change builds on.
std::vector<crdt::Hash> Heads(const Replica& r) {
  auto all = Settled(r);
  std::set<crdt::Hash> referenced;
  for (const auto& c : all) referenced.insert(c.header.deps.begin(), c.header.deps.end());
  std::vector<crdt::Hash> heads;
  for (const auto& c : all)
    if (!referenced.count(c.hash)) heads.push_back(c.hash);
  std::sort(heads.begin(), heads.end());
  return heads;
}

uint64_t LastSeq(const Replica& r, const std::string& author) {
  uint64_t last = 0;
  for (const auto& c : Settled(r))
    if (c.header.author == author) last = std::max(last, c.header.seq);
  return last;
}

clock::Hlc Latest(const Replica& r) {
  clock::Hlc latest;
  for (const auto& c : Settled(r)) latest = std::max(latest, c.header.hlc);
  return latest;
}

std::string DeviceId(const store::Vault& v) {
  auto id = v.Identity();
  REQUIRE_MESSAGE(id.ok(), id.status().ToString());
  return id->device_id;
}

store::DeviceIdentity IdentityOf(const store::Vault& v) {
  auto id = v.Identity();
  REQUIRE_MESSAGE(id.ok(), id.status().ToString());
  return *id;
}

// A header for a change by `author` that carries on from everything `seen`
// has settled: deps are its heads, seq is the author's next, and the
// timestamp is after everything (and plausible now).
crdt::ChangeHeader NextHeader(const Replica& seen, const std::string& author, const std::string& compartment,
                              uint32_t epoch = 0) {
  crdt::ChangeHeader h;
  h.review = seen.id();
  h.author = author;
  h.seq = LastSeq(seen, author) + 1;
  h.hlc = {std::max(clock::HybridClock::SystemNowMs(), Latest(seen).wall_ms + 1), 0};
  h.deps = Heads(seen);
  h.compartment = compartment;
  h.epoch = epoch;
  return h;
}

// Seals a change signed by `signer`'s device key (the author in the header may
// be someone else: that is what an impersonator would do).
crdt::Change Seal(const crdt::ChangeHeader& h, const std::vector<crdt::Op>& ops,
                  const crypto::SecureBytes* key, const store::Vault& signer) {
  auto c = crdt::SealChange(h, ops, key, [&](ByteView msg) { return signer.SignAsDevice(msg); });
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return std::move(c).value();
}

// What change.cpp signs: context, header and body, each length-prefixed.
Bytes SignedMessage(ByteView header, ByteView body) {
  Bytes msg;
  AppendLengthPrefixed(msg, std::string_view("caseboard/change/v1"));
  AppendLengthPrefixed(msg, header);
  AppendLengthPrefixed(msg, body);
  return msg;
}

Bytes Outer(ByteView header, ByteView body, ByteView signature) {
  return json::to_cbor(json::array({json::binary_t(Bytes(header.begin(), header.end())),
                                    json::binary_t(Bytes(body.begin(), body.end())),
                                    json::binary_t(Bytes(signature.begin(), signature.end()))}));
}

// A sealed change with any body, correctly signed by `signer` over it.
Bytes SignRaw(ByteView header, ByteView body, const store::Vault& signer) {
  auto sig = signer.SignAsDevice(SignedMessage(header, body));
  REQUIRE_MESSAGE(sig.ok(), sig.status().ToString());
  return Outer(header, body, *sig);
}

// Replaces part `part` (0 header, 1 body, 2 signature) of a sealed change,
// keeping the rest, and re-encodes it canonically.
Bytes WithPart(const Bytes& sealed, size_t part, const Bytes& replacement) {
  json outer = json::from_cbor(sealed);
  outer.at(part) = json::binary_t(replacement);
  return json::to_cbor(outer);
}

Bytes Part(const Bytes& sealed, size_t part) { return json::from_cbor(sealed).at(part).get_binary(); }

// Flips the lowest bit of byte `at` of part `part` of a sealed change.
Bytes FlipBit(const Bytes& sealed, size_t part, size_t at) {
  Bytes p = Part(sealed, part);
  REQUIRE(at < p.size());
  p[at] ^= 0x01;
  return WithPart(sealed, part, p);
}

crypto::SecureBytes ReviewKey(const store::Vault& v, const std::string& review,
                              const std::string& compartment, uint32_t epoch = 0) {
  auto k = v.Get({review, "key", compartment + "." + std::to_string(epoch)});
  REQUIRE_MESSAGE(k.ok(), k.status().ToString());
  return std::move(k).value();
}

crypto::SecureBytes RandomKey() { return crypto::SecureBytes::Random(crypto::kAeadKeySize); }

std::string NewId() { return ToHex(crypto::RandomBytes(12)); }

Bytes Noise(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(size);
  for (auto& b : out) b = static_cast<uint8_t>(rng() & 0xff);
  return out;
}

// A CBOR array head declaring about 3.5e18 elements: more than any container
// can hold, so the decoder gives up at once.
const Bytes kHugeArray = {0x9b, 0x31, 0x84, 0x5e, 0xd2, 0xc6, 0x2b, 0x51, 0x3c};
const Bytes kHugeMap = {0xbb, 0x31, 0x84, 0x5e, 0xd2, 0xc6, 0x2b, 0x51, 0x3c};

Bytes Concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<crdt::Op> NoteOps(const std::string& id, const std::string& title) {
  return {{{"o", "create"}, {"e", id}, {"t", "note"}},
          {{"o", "set"}, {"e", id}, {"t", "note"}, {"f", "title"}, {"v", title}}};
}

std::unique_ptr<Replica> Join(store::Vault& vault, const Replica& from, review::ReplicaOptions options = {}) {
  auto r = Replica::OpenOrJoin(vault, from.id(), std::move(options));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  auto got = (*r)->ReceiveAll(AllChanges(from));
  REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  for (const auto& g : *got)
    CHECK_MESSAGE((g.outcome == Outcome::kApplied || g.outcome == Outcome::kUnreadable), Describe(g));
  return std::move(r).value();
}

// Receive, with an exception that escapes the engine (it must not: the
// library's contract is Status, never exceptions) turned into a failed Status.
Result<ReceiveResult> SafeReceive(Replica& r, const Bytes& sealed) {
  try {
    return r.Receive(sealed);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("Receive threw an exception instead of refusing the change: ") +
                            e.what());
  }
}

// Delivers `sealed` to `r` and checks everything the engine owes us for a bad
// change: it is quarantined with a reason containing `because`; the review's
// state is untouched; the refusal is listed in Problems() with the same reason;
// and delivering it again changes nothing. A change that is authentic and
// authorised but whose ops are bad (`in_graph`) joins the history graph and the
// stored log, so that every replica judges it alike; anything else stays out.
ReceiveResult ExpectQuarantined(Replica& r, const Bytes& sealed, const std::string& because,
                                bool in_graph = false) {
  CAPTURE(because);
  const std::string state = r.CanonicalString();
  const size_t nodes = r.change_count();
  const size_t stored = Stored(r).size();
  const size_t problems = r.Problems().size();

  auto got = SafeReceive(r, sealed);
  REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  CHECK_MESSAGE(got->outcome == Outcome::kQuarantined, Describe(*got));
  CHECK_MESSAGE(Has(got->reason, because), got->reason);
  CHECK(got->hash == ToHex(crypto::Sha256(sealed)));
  CHECK(got->in_graph == in_graph);
  CHECK(r.CanonicalString() == state);
  CHECK(r.change_count() == nodes + (in_graph ? 1 : 0));
  CHECK(Stored(r).size() == stored + (in_graph ? 1 : 0));

  auto p = FindProblem(r, got->hash);
  REQUIRE(p.has_value());
  CHECK(p->state == "quarantined");
  CHECK(p->reason == got->reason);
  CHECK(r.Problems().size() == problems + 1);

  auto again = SafeReceive(r, sealed);
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  if (crdt::ParseChange(sealed).ok())
    CHECK_MESSAGE(again->outcome == Outcome::kDuplicate, Describe(*again));
  else
    CHECK_MESSAGE(again->outcome == Outcome::kQuarantined, Describe(*again));
  CHECK(r.Problems().size() == problems + 1);
  CHECK(r.CanonicalString() == state);
  CHECK(Stored(r).size() == stored + (in_graph ? 1 : 0));
  return *got;
}

// A review owned by device A, where B is an editor of "general" only and R a
// reader of "general"; X is a device that is no member at all. A has written a
// general note and a family note.
struct Team {
  TempDir da, db, dr, dx;
  std::unique_ptr<store::Vault> va = CreateVault(da.str());
  std::unique_ptr<store::Vault> vb = CreateVault(db.str());
  std::unique_ptr<store::Vault> vr = CreateVault(dr.str());
  std::unique_ptr<store::Vault> vx = CreateVault(dx.str());
  std::unique_ptr<Replica> a, b, r;
  std::string general_note, family_note;
  std::string ida = DeviceId(*va), idb = DeviceId(*vb), idr = DeviceId(*vr), idx = DeviceId(*vx);

  Team() {
    auto created = Replica::Create(*va, "Review under attack");
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    a = std::move(created).value();
    REQUIRE(a->AddMember(IdentityOf(*vb), crdt::Role::kEditor, {"general"}).ok());
    REQUIRE(a->AddMember(IdentityOf(*vr), crdt::Role::kReader, {"general"}).ok());
    auto g = a->AddEntity("note", {{"title", "Chronology"}});
    REQUIRE(g.ok());
    general_note = *g;
    auto f = a->AddEntity("note", {{"title", "Family history"}}, "family");
    REQUIRE(f.ok());
    family_note = *f;
    b = Join(*vb, *a);
    r = Join(*vr, *a);
    REQUIRE(a->Problems().empty());
    REQUIRE(b->Problems().empty());
    REQUIRE(r->Problems().empty());
  }

  // The newest change by `author` that A has settled.
  crdt::Change LastOf(const std::string& author) const {
    auto all = Settled(*a);
    for (auto it = all.rbegin(); it != all.rend(); ++it)
      if (it->header.author == author) return *it;
    FAIL("no change by " << author);
    return {};
  }

  // B makes a real note and A receives it; returns the sealed change.
  Bytes RealChangeByB(const std::string& title) {
    REQUIRE(b->AddEntity("note", {{"title", title}}).ok());
    Bytes sealed = Stored(*b).back().sealed;
    auto got = a->Receive(sealed);
    REQUIRE(got.ok());
    REQUIRE_MESSAGE(got->outcome == Outcome::kApplied, Describe(*got));
    return sealed;
  }
};

bool HasNoteTitled(const Replica& r, const std::string& title) {
  for (const auto& [id, e] : r.document().entities()) {
    const json* t = e.Field("title");
    if (r.document().Find(id) && e.type() == "note" && t && *t == title) return true;
  }
  return false;
}

}  // namespace

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
    CHECK((*c)->document().Find(notes[0])->Field("body") == nullptr);
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
// the CBOR it decodes, this one overflows the stack and ends the process.
TEST_CASE("hostile CBOR: deeply nested input is refused without overflowing the stack") {
  Team t;
  Bytes nested(1'000'000, 0x81);  // [[[[...]]]], well under the size limit for a change
  nested.push_back(0x00);
  REQUIRE(nested.size() < crdt::kMaxChangeBytes);
  ExpectQuarantined(*t.a, nested, "not a valid change");
}
