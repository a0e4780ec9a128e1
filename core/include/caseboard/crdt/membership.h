// Who belongs to a review: devices, their access level, their compartments.
//
// Membership lives in changes of the "membership" compartment, signed but not
// encrypted, so that peers and the board server can check every change's
// author without content keys. Ops (all JSON objects):
//   {"o":"genesis","review":ID,"creator":IDENTITY,"nonce":HEX}
//   {"o":"member","d":IDENTITY,"role":"owner|editor|reader","c":[compartments]}
//   {"o":"unmember","d":DEVICE}
//   {"o":"epoch","ep":N}                     a new key epoch for every compartment
//   {"o":"keys","d":DEVICE,"c":COMPARTMENT,"ep":N,"box":BYTES}
//                                            a review key sealed to DEVICE's X25519 key
//   {"o":"destroy","what":KIND,"e":[ENTITY ids],"h":[change hashes],"f":[file ids]}
//                                            records destroyed under the retention
//                                            schedule, the changes husked (husk.h), and
//                                            the board's ids of destroyed attachments' files
// A review's id is derived from its creator's signing key and a nonce, so a
// genesis cannot be forged for an existing review by anyone but its creator.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "caseboard/crdt/document.h"
#include "caseboard/status.h"
#include "caseboard/store/device_identity.h"

namespace caseboard::crdt {

inline const std::vector<std::string> kCompartments = {"general", "family", "restricted"};
bool IsCompartment(const std::string& name);

enum class Role { kReader, kEditor, kOwner };
const char* RoleName(Role r);
Result<Role> ParseRole(const std::string& s);

struct Member {
  store::DeviceIdentity identity;
  Role role = Role::kReader;
  std::set<std::string> compartments;
  bool active = true;
};

std::string ReviewIdFor(const crypto::Ed25519PublicKey& creator, const std::string& nonce_hex);

// Checks an op's shape (not whether its author may make it).
Status CheckMembershipOp(const Op& op);

class Membership {
 public:
  // Applies membership ops in order; the caller folds changes in HLC order.
  void Apply(const Op& op);

  const Member* Find(const std::string& device_id) const;  // active members only
  bool CanWrite(const std::string& device_id, const std::string& compartment) const;
  bool IsOwner(const std::string& device_id) const;
  uint32_t epoch() const { return epoch_; }
  const std::map<std::string, Member>& members() const { return members_; }
  const std::string& review() const { return review_; }

  nlohmann::json Canonical() const;

 private:
  std::string review_;
  std::map<std::string, Member> members_;
  uint32_t epoch_ = 0;
};

}  // namespace caseboard::crdt
