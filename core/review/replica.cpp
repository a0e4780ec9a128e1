// The receive pipeline: every change, local or remote, is judged here.
#include "caseboard/review/replica.h"

#include <algorithm>
#include <thread>

#include "caseboard/crdt/husk.h"
#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"

namespace caseboard::review {

using crdt::Change;
using crdt::Hash;
using nlohmann::json;

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kApplied:
      return "applied";
    case Outcome::kDuplicate:
      return "duplicate";
    case Outcome::kPending:
      return "waiting";
    case Outcome::kHeld:
      return "held";
    case Outcome::kUnreadable:
      return "unreadable";
    case Outcome::kQuarantined:
      return "quarantined";
    case Outcome::kRejected:
      return "rejected";
  }
  return "unknown";
}

namespace {

ReceiveResult Quarantined(const Change& c, std::string reason) {
  return {Outcome::kQuarantined, c.HashHex(), std::move(reason)};
}

}  // namespace

std::string Replica::WaitingReason(size_t missing) {
  return "waiting for " + std::to_string(missing) + " earlier change(s) it builds on";
}

std::string Replica::HeldReason(const clock::Hlc& hlc) const {
  return "its author's clock is " + std::to_string(clock_.AheadBy(hlc) / 60000) +
         " min ahead of this device's; held until that time";
}

uint32_t Replica::InternMset(std::vector<Hash> set) {
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  auto it = mset_index_.find(set);
  if (it != mset_index_.end()) return it->second;
  uint32_t index = static_cast<uint32_t>(msets_.size());
  msets_.push_back(set);
  mset_index_.emplace(std::move(set), index);
  return index;
}

// Membership changes fold in (timestamp, author, hash) order: a total order
// that every replica computes alike, and that respects causality because a
// change's timestamp is always after those of the changes it depends on.
const crdt::Membership& Replica::MembershipAt(uint32_t mset) {
  auto cached = mset_cache_.find(mset);
  if (cached != mset_cache_.end()) return cached->second;
  std::vector<std::pair<std::tuple<clock::Hlc, std::string, Hash>, const MembershipChange*>> order;
  for (const Hash& h : msets_[mset]) {
    const MembershipChange& mc = mchanges_.at(h);
    order.push_back({{mc.hlc, mc.author, h}, &mc});
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  crdt::Membership m;
  for (const auto& [key, mc] : order)
    for (const auto& op : mc->ops) m.Apply(op);
  return mset_cache_.emplace(mset, std::move(m)).first->second;
}

void Replica::RefoldMembership() {
  std::vector<Hash> all;
  destroyed_.clear();
  for (const auto& [h, mc] : mchanges_) {
    all.push_back(h);
    for (const auto& op : mc.ops)
      if (op["o"] == "destroy")
        for (const auto& e : op["e"]) destroyed_.emplace(e.get<std::string>(), h);
  }
  membership_ = MembershipAt(InternMset(std::move(all)));
}

Result<ReceiveResult> Replica::Evaluate(const Change& change, const std::vector<crdt::Op>* sealed_here) {
  const crdt::ChangeHeader& h = change.header;

  // 1. Everything it builds on must be here first.
  size_t missing = 0;
  std::vector<Hash> mset;
  for (const Hash& d : h.deps) {
    auto it = nodes_.find(d);
    if (it == nodes_.end()) {
      ++missing;
      continue;
    }
    if (!(it->second.hlc < h.hlc))
      return Quarantined(change, "its timestamp is not after the changes it builds on");
    const auto& s = msets_[it->second.mset];
    mset.insert(mset.end(), s.begin(), s.end());
  }
  if (missing) return ReceiveResult{Outcome::kPending, change.HashHex(), WaitingReason(missing)};

  // 2. Authorship, judged against the membership in the change's causal past.
  std::vector<crdt::Op> ops;
  bool membership_change = h.compartment == crdt::kMembership;
  if (h.deps.empty()) {
    if (h.seq != 1 || !membership_change)
      return Quarantined(change, "a change with no history must be a review's genesis");
    auto decoded = crdt::OpenChangeOps(change, nullptr);
    if (!decoded.ok() || decoded->empty() || !crdt::CheckMembershipOp(decoded->front()).ok() ||
        decoded->front()["o"] != "genesis")
      return Quarantined(change, "a change with no history must start with a valid genesis");
    const crdt::Op& g = decoded->front();
    auto creator = store::DeviceIdentity::Parse(g["creator"].get<std::string>());
    if (crdt::ReviewIdFor(creator->signing_key, g["nonce"].get<std::string>()) != h.review ||
        g["review"] != h.review)
      return Quarantined(change, "genesis does not match the review id: not this review's creator");
    if (creator->device_id != h.author)
      return Quarantined(change, "genesis author is not the creator it names");
    if (!crdt::VerifyChangeSignature(change, creator->signing_key).ok())
      return Quarantined(change, "signature does not verify (forged or altered)");
    ops = std::move(decoded).value();
  } else {
    uint32_t past = InternMset(mset);
    const crdt::Membership& m = MembershipAt(past);
    const crdt::Member* author = m.Find(h.author);
    if (!author) return Quarantined(change, "author device " + h.author + " is not a member of this review");
    // A change this device has just sealed needs no check of its own
    // signature; membership, sequence and schema are still judged below.
    auto checked = preverified_.find(change.hash);
    bool verified = checked != preverified_.end() && checked->second == author->identity.signing_key;
    // A husk's author signature went with the destroyed bytes: ConfirmHusk
    // checks the destroying owner's instead.
    if (!sealed_here && !verified && !change.husk &&
        !crdt::VerifyChangeSignature(change, author->identity.signing_key).ok())
      return Quarantined(change, "signature does not verify (forged or altered)");
    if (membership_change && change.husk) {
      return Quarantined(change, "only changes to records can be husked, not membership changes");
    } else if (membership_change) {
      if (!m.IsOwner(h.author))
        return Quarantined(change, "only an owner may change the review's membership");
    } else if (!crdt::IsCompartment(h.compartment)) {
      return Quarantined(change, "unknown compartment '" + h.compartment + "'");
    } else if (!m.CanWrite(h.author, h.compartment)) {
      return Quarantined(
          change, "author device " + h.author + " may not write the " + h.compartment + " compartment");
    }
  }

  // 3. A clock far ahead is held, not allowed to win every later conflict.
  // Judged after the signature so that no unauthenticated change is kept.
  if (!clock_.Plausible(h.hlc)) return ReceiveResult{Outcome::kHeld, change.HashHex(), HeldReason(h.hlc)};

  // 4. Each device's changes form one unbroken sequence.
  uint64_t last = 0;
  if (auto it = author_seq_.find(LaneKey(h.author, h.compartment)); it != author_seq_.end())
    last = it->second;
  if (h.seq <= last)
    return Quarantined(change, "its author signed two different changes numbered " + std::to_string(h.seq));
  if (h.seq != last + 1)
    return Quarantined(change, "its author's change " + std::to_string(h.seq - 1) +
                                   " is missing from the history it builds on (truncated or reordered)");

  // 5. Open and check the ops. From here on the change is authentic and
  // authorised, so it joins the history graph whatever its ops hold: every
  // replica must judge it alike, whether or not it holds the key yet.
  uint32_t past = InternMset(mset);
  if (change.husk) {
    ApplyVerified(change, nullptr, past);
    husks_.emplace(change.hash, change);
    ConfirmHusk(change.hash);
    if (husks_.count(change.hash))
      return ReceiveResult{
          Outcome::kUnreadable, change.HashHex(),
          "its content was destroyed; waiting for the destruction record that vouches for it"};
    if (auto q = quarantine_.find(change.hash); q != quarantine_.end())
      return ReceiveResult{Outcome::kQuarantined, change.HashHex(), q->second.reason, true};
    if (unreadable_.count(change.hash))
      return ReceiveResult{Outcome::kUnreadable, change.HashHex(),
                           "this device has no key for the " + h.compartment + " compartment"};
    return ReceiveResult{Outcome::kApplied, change.HashHex(), ""};
  }
  auto in_graph_quarantine = [&](const std::string& reason) {
    ApplyVerified(change, nullptr, past);
    ReceiveResult r = Quarantined(change, reason);
    r.in_graph = true;
    return r;
  };
  if (sealed_here && ops.empty()) ops = *sealed_here;
  if (membership_change) {
    if (ops.empty()) {
      auto decoded = crdt::OpenChangeOps(change, nullptr);
      if (!decoded.ok()) return in_graph_quarantine("membership ops are malformed");
      ops = std::move(decoded).value();
    }
    for (size_t i = 0; i < ops.size(); ++i) {
      Status s = crdt::CheckMembershipOp(ops[i]);
      if (!s.ok()) return in_graph_quarantine("op " + std::to_string(i) + ": " + s.message());
      if (ops[i]["o"] == "genesis" && (i != 0 || !h.deps.empty()))
        return in_graph_quarantine("a genesis op may only open a review");
    }
    ApplyVerified(change, &ops, past);
    return ReceiveResult{Outcome::kApplied, change.HashHex(), ""};
  }
  const crypto::SecureBytes* key = Key(h.compartment, h.epoch);
  if (!key) {
    ApplyVerified(change, nullptr, past);
    unreadable_.emplace(change.hash, change);
    return ReceiveResult{Outcome::kUnreadable, change.HashHex(),
                         "this device has no key for the " + h.compartment + " compartment"};
  }
  if (!sealed_here) {
    auto opened = crdt::OpenChangeOps(change, key);
    if (!opened.ok()) return in_graph_quarantine(opened.status().message());
    ops = std::move(opened).value();
  }
  Status valid = CheckContentOps(ops);
  if (!valid.ok()) return in_graph_quarantine(valid.message());
  ApplyVerified(change, &ops, past);
  return ReceiveResult{Outcome::kApplied, change.HashHex(), ""};
}

Status Replica::CheckContentOps(const std::vector<crdt::Op>& ops) const {
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].is_null()) continue;  // a destroyed op's place in a husk
    Status s = crdt::CheckOp(options_.schema, ops[i]);
    if (!s.ok()) return Status::InvalidArgument("op " + std::to_string(i) + ": " + s.message());
  }
  return Status::Ok();
}

void Replica::ApplyVerified(const Change& change, const std::vector<crdt::Op>* ops, uint32_t mset) {
  const crdt::ChangeHeader& h = change.header;
  bool membership_change = h.compartment == crdt::kMembership;
  if (membership_change) {
    std::vector<Hash> with_self = msets_[mset];
    with_self.push_back(change.hash);
    mset = InternMset(std::move(with_self));
  }
  Node node{h.hlc, mset, {}};
  for (const Hash& d : h.deps) {
    auto dep = nodes_.find(d);
    if (dep == nodes_.end()) continue;
    const std::vector<uint64_t>& dv = dep->second.vc;
    if (node.vc.size() < dv.size()) node.vc.resize(dv.size(), 0);
    for (size_t i = 0; i < dv.size(); ++i) node.vc[i] = std::max(node.vc[i], dv[i]);
  }
  const std::string lane = LaneKey(h.author, h.compartment);
  auto [who, fresh] = vc_index_.try_emplace(lane, static_cast<uint32_t>(vc_devices_.size()));
  if (fresh) vc_devices_.push_back(lane);
  if (node.vc.size() <= who->second) node.vc.resize(who->second + 1, 0);
  node.vc[who->second] = std::max(node.vc[who->second], h.seq);
  nodes_[change.hash] = std::move(node);
  std::set<Hash>& heads = heads_[h.compartment];
  for (const Hash& d : h.deps) heads.erase(d);
  heads.insert(change.hash);
  author_seq_[lane] = h.seq;
  (void)clock_.Observe(h.hlc);  // plausibility was checked above
  ++since_snapshot_;
  if (!ops) return;
  if (membership_change) {
    mchanges_[change.hash] = MembershipChange{h.hlc, h.author, *ops};
    RefoldMembership();
    (void)ApplyKeyEnvelopes(*ops);
    ApplyDestroy(change.hash, *ops);
    return;
  }
  ApplyOps(change, *ops);
}

void Replica::ApplyOps(const Change& change, const std::vector<crdt::Op>& ops) {
  const crdt::ChangeHeader& h = change.header;
  // Text edits are judged against what this change's author had seen.
  const std::vector<uint64_t>& vc = nodes_.at(change.hash).vc;
  crdt::TextSequence::Provenance from{h.seq, {}};
  // This lane's entries: lane keys sort by device first, so they come in
  // device order, as Provenance wants.
  for (const auto& [lane, index] : vc_index_) {
    auto [device, compartment] = SplitLaneKey(lane);
    if (compartment == h.compartment && index < vc.size() && vc[index] > 0)
      from.seen.emplace_back(device, vc[index]);
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].is_null()) continue;  // destroyed (a husk's residue)
    if (destroyed_.count(ops[i]["e"].get<std::string>())) {
      // Written to a record destroyed meanwhile (offline, concurrently):
      // dropped, and the change is husked in the log at the next Flush.
      husk_log_due_ = true;
      continue;
    }
    uint32_t index = static_cast<uint32_t>(i);
    doc_.Apply(ops[i], crdt::Stamp{h.hlc, h.author, index}, h.compartment,
               crdt::Stamp::Tag(h.author, h.seq, index), &from);
  }
}

Status Replica::ApplyKeyEnvelopes(const std::vector<crdt::Op>& ops) {
  bool got_new = false;
  for (const auto& op : ops) {
    if (op["o"] != "keys" || op["d"] != device_id_) continue;
    std::string compartment = op["c"].get<std::string>();
    uint32_t epoch = op["ep"].get<uint32_t>();
    if (keys_.count({compartment, epoch})) continue;
    const auto& box = op["box"].get_binary();
    auto key = vault_.OpenSealedToDevice(box, EnvelopeAad(compartment, epoch, device_id_));
    if (!key.ok() || key->size() != crypto::kAeadKeySize)
      continue;  // not openable: ignore, never apply garbage
    CB_RETURN_IF_ERROR(StoreKey(compartment, epoch, std::move(key).value()));
    got_new = true;
  }
  if (got_new) RetryUnreadable();
  return Status::Ok();
}

void Replica::RetryUnreadable() {
  for (auto it = unreadable_.begin(); it != unreadable_.end();) {
    const Change& c = it->second;
    const crypto::SecureBytes* key = Key(c.header.compartment, c.header.epoch);
    if (!key) {
      ++it;
      continue;
    }
    auto ops = crdt::OpenChangeOps(c, key);
    Status check = ops.ok() ? CheckContentOps(*ops) : ops.status();
    if (!check.ok()) {
      // Judged as Evaluate would have with the key: in the graph, ops never applied.
      Quarantine(c, check.message(), /*in_graph=*/true);
    } else {
      ApplyOps(c, *ops);
    }
    it = unreadable_.erase(it);
  }
}

// A quarantined change that is in the graph is "known" only once its node is
// registered: after a restart its log entry must be judged again to rejoin the graph.
bool Replica::Known(const Hash& hash) const {
  if (nodes_.count(hash) || pending_.count(hash) || held_.count(hash)) return true;
  auto q = quarantine_.find(hash);
  return q != quarantine_.end() && !q->second.in_graph;
}

Result<ReceiveResult> Replica::Process(Change change, bool log_it) {
  if (change.header.review != review_id_)
    return ReceiveResult{Outcome::kRejected, change.HashHex(),
                         "change belongs to review " + change.header.review + ", not " + review_id_};
  if (Known(change.hash)) return ReceiveResult{Outcome::kDuplicate, change.HashHex(), ""};

  CB_ASSIGN_OR_RETURN(ReceiveResult result, Evaluate(change));
  if (log_it && (result.outcome != Outcome::kQuarantined || result.in_graph)) LogChange(change);
  switch (result.outcome) {
    case Outcome::kApplied:
    case Outcome::kUnreadable:
      ReleaseWaiters(change.hash);
      break;
    case Outcome::kPending:
      for (const Hash& d : change.header.deps)
        if (!nodes_.count(d)) waiting_on_.emplace(d, change.hash);
      pending_.emplace(change.hash, std::move(change));
      break;
    case Outcome::kHeld:
      held_.emplace(change.hash, std::move(change));
      break;
    case Outcome::kQuarantined:
      Quarantine(change, result.reason, result.in_graph);
      if (result.in_graph) ReleaseWaiters(change.hash);
      break;
    case Outcome::kDuplicate:
    case Outcome::kRejected:
      break;
  }
  return result;
}

// Applies, without recursion, every waiting change whose dependencies are now all here.
void Replica::ReleaseWaiters(const Hash& applied) {
  std::vector<Hash> ready = {applied};
  while (!ready.empty()) {
    Hash h = ready.back();
    ready.pop_back();
    auto range = waiting_on_.equal_range(h);
    std::vector<Hash> waiters;
    for (auto it = range.first; it != range.second; ++it) waiters.push_back(it->second);
    waiting_on_.erase(range.first, range.second);
    for (const Hash& w : waiters) {
      auto p = pending_.find(w);
      if (p == pending_.end()) continue;
      bool all_here = std::all_of(p->second.header.deps.begin(), p->second.header.deps.end(),
                                  [&](const Hash& d) { return nodes_.count(d) != 0; });
      if (!all_here) continue;  // still registered under another missing dependency
      Change c = std::move(p->second);
      pending_.erase(p);
      auto r = Evaluate(c);
      if (!r.ok() || r->outcome == Outcome::kQuarantined) {
        bool in_graph = r.ok() && r->in_graph;
        Quarantine(c, r.ok() ? r->reason : r.status().message(), in_graph);
        if (in_graph) ready.push_back(c.hash);
      } else if (r->outcome == Outcome::kHeld) {
        held_.emplace(c.hash, std::move(c));
      } else if (r->outcome == Outcome::kApplied || r->outcome == Outcome::kUnreadable) {
        ready.push_back(c.hash);
      }
    }
  }
}

void Replica::RetryHeld() {
  std::vector<Change> retry;
  for (auto it = held_.begin(); it != held_.end();) {
    if (clock_.Plausible(it->second.header.hlc)) {
      retry.push_back(std::move(it->second));
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& c : retry) (void)Process(std::move(c), /*log_it=*/false);
}

Result<ReceiveResult> Replica::Receive(ByteView sealed) {
  CB_ASSIGN_OR_RETURN(auto results, ReceiveAll({Bytes(sealed.begin(), sealed.end())}));
  return results.front();
}

void Replica::PreverifySignatures(const std::vector<std::optional<crdt::Change>>& changes) {
  preverified_.clear();
  // The authors' keys as the membership stands now (removed members
  // included: their earlier changes are still theirs).
  std::vector<std::pair<const crdt::Change*, crypto::Ed25519PublicKey>> work;
  for (const auto& c : changes) {
    if (!c || c->header.deps.empty() || nodes_.count(c->hash)) continue;
    auto m = membership_.members().find(c->header.author);
    if (m != membership_.members().end()) work.emplace_back(&*c, m->second.identity.signing_key);
  }
  unsigned threads = std::min<unsigned>(std::max(1u, std::thread::hardware_concurrency()), 8);
  if (work.size() < 64 || threads < 2) return;  // not worth the threads; Evaluate verifies
  std::vector<uint8_t> ok(work.size(), 0);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (size_t i = t; i < work.size(); i += threads)
        ok[i] = crdt::VerifyChangeSignature(*work[i].first, work[i].second).ok() ? 1 : 0;
    });
  for (auto& th : pool) th.join();
  for (size_t i = 0; i < work.size(); ++i)
    if (ok[i]) preverified_.emplace(work[i].first->hash, work[i].second);
}

Result<std::vector<ReceiveResult>> Replica::ReceiveAll(const std::vector<Bytes>& sealed) {
  // Local typing is signed first, so the change records what its author saw.
  CB_RETURN_IF_ERROR(FlushText());
  RetryHeld();
  std::vector<ReceiveResult> results;
  std::vector<Hash> hashes;  // of each result, for the final report below
  // Signature checks dominate a large batch (a first sync): they run ahead
  // on every core, in windows so that memory stays bounded.
  constexpr size_t kWindow = 1024;
  std::vector<std::optional<crdt::Change>> window;
  for (size_t i = 0; i < sealed.size(); ++i) {
    if (i % kWindow == 0) {
      window.clear();
      for (size_t j = i; j < std::min(sealed.size(), i + kWindow); ++j) {
        auto parsed = crdt::ParseChange(sealed[j]);
        window.push_back(parsed.ok() ? std::optional<crdt::Change>(std::move(parsed).value()) : std::nullopt);
      }
      PreverifySignatures(window);
    }
    const Bytes& bytes = sealed[i];
    std::optional<crdt::Change>& slot = window[i % kWindow];
    Result<crdt::Change> change = slot ? Result<crdt::Change>(std::move(*slot)) : crdt::ParseChange(bytes);
    if (!change.ok()) {
      Hash hash = crypto::Sha256(bytes);
      std::string reason = "not a valid change: " + change.status().message();
      if (!quarantine_.count(hash)) {
        quarantine_[hash] = Problem{ToHex(hash), "", 0, "quarantined", reason, false};
        json record = {{"reason", reason}, {"author", ""}, {"seq", 0}, {"sealed", json::binary_t(bytes)}};
        batch_.Put({review_id_, "quarantine", ToHex(hash)}, json::to_cbor(record));
      }
      results.push_back({Outcome::kQuarantined, ToHex(hash), reason});
      hashes.push_back(hash);
      continue;
    }
    if (change->husk && !crdt::HuskIsSigned(*change)) {
      // Only this device's own log holds unsigned husks.
      Hash hash = crypto::Sha256(bytes);
      results.push_back(
          {Outcome::kQuarantined, ToHex(hash), "a husk must be signed by the owner who destroyed"});
      hashes.push_back(hash);
      continue;
    }
    hashes.push_back(change->hash);
    auto r = Process(std::move(change).value(), /*log_it=*/true);
    if (!r.ok()) {
      (void)WriteBatched();  // keep what was accepted before the failure
      return r.status();
    }
    results.push_back(std::move(r).value());
    // Write as we go so a large import holds at most this many changes in memory.
    if (results.size() % 1000 == 0) CB_RETURN_IF_ERROR(WriteBatched());
  }
  preverified_.clear();
  // Report where each change ended up: a change that waited for an earlier
  // one, or for keys later in the same batch, was applied after all.
  for (size_t i = 0; i < results.size(); ++i) {
    ReceiveResult& r = results[i];
    const Hash& h = hashes[i];
    if (r.outcome != Outcome::kPending && r.outcome != Outcome::kUnreadable) continue;
    if (quarantine_.count(h)) {
      r = {Outcome::kQuarantined, r.hash, quarantine_[h].reason, quarantine_[h].in_graph};
    } else if (nodes_.count(h) && !unreadable_.count(h) && !husks_.count(h)) {
      r = {Outcome::kApplied, r.hash, ""};
    } else if (held_.count(h)) {
      r.outcome = Outcome::kHeld;
    }
  }
  CB_RETURN_IF_ERROR(Flush());
  return results;
}

}  // namespace caseboard::review
