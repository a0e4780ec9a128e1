// Destruction under the retention schedule: the destroy change, husks, and
// keeping destroyed records out of this device's vault for good.
//
// What "gone" means here: no op on a destroyed record is left in the
// document, the snapshot, the change log or the quarantine records, and the
// vault's write-ahead log is emptied afterwards (the vault runs with
// secure_delete, so freed pages are zeroed). The destroy change itself holds
// only ids and hashes.
#include <algorithm>

#include "caseboard/crdt/cbor.h"
#include "caseboard/crdt/husk.h"
#include "caseboard/review/replica.h"

namespace caseboard::review {

using crdt::Change;
using crdt::Hash;
using nlohmann::json;

namespace {

// The entity an op writes to ("" for a null op, which a husk leaves where a
// destroyed op was).
std::string EntityOf(const crdt::Op& op) {
  if (!op.is_object() || !op.contains("e") || !op["e"].is_string()) return "";
  return op["e"].get<std::string>();
}

// `ops` with every op on an entity `gone` names replaced by null, so that the
// ops kept keep their places (their stamps include their index).
template <typename Gone>
std::vector<crdt::Op> Without(const std::vector<crdt::Op>& ops, const Gone& gone, bool* touched) {
  std::vector<crdt::Op> out;
  out.reserve(ops.size());
  *touched = false;
  for (const auto& op : ops) {
    std::string e = EntityOf(op);
    if (!e.empty() && gone(e)) {
      out.push_back(nullptr);
      *touched = true;
    } else {
      out.push_back(op);
    }
  }
  return out;
}

const Hash* NamedHash(const json& h) {
  return h.is_binary() && h.get_binary().size() == 32 ? reinterpret_cast<const Hash*>(h.get_binary().data())
                                                      : nullptr;
}

}  // namespace

// The hashes every destroy change so far has named.
std::set<Hash> Replica::HashesNamedByDestroys() const {
  std::set<Hash> named;
  for (const auto& [hash, mc] : mchanges_)
    for (const auto& op : mc.ops)
      if (op["o"] == "destroy")
        for (const auto& h : op["h"])
          if (const Hash* n = NamedHash(h)) named.insert(*n);
  return named;
}

Result<std::vector<Change>> Replica::UnvouchedHusks() const {
  std::set<Hash> named = HashesNamedByDestroys();
  std::vector<Change> out;
  CB_RETURN_IF_ERROR(ForEachChange([&](const Change& c) {
    if (c.husk && !crdt::HuskIsSigned(c) && !named.count(c.hash)) out.push_back(c);
    return Status::Ok();
  }));
  return out;
}

Result<Hash> Replica::Destroy(const std::string& what, const std::set<std::string>& entities) {
  CB_RETURN_IF_ERROR(FlushText());
  if (!membership_.IsOwner(device_id_))
    return Status::AuthFailed("only an owner of this review can destroy its records");
  if (!IsPlainName(what))
    return Status::InvalidArgument("name the kind of material destroyed with a plain name");
  std::set<std::string> targets;
  for (const auto& e : entities)
    if (!destroyed_.count(e)) targets.insert(e);
  for (const auto& e : targets)
    if (!IsId(e)) return Status::InvalidArgument("'" + e + "' is not a record id");

  // Every change that wrote to them, as this device holds it, with what the
  // husk keeps. A change this device cannot read is left to a device that can.
  struct Touched {
    Change change;
    std::vector<crdt::Op> residue;
  };
  std::vector<Touched> touched;
  auto gone = [&](const std::string& e) { return targets.count(e) != 0; };
  if (!targets.empty()) {
    CB_RETURN_IF_ERROR(ForEachChange([&](const Change& c) {
      if (c.husk || c.header.compartment == crdt::kMembership) return Status::Ok();
      const crypto::SecureBytes* key = Key(c.header.compartment, c.header.epoch);
      if (!key) return Status::Ok();
      auto ops = crdt::OpenChangeOps(c, key);
      if (!ops.ok()) return Status::Ok();
      bool hit = false;
      std::vector<crdt::Op> residue = Without(*ops, gone, &hit);
      if (hit) touched.push_back({c, std::move(residue)});
      return Status::Ok();
    }));
  }
  // Edits to records destroyed earlier that arrived afterwards (made offline):
  // this vault husked them on arrival, but the board still holds them as
  // they were sent. Destroying again sends the board their husks too.
  CB_ASSIGN_OR_RETURN(std::vector<Change> late, UnvouchedHusks());
  for (const Change& husk : late) {
    const crypto::SecureBytes* key = Key(husk.header.compartment, husk.header.epoch);
    if (!key) continue;
    CB_ASSIGN_OR_RETURN(std::vector<crdt::Op> residue, crdt::OpenHuskOps(husk, *key));
    Change original;
    original.header = husk.header;
    original.header_bytes = husk.header_bytes;
    original.hash = husk.hash;
    touched.push_back({std::move(original), std::move(residue)});
  }
  if (targets.empty() && touched.empty())
    return Status::NotFound("there is nothing of that kind left to destroy");

  json ids = json::array(), hashes = json::array(), files = json::array();
  for (const auto& e : targets) {
    ids.push_back(e);
    // An attachment's file, by the board's name for it, so the board drops its pieces.
    auto it = doc_.entities().find(e);
    if (it != doc_.entities().end() && it->second.type() == "attachment")
      if (auto board_id = BoardFileId(it->second)) files.push_back(*board_id);
  }
  for (const auto& t : touched)
    hashes.push_back(json::binary_t(std::vector<uint8_t>(t.change.hash.begin(), t.change.hash.end())));
  // Applying it (ApplyDestroy) forgets the records and husks this vault's log.
  CB_ASSIGN_OR_RETURN(
      Hash destroy,
      CommitLocal(crdt::kMembership,
                  {{{"o", "destroy"}, {"what", what}, {"e", ids}, {"h", hashes}, {"f", files}}}));

  // Signed husks for the board, which holds the originals (or, for changes
  // never sent, needs something to stand in their place in the graph).
  crdt::Signer sign = [&](ByteView message) { return vault_.SignAsDevice(message); };
  for (const auto& t : touched) {
    const crypto::SecureBytes* key = Key(t.change.header.compartment, t.change.header.epoch);
    CB_ASSIGN_OR_RETURN(Change husk, crdt::SealHusk(t.change, t.residue, *key, destroy, &sign));
    batch_.Put({review_id_, "husk_out", t.change.HashHex()}, husk.sealed);
  }
  CB_RETURN_IF_ERROR(WriteBatched());
  return destroy;
}

void Replica::ApplyDestroy(const Hash& destroy, const std::vector<crdt::Op>& ops) {
  for (const auto& op : ops) {
    if (op["o"] != "destroy") continue;
    std::vector<crdt::Entity> files;  // attachments, whose files go once every record named is gone
    for (const auto& e : op["e"]) {
      const std::string& id = e.get_ref<const std::string&>();
      destroyed_.emplace(id, destroy);
      auto it = doc_.entities().find(id);
      if (it != doc_.entities().end() && it->second.type() == "attachment") files.push_back(it->second);
      doc_.Erase(id);
    }
    // Best effort: a file that cannot be removed now stays in the vault's
    // attachment store, unreachable (its entity and key are gone).
    for (const auto& f : files) (void)ForgetFile(f);
    husk_log_due_ = true;
  }
  // Husks that were waiting for this record.
  std::vector<Hash> waiting;
  for (const auto& [h, c] : husks_)
    if (c.destroy == destroy) waiting.push_back(h);
  for (const auto& h : waiting) ConfirmHusk(h);
}

void Replica::ConfirmHusk(const Hash& hash) {
  auto it = husks_.find(hash);
  if (it == husks_.end()) return;
  const Change& c = it->second;
  // An unsigned husk comes only from this vault's own log (ReceiveAll refuses
  // them), which the vault key authenticates. A signed one waits for the
  // destroy change it names, and is then vouched for by its change's author
  // (Evaluate has checked that the author was a member who may write there)
  // or by the owner whose destroy change names it.
  if (crdt::HuskIsSigned(c)) {
    auto d = mchanges_.find(c.destroy);
    if (d == mchanges_.end()) return;  // the destroy change has not arrived yet
    bool named = crdt::DestructionNames(d->second.ops, hash);
    auto signs = [&](const std::string& device) {
      auto m = membership_.members().find(device);
      return m != membership_.members().end() &&
             crdt::VerifyHuskSignature(c, m->second.identity.signing_key).ok();
    };
    std::string refused;
    if (!crdt::IsDestruction(d->second.ops)) {
      refused = "the change it names is not a destruction";
    } else if (!signs(c.header.author) && !(named && signs(d->second.author))) {
      refused = named ? "it is not signed by its author or by the owner who destroyed the records"
                      : "it is not signed by its author, and the destruction record does not name it";
    }
    if (!refused.empty()) {
      Quarantine(c, refused, /*in_graph=*/true);
      husks_.erase(it);
      return;
    }
  }
  Change husk = std::move(it->second);
  husks_.erase(it);
  const crypto::SecureBytes* key = Key(husk.header.compartment, husk.header.epoch);
  if (!key) {
    unreadable_.emplace(hash, std::move(husk));
    return;
  }
  auto ops = crdt::OpenHuskOps(husk, *key);
  Status check = ops.ok() ? CheckContentOps(*ops) : ops.status();
  if (!check.ok()) {
    Quarantine(husk, check.message(), /*in_graph=*/true);
    return;
  }
  ApplyOps(husk, *ops);
}

Status Replica::HuskLog() {
  husk_log_due_ = false;
  CB_RETURN_IF_ERROR(WriteBatched());
  auto gone = [&](const std::string& e) { return destroyed_.count(e) != 0; };
  crdt::Signer sign = [&](ByteView message) { return vault_.SignAsDevice(message); };
  // The husk of a readable change that wrote to a destroyed record (nullopt if it did not).
  auto husk_of = [&](const Change& c) -> std::optional<Change> {
    if (c.husk || c.header.compartment == crdt::kMembership) return std::nullopt;
    const crypto::SecureBytes* key = Key(c.header.compartment, c.header.epoch);
    auto ops = key ? crdt::OpenChangeOps(c, key) : Result<std::vector<crdt::Op>>(Status::Locked(""));
    if (!ops.ok()) return std::nullopt;
    bool hit = false;
    std::vector<crdt::Op> residue = Without(*ops, gone, &hit);
    if (!hit) return std::nullopt;
    Hash destroy{};
    for (const auto& op : *ops)
      if (auto d = destroyed_.find(EntityOf(op)); d != destroyed_.end()) destroy = d->second;
    // This device's own change it signs, as its author: the husk can then
    // go to the board and the other devices in the original's place (the
    // original may never have left this device; later changes name it).
    bool mine = c.header.author == device_id_;
    auto husk = crdt::SealHusk(c, residue, *key, destroy, mine ? &sign : nullptr);
    if (!husk.ok()) return std::nullopt;
    if (mine) batch_.Put({review_id_, "husk_out", c.HashHex()}, husk->sealed);
    return std::move(husk).value();
  };
  CB_RETURN_IF_ERROR(vault_.Scan(review_id_, "log", [&](const std::string& id, crypto::SecureBytes value) {
    auto c = crdt::ParseChange(value.view());
    if (!c.ok()) return true;  // Load reports a malformed entry; it holds nothing this could read
    if (auto husk = husk_of(*c)) batch_.Put({review_id_, "log", id}, husk->sealed);
    return true;
  }));
  // A quarantined change keeps its reason; its bytes go if they wrote to a destroyed record.
  CB_RETURN_IF_ERROR(
      vault_.Scan(review_id_, "quarantine", [&](const std::string& id, crypto::SecureBytes value) {
        json record = crdt::DecodeCbor(value.view()).value_or(json());
        if (!record.is_object() || !record.contains("sealed") || !record["sealed"].is_binary()) return true;
        auto c = crdt::ParseChange(record["sealed"].get_binary());
        if (!c.ok()) return true;
        auto husk = husk_of(*c);
        if (!husk) return true;
        record["sealed"] = json::binary_t(husk->sealed);
        batch_.Put({review_id_, "quarantine", id}, json::to_cbor(record));
        return true;
      }));
  // The snapshot is rewritten from the document without them, and the old
  // pages are zeroed and the write-ahead log emptied.
  CB_RETURN_IF_ERROR(Snapshot());
  return vault_.Checkpoint();
}

std::vector<Destruction> Replica::Destructions() const {
  std::vector<Destruction> out;
  for (const auto& [hash, mc] : mchanges_)
    for (const auto& op : mc.ops)
      if (op["o"] == "destroy") {
        // Every attachment made by this version has a board id, so "f" counts the files among "e".
        size_t files = op.contains("f") ? op["f"].size() : 0;
        size_t entities = op["e"].size();
        out.push_back({ToHex(hash), mc.hlc, mc.author, op["what"].get<std::string>(),
                       entities - std::min(files, entities), files, op["h"].size()});
      }
  std::sort(out.begin(), out.end(), [](const Destruction& a, const Destruction& b) {
    return std::tie(a.hlc, a.author) < std::tie(b.hlc, b.author);
  });
  return out;
}

Result<std::vector<std::pair<std::string, Bytes>>> Replica::OutgoingHusks() const {
  std::vector<std::pair<std::string, Bytes>> out;
  CB_RETURN_IF_ERROR(
      vault_.Scan(review_id_, "husk_out", [&](const std::string& id, crypto::SecureBytes value) {
        out.emplace_back(id, Bytes(value.view().begin(), value.view().end()));
        return true;
      }));
  return out;
}

Status Replica::HuskDelivered(const std::string& hash_hex) {
  return vault_.Delete({review_id_, "husk_out", hash_hex});
}

}  // namespace caseboard::review
