// Helpers for the hostile-input suites (replica_forgery_test, replica_malformed_test):
// hand-crafting changes with SealChange and a device's own signer, exactly as a
// malicious member or outsider could, and checking what the engine owes us for each.
#pragma once

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

namespace caseboard::test::attack {

using namespace caseboard;
using namespace caseboard::test;
using nlohmann::json;
using review::Outcome;
using review::Problem;
using review::ReceiveResult;
using review::Replica;

inline bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

inline std::string Describe(const ReceiveResult& r) {
  return std::string(review::OutcomeName(r.outcome)) + ": " + r.reason;
}

inline std::vector<crdt::Change> Stored(const Replica& r) {
  std::vector<crdt::Change> out;
  Status s = r.ForEachChange([&](const crdt::Change& c) {
    out.push_back(c);
    return Status::Ok();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

inline std::optional<Problem> FindProblem(const Replica& r, const std::string& hash) {
  for (const auto& p : r.Problems())
    if (p.hash == hash) return p;
  return std::nullopt;
}

inline size_t CountProblems(const Replica& r, const std::string& state) {
  auto all = r.Problems();
  return static_cast<size_t>(
      std::count_if(all.begin(), all.end(), [&](const Problem& p) { return p.state == state; }));
}

// The changes `r` has stored and applied (not waiting or held).
inline std::vector<crdt::Change> Settled(const Replica& r) {
  std::set<std::string> problems;
  for (const auto& p : r.Problems())
    if (!p.in_graph) problems.insert(p.hash);  // an in-graph quarantine is part of the history
  std::vector<crdt::Change> out;
  for (auto& c : Stored(r))
    if (!problems.count(c.HashHex())) out.push_back(std::move(c));
  return out;
}

// The heads of what `r` has settled: changes no other settled change builds on.
inline std::vector<crdt::Hash> Heads(const Replica& r) {
  auto all = Settled(r);
  std::set<crdt::Hash> referenced;
  for (const auto& c : all) referenced.insert(c.header.deps.begin(), c.header.deps.end());
  std::vector<crdt::Hash> heads;
  for (const auto& c : all)
    if (!referenced.count(c.hash)) heads.push_back(c.hash);
  std::sort(heads.begin(), heads.end());
  return heads;
}

inline uint64_t LastSeq(const Replica& r, const std::string& author) {
  uint64_t last = 0;
  for (const auto& c : Settled(r))
    if (c.header.author == author) last = std::max(last, c.header.seq);
  return last;
}

inline clock::Hlc Latest(const Replica& r) {
  clock::Hlc latest;
  for (const auto& c : Settled(r)) latest = std::max(latest, c.header.hlc);
  return latest;
}

inline std::string DeviceId(const store::Vault& v) {
  auto id = v.Identity();
  REQUIRE_MESSAGE(id.ok(), id.status().ToString());
  return id->device_id;
}

inline store::DeviceIdentity IdentityOf(const store::Vault& v) {
  auto id = v.Identity();
  REQUIRE_MESSAGE(id.ok(), id.status().ToString());
  return *id;
}

// A header for a change by `author` that carries on from everything `seen`
// has settled: deps are its heads, seq is the author's next, and the
// timestamp is after everything (and plausible now).
inline crdt::ChangeHeader NextHeader(const Replica& seen, const std::string& author,
                                     const std::string& compartment, uint32_t epoch = 0) {
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
inline crdt::Change Seal(const crdt::ChangeHeader& h, const std::vector<crdt::Op>& ops,
                         const crypto::SecureBytes* key, const store::Vault& signer) {
  auto c = crdt::SealChange(h, ops, key, [&](ByteView msg) { return signer.SignAsDevice(msg); });
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return std::move(c).value();
}

// What change.cpp signs: context, header and body, each length-prefixed.
inline Bytes SignedMessage(ByteView header, ByteView body) {
  Bytes msg;
  AppendLengthPrefixed(msg, std::string_view("caseboard/change/v1"));
  AppendLengthPrefixed(msg, header);
  AppendLengthPrefixed(msg, body);
  return msg;
}

inline Bytes Outer(ByteView header, ByteView body, ByteView signature) {
  return json::to_cbor(json::array({json::binary_t(Bytes(header.begin(), header.end())),
                                    json::binary_t(Bytes(body.begin(), body.end())),
                                    json::binary_t(Bytes(signature.begin(), signature.end()))}));
}

// A sealed change with any body, correctly signed by `signer` over it.
inline Bytes SignRaw(ByteView header, ByteView body, const store::Vault& signer) {
  auto sig = signer.SignAsDevice(SignedMessage(header, body));
  REQUIRE_MESSAGE(sig.ok(), sig.status().ToString());
  return Outer(header, body, *sig);
}

// Replaces part `part` (0 header, 1 body, 2 signature) of a sealed change,
// keeping the rest, and re-encodes it canonically.
inline Bytes WithPart(const Bytes& sealed, size_t part, const Bytes& replacement) {
  json outer = json::from_cbor(sealed);
  outer.at(part) = json::binary_t(replacement);
  return json::to_cbor(outer);
}

inline Bytes Part(const Bytes& sealed, size_t part) { return json::from_cbor(sealed).at(part).get_binary(); }

// Flips the lowest bit of byte `at` of part `part` of a sealed change.
inline Bytes FlipBit(const Bytes& sealed, size_t part, size_t at) {
  Bytes p = Part(sealed, part);
  REQUIRE(at < p.size());
  p[at] ^= 0x01;
  return WithPart(sealed, part, p);
}

inline crypto::SecureBytes ReviewKey(const store::Vault& v, const std::string& review,
                                     const std::string& compartment, uint32_t epoch = 0) {
  auto k = v.Get({review, "key", compartment + "." + std::to_string(epoch)});
  REQUIRE_MESSAGE(k.ok(), k.status().ToString());
  return std::move(k).value();
}

inline crypto::SecureBytes RandomKey() { return crypto::SecureBytes::Random(crypto::kAeadKeySize); }

inline std::string NewId() { return ToHex(crypto::RandomBytes(12)); }

inline Bytes Noise(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(size);
  for (auto& b : out) b = static_cast<uint8_t>(rng() & 0xff);
  return out;
}

// A CBOR array head declaring about 3.5e18 elements: more than any container
// can hold, so the decoder gives up at once.
inline const Bytes kHugeArray = {0x9b, 0x31, 0x84, 0x5e, 0xd2, 0xc6, 0x2b, 0x51, 0x3c};
inline const Bytes kHugeMap = {0xbb, 0x31, 0x84, 0x5e, 0xd2, 0xc6, 0x2b, 0x51, 0x3c};

inline Bytes Concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline std::vector<crdt::Op> NoteOps(const std::string& id, const std::string& title) {
  return {{{"o", "create"}, {"e", id}, {"t", "note"}},
          {{"o", "set"}, {"e", id}, {"t", "note"}, {"f", "title"}, {"v", title}}};
}

inline std::unique_ptr<Replica> Join(store::Vault& vault, const Replica& from,
                                     review::ReplicaOptions options = {}) {
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
inline Result<ReceiveResult> SafeReceive(Replica& r, const Bytes& sealed) {
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
inline ReceiveResult ExpectQuarantined(Replica& r, const Bytes& sealed, const std::string& because,
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

inline bool HasNoteTitled(const Replica& r, const std::string& title) {
  for (const auto& [id, e] : r.document().entities()) {
    const json* t = e.Field("title");
    if (r.document().Find(id) && e.type() == "note" && t && *t == title) return true;
  }
  return false;
}

}  // namespace caseboard::test::attack
