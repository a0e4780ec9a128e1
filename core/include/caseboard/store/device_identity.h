// A device's public identity: what others need to verify its signatures and
// seal review keys to it. It travels as one line of text:
//   cbdev1:<device id>:<Ed25519 public key hex>:<X25519 public key hex>
#pragma once

#include <string>
#include <string_view>

#include "caseboard/crypto/sealed_box.h"
#include "caseboard/crypto/signature.h"
#include "caseboard/status.h"

namespace caseboard::store {

struct DeviceIdentity {
  std::string device_id;  // hex of the first 16 bytes of SHA-256(signing key)
  crypto::Ed25519PublicKey signing_key{};
  crypto::X25519PublicKey sealing_key{};

  static DeviceIdentity FromKeys(const crypto::Ed25519PublicKey& signing,
                                 const crypto::X25519PublicKey& sealing);
  // Checks the format and that the device id matches the signing key.
  static Result<DeviceIdentity> Parse(std::string_view line);
  std::string ToLine() const;
};

// A fingerprint people can compare aloud: SHA-256 of the key, first 20 bytes,
// in groups of four hex digits.
std::string Fingerprint(ByteView public_key);

}  // namespace caseboard::store
