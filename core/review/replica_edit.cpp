// Local edits: each public call here becomes one signed change that then goes
// through the same pipeline as a change received from a peer.
#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/sealed_box.h"
#include "caseboard/review/replica.h"

namespace caseboard::review {

using crdt::Hash;
using nlohmann::json;

Bytes Replica::EnvelopeAad(const std::string& compartment, uint32_t epoch, const std::string& device) const {
  Bytes aad;
  AppendLengthPrefixed(aad, std::string_view("caseboard/review-key/v1"));
  AppendLengthPrefixed(aad, review_id_);
  AppendLengthPrefixed(aad, compartment);
  AppendU32(aad, epoch);
  AppendLengthPrefixed(aad, device);
  return aad;
}

Result<crdt::Op> Replica::SealKeyFor(const store::DeviceIdentity& who, const std::string& compartment,
                                     uint32_t epoch) const {
  const crypto::SecureBytes* key = Key(compartment, epoch);
  if (!key)
    return Status::NotFound("this device has no " + compartment + " key for epoch " + std::to_string(epoch));
  CB_ASSIGN_OR_RETURN(Bytes box, crypto::SealTo(who.sealing_key, key->view(),
                                                EnvelopeAad(compartment, epoch, who.device_id)));
  return crdt::Op{
      {"o", "keys"}, {"d", who.device_id}, {"c", compartment}, {"ep", epoch}, {"box", json::binary_t(box)}};
}

Result<Hash> Replica::CommitLocal(const std::string& compartment, std::vector<crdt::Op> ops) {
  // Typed text is signed before anything that follows it.
  CB_RETURN_IF_ERROR(FlushText());
  crdt::ChangeHeader h;
  h.review = review_id_;
  h.author = device_id_;
  auto mine = author_seq_.find(LaneKey(device_id_, compartment));
  h.seq = (mine == author_seq_.end() ? 0 : mine->second) + 1;
  h.hlc = clock_.Now();
  // Its own lane and the membership lane (see heads_).
  std::set<Hash> deps = heads_[compartment];
  if (compartment != crdt::kMembership)
    deps.insert(heads_[crdt::kMembership].begin(), heads_[crdt::kMembership].end());
  h.deps.assign(deps.begin(), deps.end());
  h.compartment = compartment;
  const crypto::SecureBytes* key = nullptr;
  if (compartment == crdt::kMembership) {
    h.epoch = membership_.epoch();
  } else {
    auto epoch = LatestEpoch(compartment);
    if (!epoch)
      return Status::AuthFailed("this device has no key for the " + compartment +
                                " compartment of this review; ask an owner for access");
    h.epoch = *epoch;
    key = Key(compartment, *epoch);
  }
  CB_ASSIGN_OR_RETURN(crdt::Change change,
                      crdt::SealChange(h, ops, key, [&](ByteView msg) { return vault_.SignAsDevice(msg); }));
  CB_ASSIGN_OR_RETURN(ReceiveResult r, Evaluate(change, &ops));
  if (r.outcome != Outcome::kApplied)
    return Status::AuthFailed("this device cannot make that change: " + r.reason);
  LogChange(change);
  ReleaseWaiters(change.hash);
  CB_RETURN_IF_ERROR(Flush());
  return change.hash;
}

Result<Hash> Replica::Commit(const std::string& compartment, std::vector<crdt::Op> ops) {
  if (ops.empty()) return Status::InvalidArgument("nothing to change");
  if (compartment != crdt::kMembership && !crdt::IsCompartment(compartment))
    return Status::InvalidArgument("unknown compartment '" + compartment + "'");
  for (const auto& op : ops) CB_RETURN_IF_ERROR(crdt::CheckOp(options_.schema, op));
  return CommitLocal(compartment, std::move(ops));
}

static std::string NewEntityId() { return ToHex(crypto::RandomBytes(12)); }

static size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The text edit that turns `current` into `wanted`: only the part between
// their common start and end is replaced, so that concurrent edits to the
// rest of the text survive.
static Result<crdt::Op> SetTextOp(const crdt::TextSequence* current, const std::string& device,
                                  const std::string& id, const std::string& type, const std::string& field,
                                  const std::string& wanted) {
  if (!IsValidUtf8(wanted))
    return Status::InvalidArgument("field '" + field + "': the text is not valid UTF-8");
  crdt::TextSequence text = current ? *current : crdt::TextSequence();
  const std::string old = text.Text();
  size_t prefix = 0;
  while (prefix < old.size() && prefix < wanted.size() && old[prefix] == wanted[prefix]) ++prefix;
  while (prefix > 0 && (static_cast<unsigned char>(old[prefix]) & 0xC0) == 0x80)
    --prefix;  // whole characters
  size_t suffix = 0;
  while (suffix < old.size() - prefix && suffix < wanted.size() - prefix &&
         old[old.size() - 1 - suffix] == wanted[wanted.size() - 1 - suffix])
    ++suffix;
  while (suffix > 0 && (static_cast<unsigned char>(old[old.size() - suffix]) & 0xC0) == 0x80) --suffix;
  size_t at = CodePoints(std::string_view(old).substr(0, prefix));
  std::string_view removed = std::string_view(old).substr(prefix, old.size() - prefix - suffix);
  std::string_view added = std::string_view(wanted).substr(prefix, wanted.size() - prefix - suffix);
  CB_RETURN_IF_ERROR(text.Delete(device, at, CodePoints(removed)));
  CB_RETURN_IF_ERROR(text.Insert(device, at, added));
  Bytes batch = text.TakeLocalEdits();
  if (batch.empty()) return crdt::Op();  // already so
  return crdt::Op{
      {"o", "text"}, {"e", id}, {"t", type}, {"f", field}, {"x", json::binary_t(std::move(batch))}};
}

// Field writes for `fields` on entity `id` of `type`; sets get adds/removes
// so that the set ends up holding exactly the given elements, and texts get
// the edit that makes them read as given.
static Status FieldOps(const crdt::Schema& schema, const std::string& device, const crdt::Entity* existing,
                       const std::string& id, const std::string& type,
                       const std::map<std::string, json>& fields, std::vector<crdt::Op>& ops) {
  for (const auto& [field, value] : fields) {
    const crdt::FieldDef* def = schema.Field(type, field);
    if (!def) return Status::InvalidArgument("type '" + type + "' has no field '" + field + "'");
    if (def->type == crdt::FieldType::kText) {
      if (!value.is_string() && !value.is_null())
        return Status::InvalidArgument("field '" + field + "' is a text: give a string");
      CB_ASSIGN_OR_RETURN(crdt::Op op,
                          SetTextOp(existing ? existing->Text(field) : nullptr, device, id, type, field,
                                    value.is_null() ? std::string() : value.get<std::string>()));
      if (!op.is_null()) ops.push_back(std::move(op));
      continue;
    }
    if (!crdt::IsSet(def->type)) {
      ops.push_back({{"o", "set"}, {"e", id}, {"t", type}, {"f", field}, {"v", value}});
      continue;
    }
    std::set<std::string> wanted;
    if (value.is_array()) {
      for (const auto& v : value) {
        if (!v.is_string()) return Status::InvalidArgument("field '" + field + "' holds strings");
        wanted.insert(v.get<std::string>());
      }
    } else if (value.is_string()) {
      wanted.insert(value.get<std::string>());
    } else if (!value.is_null()) {
      return Status::InvalidArgument("field '" + field + "' is a set: give a list of values");
    }
    std::set<std::string> current = existing ? existing->SetValue(field) : std::set<std::string>{};
    for (const auto& el : current)
      if (!wanted.count(el))
        ops.push_back({{"o", "remove"},
                       {"e", id},
                       {"t", type},
                       {"f", field},
                       {"v", el},
                       {"tags", existing->LiveTags(field, el)}});
    for (const auto& el : wanted)
      if (!current.count(el)) ops.push_back({{"o", "add"}, {"e", id}, {"t", type}, {"f", field}, {"v", el}});
  }
  for (const auto& op : ops) CB_RETURN_IF_ERROR(crdt::CheckOp(schema, op));
  return Status::Ok();
}

Result<std::string> Replica::AddEntity(const std::string& type, const std::map<std::string, json>& fields,
                                       std::optional<std::string> compartment) {
  const crdt::EntityType* t = options_.schema.Find(type);
  if (!t) return Status::InvalidArgument("unknown entity type '" + type + "'");
  std::string comp = compartment.value_or(t->compartment);
  if (!crdt::IsCompartment(comp)) return Status::InvalidArgument("unknown compartment '" + comp + "'");
  std::string id = NewEntityId();
  std::vector<crdt::Op> ops = {{{"o", "create"}, {"e", id}, {"t", type}}};
  CB_RETURN_IF_ERROR(FieldOps(options_.schema, device_id_, nullptr, id, type, fields, ops));
  CB_RETURN_IF_ERROR(CommitLocal(comp, std::move(ops)).status());
  return id;
}

Result<const crdt::Entity*> Replica::VisibleEntity(const std::string& entity) const {
  const crdt::Entity* e = doc_.Find(entity);
  if (!e) return Status::NotFound("no entity " + entity + " in this review");
  return e;
}

Status Replica::SetFields(const std::string& entity, const std::map<std::string, json>& fields) {
  CB_RETURN_IF_ERROR(FlushText());  // the edit below is computed against signed text
  CB_ASSIGN_OR_RETURN(const crdt::Entity* e, VisibleEntity(entity));
  std::vector<crdt::Op> ops;
  CB_RETURN_IF_ERROR(FieldOps(options_.schema, device_id_, e, entity, e->type(), fields, ops));
  if (ops.empty()) return Status::Ok();  // already so
  return CommitLocal(e->compartment(), std::move(ops)).status();
}

Status Replica::AddToSet(const std::string& entity, const std::string& field, const std::string& element) {
  CB_ASSIGN_OR_RETURN(const crdt::Entity* e, VisibleEntity(entity));
  crdt::Op op = {{"o", "add"}, {"e", entity}, {"t", e->type()}, {"f", field}, {"v", element}};
  CB_RETURN_IF_ERROR(crdt::CheckOp(options_.schema, op));
  return CommitLocal(e->compartment(), {op}).status();
}

Status Replica::RemoveFromSet(const std::string& entity, const std::string& field,
                              const std::string& element) {
  CB_ASSIGN_OR_RETURN(const crdt::Entity* e, VisibleEntity(entity));
  auto tags = e->LiveTags(field, element);
  if (tags.empty()) return Status::Ok();  // not in the set
  crdt::Op op = {{"o", "remove"}, {"e", entity},  {"t", e->type()},
                 {"f", field},    {"v", element}, {"tags", tags}};
  CB_RETURN_IF_ERROR(crdt::CheckOp(options_.schema, op));
  return CommitLocal(e->compartment(), {op}).status();
}

Status Replica::DeleteEntity(const std::string& entity) {
  CB_ASSIGN_OR_RETURN(const crdt::Entity* e, VisibleEntity(entity));
  if (entity == review_id_) return Status::InvalidArgument("the review's own record cannot be deleted");
  return CommitLocal(e->compartment(), {{{"o", "delete"}, {"e", entity}, {"t", e->type()}}}).status();
}

Status Replica::RestoreEntity(const std::string& entity) {
  auto it = doc_.entities().find(entity);
  if (it == doc_.entities().end() || !it->second.scope()) return Status::NotFound("no entity " + entity);
  if (it->second.visible()) return Status::Ok();
  return CommitLocal(it->second.compartment(), {{{"o", "restore"}, {"e", entity}, {"t", it->second.type()}}})
      .status();
}

Status Replica::NamePerson(const std::string& device_id, const std::string& person) {
  if (const std::string* id = DeviceEntity(device_id)) return SetFields(*id, {{"person", person}});
  return AddEntity("device", {{"device", device_id}, {"person", person}}).status();
}

Status Replica::AddMember(const store::DeviceIdentity& who, crdt::Role role,
                          const std::set<std::string>& compartments) {
  if (!membership_.IsOwner(device_id_))
    return Status::AuthFailed("only an owner of this review can add members");
  for (const auto& c : compartments)
    if (!crdt::IsCompartment(c)) return Status::InvalidArgument("unknown compartment '" + c + "'");
  std::vector<crdt::Op> ops = {
      {{"o", "member"}, {"d", who.ToLine()}, {"role", crdt::RoleName(role)}, {"c", compartments}}};
  // Every key of every epoch of its compartments, so the device can read the history too.
  for (const auto& [slot, key] : keys_) {
    if (!compartments.count(slot.first)) continue;
    CB_ASSIGN_OR_RETURN(crdt::Op box, SealKeyFor(who, slot.first, slot.second));
    ops.push_back(std::move(box));
  }
  return CommitLocal(crdt::kMembership, std::move(ops)).status();
}

Status Replica::RemoveMember(const std::string& device_id) {
  if (!membership_.IsOwner(device_id_))
    return Status::AuthFailed("only an owner of this review can remove members");
  if (!membership_.Find(device_id))
    return Status::NotFound("device " + device_id + " is not a member of this review");
  if (device_id == device_id_)
    return Status::InvalidArgument("a device cannot remove itself; ask another owner");
  uint32_t epoch = membership_.epoch() + 1;
  std::vector<crdt::Op> ops = {{{"o", "unmember"}, {"d", device_id}}, {{"o", "epoch"}, {"ep", epoch}}};
  for (const auto& c : crdt::kCompartments)
    CB_RETURN_IF_ERROR(StoreKey(c, epoch, crypto::SecureBytes::Random(crypto::kAeadKeySize)));
  for (const auto& [id, m] : membership_.members()) {
    if (!m.active || id == device_id) continue;
    for (const auto& c : m.compartments) {
      CB_ASSIGN_OR_RETURN(crdt::Op box, SealKeyFor(m.identity, c, epoch));
      ops.push_back(std::move(box));
    }
  }
  return CommitLocal(crdt::kMembership, std::move(ops)).status();
}

}  // namespace caseboard::review
