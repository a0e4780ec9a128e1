#include "caseboard/crdt/membership.h"

#include <algorithm>

#include "caseboard/crypto/hash.h"

namespace caseboard::crdt {

using nlohmann::json;

bool IsCompartment(const std::string& name) {
  return std::find(kCompartments.begin(), kCompartments.end(), name) != kCompartments.end();
}

const char* RoleName(Role r) {
  switch (r) {
    case Role::kOwner:
      return "owner";
    case Role::kEditor:
      return "editor";
    case Role::kReader:
      return "reader";
  }
  return "reader";
}

Result<Role> ParseRole(const std::string& s) {
  if (s == "owner") return Role::kOwner;
  if (s == "editor") return Role::kEditor;
  if (s == "reader") return Role::kReader;
  return Status::InvalidArgument("unknown role '" + s + "': use owner, editor or reader");
}

std::string ReviewIdFor(const crypto::Ed25519PublicKey& creator, const std::string& nonce_hex) {
  Bytes msg;
  AppendLengthPrefixed(msg, std::string_view("caseboard/review-id/v1"));
  AppendLengthPrefixed(msg, creator);
  AppendLengthPrefixed(msg, nonce_hex);
  crypto::Digest d = crypto::Sha256(msg);
  return ToHex(ByteView(d.data(), 16));
}

static bool Str(const Op& op, const char* key) { return op.contains(key) && op[key].is_string(); }

Status CheckMembershipOp(const Op& op) {
  if (!op.is_object() || !Str(op, "o")) return Status::InvalidArgument("malformed membership op");
  const std::string& kind = op["o"].get_ref<const std::string&>();
  if (kind == "genesis") {
    if (!Str(op, "review") || !Str(op, "creator") || !Str(op, "nonce"))
      return Status::InvalidArgument("genesis needs review, creator and nonce");
    return store::DeviceIdentity::Parse(op["creator"].get<std::string>()).status();
  }
  if (kind == "member") {
    if (!Str(op, "d") || !Str(op, "role") || !op.contains("c") || !op["c"].is_array())
      return Status::InvalidArgument("member needs d, role and c");
    CB_RETURN_IF_ERROR(store::DeviceIdentity::Parse(op["d"].get<std::string>()).status());
    CB_RETURN_IF_ERROR(ParseRole(op["role"].get<std::string>()).status());
    for (const auto& c : op["c"])
      if (!c.is_string() || !IsCompartment(c.get<std::string>()))
        return Status::InvalidArgument("unknown compartment in member op");
    return Status::Ok();
  }
  if (kind == "unmember") return Str(op, "d") ? Status::Ok() : Status::InvalidArgument("unmember needs d");
  if (kind == "epoch") {
    if (!op.contains("ep") || !op["ep"].is_number_unsigned())
      return Status::InvalidArgument("epoch needs ep");
    return Status::Ok();
  }
  if (kind == "keys") {
    if (!Str(op, "d") || !Str(op, "c") || !IsCompartment(op["c"].get<std::string>()) || !op.contains("ep") ||
        !op["ep"].is_number_unsigned() || !op.contains("box") || !op["box"].is_binary())
      return Status::InvalidArgument("keys needs d, c, ep and box");
    return Status::Ok();
  }
  if (kind == "destroy") {
    // Names only ids and hashes: the destruction record holds no content.
    if (!Str(op, "what") || !IsPlainName(op["what"].get<std::string>()) || !op.contains("e") ||
        !op["e"].is_array() || !op.contains("h") || !op["h"].is_array())
      return Status::InvalidArgument("destroy needs what, e and h");
    for (const auto& e : op["e"])
      if (!e.is_string() || !IsId(e.get<std::string>()))
        return Status::InvalidArgument("destroy names a record by something other than its id");
    for (const auto& h : op["h"])
      if (!h.is_binary() || h.get_binary().size() != 32)
        return Status::InvalidArgument("destroy names a change by something other than its hash");
    if (op.contains("f")) {
      if (!op["f"].is_array()) return Status::InvalidArgument("destroy's f lists files");
      for (const auto& f : op["f"])
        if (!f.is_string() || f.get<std::string>().size() != 64 || !IsId(f.get<std::string>()))
          return Status::InvalidArgument("destroy names a file by something other than its board id");
    }
    return Status::Ok();
  }
  return Status::InvalidArgument("unknown membership op '" + (IsValidUtf8(kind) ? kind : "?") + "'");
}

void Membership::Apply(const Op& op) {
  const std::string& kind = op["o"].get_ref<const std::string&>();
  if (kind == "genesis") {
    review_ = op["review"].get<std::string>();
    auto id = store::DeviceIdentity::Parse(op["creator"].get<std::string>());
    Member m{*id, Role::kOwner, {kCompartments.begin(), kCompartments.end()}, true};
    members_[id->device_id] = m;
  } else if (kind == "member") {
    auto id = store::DeviceIdentity::Parse(op["d"].get<std::string>());
    Member m{*id, *ParseRole(op["role"].get<std::string>()), {}, true};
    for (const auto& c : op["c"]) m.compartments.insert(c.get<std::string>());
    members_[id->device_id] = m;
  } else if (kind == "unmember") {
    auto it = members_.find(op["d"].get<std::string>());
    if (it != members_.end()) it->second.active = false;
  } else if (kind == "epoch") {
    epoch_ = std::max(epoch_, op["ep"].get<uint32_t>());
  }
}

const Member* Membership::Find(const std::string& device_id) const {
  auto it = members_.find(device_id);
  return it == members_.end() || !it->second.active ? nullptr : &it->second;
}

bool Membership::CanWrite(const std::string& device_id, const std::string& compartment) const {
  const Member* m = Find(device_id);
  return m && m->role != Role::kReader && m->compartments.count(compartment);
}

bool Membership::IsOwner(const std::string& device_id) const {
  const Member* m = Find(device_id);
  return m && m->role == Role::kOwner;
}

json Membership::Canonical() const {
  json out = json::object();
  for (const auto& [id, m] : members_) {
    if (!m.active) continue;
    out[id] = {{"role", RoleName(m.role)}, {"compartments", m.compartments}};
  }
  return out;
}

}  // namespace caseboard::crdt
