// Persistence of a replica in the vault, and its read models.
//
// Records, all under the review's id:
//   log/<16-digit index>   sealed change bytes, in the order this device got them
//   quarantine/<hash>      {reason, author, seq, sealed} of a refused change
//   key/<compartment>.<epoch>  a review content key
//   snapshot/latest        the materialised state and graph, covering log < index
#include <algorithm>
#include <cstdio>

#include "caseboard/crdt/cbor.h"
#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/review/replica.h"

namespace caseboard::review {

using crdt::Change;
using crdt::Hash;
using nlohmann::json;

// 2: text fields are sequences (TextSequence::Encode), no longer registers.
// 3: each node carries its vector clock.
constexpr int kSnapshotVersion = 4;  // 4: history in lanes per compartment

namespace {

std::string LogId(uint64_t index) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llu", static_cast<unsigned long long>(index));
  return buf;
}

json::binary_t Bin(const Hash& h) { return json::binary_t(std::vector<uint8_t>(h.begin(), h.end())); }

Hash HashFrom(const json& j) {
  Hash h{};
  const auto& b = j.get_binary();
  if (b.size() == h.size()) std::copy(b.begin(), b.end(), h.begin());
  return h;
}

}  // namespace

Replica::Replica(store::Vault& vault, std::string review_id, ReplicaOptions options)
    : vault_(vault),
      review_id_(std::move(review_id)),
      options_(std::move(options)),
      clock_(options_.now, options_.max_drift_ms) {
  msets_.push_back({});
  mset_index_[{}] = 0;
}

Replica::~Replica() {
  // Best effort: a destructor cannot report failure. Callers that must know
  // (the CLI, the app on close) call FlushText themselves first.
  (void)FlushText();
}

// Review ids are 32 lowercase hex (ReviewIdFor); other record groups in the
// vault (the sync client's "board" settings) are not reviews.
static bool IsReviewId(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Result<std::vector<std::string>> Replica::List(const store::Vault& vault) {
  CB_ASSIGN_OR_RETURN(std::vector<std::string> all, vault.ListReviews());
  std::vector<std::string> reviews;
  for (auto& id : all)
    if (IsReviewId(id)) reviews.push_back(std::move(id));
  return reviews;
}

Result<std::unique_ptr<Replica>> Replica::Create(store::Vault& vault, const std::string& title,
                                                 ReplicaOptions options) {
  CB_ASSIGN_OR_RETURN(store::DeviceIdentity me, vault.Identity());
  std::string nonce = ToHex(crypto::RandomBytes(16));
  std::unique_ptr<Replica> r(
      new Replica(vault, crdt::ReviewIdFor(me.signing_key, nonce), std::move(options)));
  r->device_id_ = me.device_id;
  for (const auto& c : crdt::kCompartments)
    CB_RETURN_IF_ERROR(r->StoreKey(c, 0, crypto::SecureBytes::Random(crypto::kAeadKeySize)));
  std::vector<crdt::Op> genesis = {
      {{"o", "genesis"}, {"review", r->review_id_}, {"creator", me.ToLine()}, {"nonce", nonce}}};
  for (const auto& c : crdt::kCompartments) {
    CB_ASSIGN_OR_RETURN(crdt::Op box, r->SealKeyFor(me, c, 0));
    genesis.push_back(std::move(box));
  }
  CB_RETURN_IF_ERROR(r->CommitLocal(crdt::kMembership, std::move(genesis)).status());
  CB_RETURN_IF_ERROR(
      r->Commit("general",
                {{{"o", "create"}, {"e", r->review_id_}, {"t", "review"}},
                 {{"o", "set"}, {"e", r->review_id_}, {"t", "review"}, {"f", "title"}, {"v", title}}})
          .status());
  return r;
}

Result<std::unique_ptr<Replica>> Replica::OpenOrJoin(store::Vault& vault, const std::string& review_id,
                                                     ReplicaOptions options) {
  CB_ASSIGN_OR_RETURN(store::DeviceIdentity me, vault.Identity());
  std::unique_ptr<Replica> r(new Replica(vault, review_id, std::move(options)));
  r->device_id_ = me.device_id;
  CB_RETURN_IF_ERROR(r->Load());
  return r;
}

Result<std::unique_ptr<Replica>> Replica::Open(store::Vault& vault, const std::string& review_id,
                                               ReplicaOptions options) {
  CB_ASSIGN_OR_RETURN(auto reviews, vault.ListReviews());
  if (std::find(reviews.begin(), reviews.end(), review_id) == reviews.end())
    return Status::NotFound("no review " + review_id +
                            " in this vault ('caseboard-cli review list' shows them)");
  return OpenOrJoin(vault, review_id, std::move(options));
}

Status Replica::LoadKeys() {
  Status inner;
  CB_RETURN_IF_ERROR(vault_.Scan(review_id_, "key", [&](const std::string& id, crypto::SecureBytes value) {
    size_t dot = id.rfind('.');
    if (dot == std::string::npos || value.size() != crypto::kAeadKeySize) {
      inner = Status::Corruption("review key record " + id + " is malformed");
      return false;
    }
    keys_[{id.substr(0, dot), static_cast<uint32_t>(std::stoul(id.substr(dot + 1)))}] = std::move(value);
    return true;
  }));
  return inner;
}

Status Replica::Load() {
  CB_RETURN_IF_ERROR(LoadKeys());
  Status inner;
  CB_RETURN_IF_ERROR(
      vault_.Scan(review_id_, "quarantine", [&](const std::string& id, crypto::SecureBytes value) {
        json j = crdt::DecodeCbor(value.view()).value_or(json());
        auto hash = FromHex(id);
        if (!j.is_object() || !hash || hash->size() != 32) {
          inner = Status::Corruption("quarantine record " + id + " is malformed");
          return false;
        }
        Hash h;
        std::copy(hash->begin(), hash->end(), h.begin());
        quarantine_[h] = Problem{id,
                                 j.value("author", ""),
                                 j.value("seq", uint64_t{0}),
                                 "quarantined",
                                 j.value("reason", ""),
                                 j.value("graph", false)};
        return true;
      }));
  CB_RETURN_IF_ERROR(inner);

  auto snapshot = vault_.Get({review_id_, "snapshot", "latest"});
  std::optional<json> decoded;
  if (snapshot.ok()) {
    auto d = crdt::DecodeCbor(snapshot->view());
    if (!d.ok()) return Status::Corruption("review snapshot is malformed: " + d.status().message());
    // A snapshot in an older format is only a cache: rebuild from the log.
    if (d->is_object() && d->value("v", 0) == kSnapshotVersion) decoded = std::move(d).value();
  }
  if (decoded) {
    const json& s = *decoded;
    try {
      CB_ASSIGN_OR_RETURN(doc_, crdt::Document::Deserialize(s.at("doc")));
      msets_.clear();
      mset_index_.clear();
      for (const auto& set : s.at("msets")) {
        std::vector<Hash> hs;
        for (const auto& h : set) hs.push_back(HashFrom(h));
        mset_index_[hs] = static_cast<uint32_t>(msets_.size());
        msets_.push_back(std::move(hs));
      }
      vc_devices_ = s.at("vc_devices").get<std::vector<std::string>>();
      for (uint32_t i = 0; i < vc_devices_.size(); ++i) vc_index_[vc_devices_[i]] = i;
      for (const auto& n : s.at("nodes")) {
        Node node{{n.at(1).get<uint64_t>(), n.at(2).get<uint32_t>()},
                  n.at(3).get<uint32_t>(),
                  n.at(4).get<std::vector<uint64_t>>()};
        if (node.vc.size() > vc_devices_.size()) return Status::Corruption("review snapshot is malformed");
        nodes_[HashFrom(n.at(0))] = std::move(node);
      }
      for (const auto& m : s.at("mchanges"))
        mchanges_[HashFrom(m.at(0))] = MembershipChange{{m.at(1).get<uint64_t>(), m.at(2).get<uint32_t>()},
                                                        m.at(3).get<std::string>(),
                                                        m.at(4).get<std::vector<crdt::Op>>()};
      for (const auto& [compartment, hs] : s.at("heads").items())
        for (const auto& h : hs) heads_[compartment].insert(HashFrom(h));
      author_seq_ = s.at("authors").get<std::map<std::string, uint64_t>>();
      clock_.Restore({s.at("clock").at(0).get<uint64_t>(), s.at("clock").at(1).get<uint32_t>()});
      next_log_ = snapshot_log_ = s.at("log").get<uint64_t>();
      if (!mchanges_.empty()) RefoldMembership();
      // Changes that were waiting at snapshot time are re-judged now.
      std::vector<Bytes> again;
      for (const auto& b : s.at("waiting")) again.push_back(b.get_binary());
      for (const auto& b : again) {
        auto c = crdt::ParseChange(b);
        if (!c.ok()) return Status::Corruption("review snapshot holds a malformed change");
        if (s.at("unreadable_hashes").contains(c->HashHex())) {
          unreadable_.emplace(c->hash, std::move(c).value());
        } else if (c->husk && nodes_.count(c->hash)) {
          husks_.emplace(c->hash, std::move(c).value());  // in the graph, its destroy change not here yet
        } else {
          CB_RETURN_IF_ERROR(Process(std::move(c).value(), /*log_it=*/false).status());
        }
      }
    } catch (const json::exception& e) {
      return Status::Corruption(std::string("review snapshot is malformed: ") + e.what());
    }
  } else if (!snapshot.status().IsNotFound()) {
    return snapshot.status();
  }

  CB_RETURN_IF_ERROR(vault_.Scan(
      review_id_, "log",
      [&](const std::string& id, crypto::SecureBytes value) {
        next_log_ = std::stoull(id) + 1;
        auto c = crdt::ParseChange(value.view());
        if (!c.ok()) {
          inner = Status::Corruption("stored change " + id + " of review " + review_id_ + " is malformed");
          return false;
        }
        auto r = Process(std::move(c).value(), /*log_it=*/false);
        if (!r.ok()) inner = r.status();
        return r.ok();
      },
      LogId(snapshot_log_)));
  CB_RETURN_IF_ERROR(inner);
  since_snapshot_ = 0;
  // Keys come from the vault, not only from envelopes replayed above: a change
  // that was unreadable at snapshot time may have its key by now.
  RetryUnreadable();
  RetryHeld();
  return Flush();
}

const crypto::SecureBytes* Replica::Key(const std::string& compartment, uint32_t epoch) const {
  auto it = keys_.find({compartment, epoch});
  return it == keys_.end() ? nullptr : &it->second;
}

std::optional<uint32_t> Replica::LatestEpoch(const std::string& compartment) const {
  std::optional<uint32_t> best;
  for (const auto& [slot, key] : keys_)
    if (slot.first == compartment && (!best || slot.second > *best)) best = slot.second;
  return best;
}

bool Replica::has_key(const std::string& compartment) const { return LatestEpoch(compartment).has_value(); }

Status Replica::StoreKey(const std::string& compartment, uint32_t epoch, crypto::SecureBytes key) {
  batch_.Put({review_id_, "key", compartment + "." + std::to_string(epoch)}, key.view());
  keys_[{compartment, epoch}] = std::move(key);
  return Status::Ok();
}

void Replica::LogChange(const Change& change) {
  batch_.Put({review_id_, "log", LogId(next_log_++)}, change.sealed);
}

void Replica::Quarantine(const Change& change, const std::string& reason, bool in_graph) {
  quarantine_[change.hash] =
      Problem{change.HashHex(), change.header.author, change.header.seq, "quarantined", reason, in_graph};
  json record = {{"reason", reason},
                 {"graph", in_graph},
                 {"author", change.header.author},
                 {"seq", change.header.seq},
                 {"sealed", json::binary_t(change.sealed)}};
  batch_.Put({review_id_, "quarantine", change.HashHex()}, json::to_cbor(record));
}

Status Replica::WriteBatched() {
  if (batch_.empty()) return Status::Ok();
  CB_RETURN_IF_ERROR(vault_.Write(batch_));
  batch_ = store::WriteBatch();
  return Status::Ok();
}

Status Replica::Flush() {
  CB_RETURN_IF_ERROR(WriteBatched());
  if (husk_log_due_) return HuskLog();  // which also writes a snapshot
  // A snapshot writes the whole graph, so in a long history they are spaced
  // out in proportion to it: the cost per change stays constant.
  if (since_snapshot_ >= std::max<size_t>(options_.snapshot_every, nodes_.size() / 4)) return Snapshot();
  return Status::Ok();
}

Status Replica::Snapshot() {
  CB_RETURN_IF_ERROR(FlushText());
  // The snapshot covers the log up to next_log_, so the log must be on disk first.
  CB_RETURN_IF_ERROR(WriteBatched());
  json msets = json::array();
  for (const auto& set : msets_) {
    json hs = json::array();
    for (const auto& h : set) hs.push_back(Bin(h));
    msets.push_back(std::move(hs));
  }
  json nodes = json::array();
  for (const auto& [h, n] : nodes_) nodes.push_back({Bin(h), n.hlc.wall_ms, n.hlc.counter, n.mset, n.vc});
  json mchanges = json::array();
  for (const auto& [h, m] : mchanges_)
    mchanges.push_back({Bin(h), m.hlc.wall_ms, m.hlc.counter, m.author, m.ops});
  json heads = json::object();
  for (const auto& [compartment, hs] : heads_) {
    json list = json::array();
    for (const auto& h : hs) list.push_back(Bin(h));
    heads[compartment] = std::move(list);
  }
  json waiting = json::array(), unreadable_hashes = json::object();
  for (const auto* group : {&pending_, &held_, &unreadable_, &husks_})
    for (const auto& [h, c] : *group) waiting.push_back(json::binary_t(c.sealed));
  for (const auto& [h, c] : unreadable_) unreadable_hashes[c.HashHex()] = true;
  json s = {{"v", kSnapshotVersion},   {"log", next_log_},
            {"doc", doc_.Serialize()}, {"msets", msets},
            {"nodes", nodes},          {"vc_devices", vc_devices_},
            {"mchanges", mchanges},    {"heads", heads},
            {"authors", author_seq_},  {"clock", {clock_.last().wall_ms, clock_.last().counter}},
            {"waiting", waiting},      {"unreadable_hashes", unreadable_hashes}};
  CB_RETURN_IF_ERROR(vault_.Put({review_id_, "snapshot", "latest"}, json::to_cbor(s)));
  snapshot_log_ = next_log_;
  since_snapshot_ = 0;
  return Status::Ok();
}

std::string Replica::title() const {
  const crdt::Entity* e = doc_.Find(review_id_);
  const json* t = e ? e->Field("title") : nullptr;
  return t && t->is_string() ? t->get<std::string>() : std::string();
}

const std::string* Replica::DeviceEntity(const std::string& device_id) const {
  for (const auto& [id, e] : doc_.entities()) {
    if (!e.visible() || e.type() != "device") continue;
    const json* d = e.Field("device");
    if (d && *d == device_id) return &id;
  }
  return nullptr;
}

std::string Replica::PersonOf(const std::string& device_id) const {
  const std::string* id = DeviceEntity(device_id);
  const json* p = id ? doc_.Find(*id)->Field("person") : nullptr;
  return p && p->is_string() ? p->get<std::string>() : std::string();
}

json Replica::Canonical() const {
  return {{"review", review_id_},
          {"members", membership_.Canonical()},
          {"entities", doc_.Canonical()["entities"]}};
}

std::string Replica::CanonicalString() const { return Canonical().dump(); }

std::string Replica::StateHashHex() const { return ToHex(crypto::Sha256(AsBytes(CanonicalString()))); }

std::vector<Problem> Replica::Problems() const {
  std::vector<Problem> out;
  for (const auto& [h, p] : quarantine_) out.push_back(p);
  for (const auto& [h, c] : pending_) {
    size_t missing = 0;
    for (const auto& d : c.header.deps) missing += nodes_.count(d) ? 0 : 1;
    out.push_back({c.HashHex(), c.header.author, c.header.seq, "waiting", WaitingReason(missing)});
  }
  for (const auto& [h, c] : held_)
    out.push_back({c.HashHex(), c.header.author, c.header.seq, "held", HeldReason(c.header.hlc)});
  for (const auto& [h, c] : husks_)
    out.push_back({c.HashHex(), c.header.author, c.header.seq, "waiting",
                   "its content was destroyed; waiting for the destruction record that vouches for it"});
  return out;
}

Status Replica::ForEachChange(const std::function<Status(const Change&)>& visit, uint64_t from) const {
  Status inner;
  CB_RETURN_IF_ERROR(vault_.Scan(
      review_id_, "log",
      [&](const std::string& id, crypto::SecureBytes value) {
        auto c = crdt::ParseChange(value.view());
        if (!c.ok()) {
          inner = Status::Corruption("stored change " + id + " is malformed");
          return false;
        }
        inner = visit(*c);
        return inner.ok();
      },
      LogId(from)));
  return inner;
}

Result<std::vector<HistoryEntry>> Replica::History(const std::optional<std::string>& entity) const {
  std::vector<HistoryEntry> out;
  CB_RETURN_IF_ERROR(ForEachChange([&](const Change& c) {
    if (!nodes_.count(c.hash) || unreadable_.count(c.hash) || quarantine_.count(c.hash)) return Status::Ok();
    const crypto::SecureBytes* key = Key(c.header.compartment, c.header.epoch);
    auto ops = crdt::OpenChangeOps(c, c.header.compartment == crdt::kMembership ? nullptr : key);
    if (!ops.ok()) return Status::Ok();
    for (const auto& op : *ops) {
      if (!op.is_object()) continue;  // destroyed (a husk)
      HistoryEntry e{c.header.hlc, c.header.author, c.HashHex(), op.value("o", ""), "", "", nullptr};
      if (c.header.compartment == crdt::kMembership) {
        if (e.op == "keys") continue;  // key envelopes are not part of the audit trail
        e.entity =
            op.contains("d") && op["d"].is_string() ? op["d"].get<std::string>().substr(0, 39) : review_id_;
        if (op.contains("role")) e.value = op["role"];
      } else {
        e.entity = op.value("e", "");
        e.field = op.value("f", "");
        if (op.contains("v")) e.value = op["v"];
        if (e.op == "text" && op.contains("x") && op["x"].is_binary()) {
          auto sum = crdt::TextSequence::Summarize(op["x"].get_binary());
          if (sum.ok()) e.value = {{"inserted", sum->inserted}, {"deleted", sum->deleted}};
        }
      }
      if (entity && e.entity != *entity) continue;
      out.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  std::stable_sort(out.begin(), out.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
    return std::tie(a.hlc, a.author) < std::tie(b.hlc, b.author);
  });
  return out;
}

}  // namespace caseboard::review
