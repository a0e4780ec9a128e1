#include "caseboard/store/device_identity.h"

#include <algorithm>

#include "caseboard/crypto/hash.h"

namespace caseboard::store {

static std::string DeviceIdFor(const crypto::Ed25519PublicKey& signing) {
  crypto::Digest d = crypto::Sha256(signing);
  return ToHex(ByteView(d.data(), 16));
}

DeviceIdentity DeviceIdentity::FromKeys(const crypto::Ed25519PublicKey& signing,
                                        const crypto::X25519PublicKey& sealing) {
  return DeviceIdentity{DeviceIdFor(signing), signing, sealing};
}

std::string DeviceIdentity::ToLine() const {
  return "cbdev1:" + device_id + ":" + ToHex(signing_key) + ":" + ToHex(sealing_key);
}

Result<DeviceIdentity> DeviceIdentity::Parse(std::string_view line) {
  auto bad = [](const char* why) {
    return Status::InvalidArgument(std::string("not a device identity line (") + why +
                                   "); it looks like cbdev1:<id>:<signing key>:<sealing key>, as printed by "
                                   "'caseboard-cli whoami'");
  };
  constexpr std::string_view kPrefix = "cbdev1:";
  if (line.substr(0, kPrefix.size()) != kPrefix) return bad("wrong prefix");
  line.remove_prefix(kPrefix.size());
  std::string parts[3];
  for (int i = 0; i < 3; ++i) {
    size_t colon = line.find(':');
    if ((i < 2) != (colon != std::string_view::npos)) return bad("wrong number of fields");
    parts[i] = std::string(line.substr(0, colon));
    line = i < 2 ? line.substr(colon + 1) : std::string_view();
  }
  auto signing = FromHex(parts[1]);
  auto sealing = FromHex(parts[2]);
  if (!signing || signing->size() != 32) return bad("signing key is not 32 bytes of hex");
  if (!sealing || sealing->size() != 32) return bad("sealing key is not 32 bytes of hex");
  DeviceIdentity id;
  std::copy(signing->begin(), signing->end(), id.signing_key.begin());
  std::copy(sealing->begin(), sealing->end(), id.sealing_key.begin());
  id.device_id = DeviceIdFor(id.signing_key);
  if (id.device_id != parts[0]) return bad("device id does not match its signing key");
  return id;
}

std::string Fingerprint(ByteView public_key) {
  crypto::Digest d = crypto::Sha256(public_key);
  std::string hex = ToHex(ByteView(d.data(), 20));
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (i) out.push_back(' ');
    out.append(hex, i, 4);
  }
  return out;
}

}  // namespace caseboard::store
