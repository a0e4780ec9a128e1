#include "caseboard/crdt/husk.h"

#include <algorithm>

#include "caseboard/crdt/cbor.h"
#include "caseboard/crypto/aead.h"

namespace caseboard::crdt {

using nlohmann::json;

namespace {

constexpr char kHuskContext[] = "caseboard/husk/v1";

Bytes ResidueAad(ByteView header, const Hash& hash) {
  Bytes aad;
  AppendLengthPrefixed(aad, std::string_view(kHuskContext));
  AppendLengthPrefixed(aad, header);
  AppendLengthPrefixed(aad, ByteView(hash.data(), hash.size()));
  return aad;
}

Bytes SignedMessage(const Change& husk) {
  Bytes msg = ResidueAad(husk.header_bytes, husk.hash);
  AppendLengthPrefixed(msg, husk.body);
  AppendLengthPrefixed(msg, ByteView(husk.destroy.data(), husk.destroy.size()));
  return msg;
}

json::binary_t Bin(ByteView b) { return json::binary_t(std::vector<uint8_t>(b.begin(), b.end())); }

bool ToHash(const json& j, Hash* out) {
  if (!j.is_binary() || j.get_binary().size() != out->size()) return false;
  std::copy(j.get_binary().begin(), j.get_binary().end(), out->begin());
  return true;
}

}  // namespace

bool IsHusk(ByteView sealed) {
  // A CBOR array of 6 whose first item is the text "husk".
  static constexpr uint8_t kStart[] = {0x86, 0x64, 'h', 'u', 's', 'k'};
  return sealed.size() > sizeof kStart && std::equal(kStart, kStart + sizeof kStart, sealed.begin());
}

Result<Change> SealHusk(const Change& original, const std::vector<Op>& residue,
                        const crypto::SecureBytes& key, const Hash& destroy, const Signer* sign) {
  if (original.husk) return Status::InvalidArgument("a husk cannot be husked again");
  Change h;
  h.header = original.header;
  h.header_bytes = original.header_bytes;
  h.hash = original.hash;
  h.husk = true;
  h.destroy = destroy;
  CB_ASSIGN_OR_RETURN(
      h.body, crypto::AeadSeal(key, json::to_cbor(json(residue)), ResidueAad(h.header_bytes, h.hash)));
  if (sign) {
    CB_ASSIGN_OR_RETURN(h.signature, (*sign)(SignedMessage(h)));
  } else {
    h.signature.fill(0);
  }
  json outer = json::array({"husk", Bin(h.header_bytes), Bin(ByteView(h.hash.data(), h.hash.size())),
                            Bin(h.body), Bin(ByteView(h.destroy.data(), h.destroy.size())),
                            Bin(ByteView(h.signature.data(), h.signature.size()))});
  h.sealed = json::to_cbor(outer);
  return h;
}

Result<Change> ParseHusk(ByteView sealed) {
  if (sealed.size() > kMaxChangeBytes) return Status::InvalidArgument("husk is larger than the limit");
  auto decoded = DecodeCbor(sealed);
  if (!decoded.ok()) return Status::InvalidArgument("not a Caseboard husk: " + decoded.status().message());
  const json& outer = *decoded;
  Change h;
  h.husk = true;
  if (!outer.is_array() || outer.size() != 6 || outer[0] != "husk" || !outer[1].is_binary() ||
      !ToHash(outer[2], &h.hash) || !outer[3].is_binary() || !ToHash(outer[4], &h.destroy) ||
      !outer[5].is_binary() || outer[5].get_binary().size() != h.signature.size())
    return Status::InvalidArgument("not a Caseboard husk");
  if (json::to_cbor(outer) != Bytes(sealed.begin(), sealed.end()))
    return Status::InvalidArgument("husk is not canonically encoded");
  h.header_bytes = outer[1].get_binary();
  h.body = outer[3].get_binary();
  std::copy(outer[5].get_binary().begin(), outer[5].get_binary().end(), h.signature.begin());
  CB_ASSIGN_OR_RETURN(h.header, ParseChangeHeader(h.header_bytes));
  h.sealed.assign(sealed.begin(), sealed.end());
  return h;
}

bool HuskIsSigned(const Change& husk) {
  return std::any_of(husk.signature.begin(), husk.signature.end(), [](uint8_t b) { return b != 0; });
}

Status VerifyHuskSignature(const Change& husk, ByteView signing_key) {
  if (!husk.husk || !HuskIsSigned(husk)) return Status::AuthFailed("the husk is not signed");
  return crypto::Ed25519Verify(signing_key, SignedMessage(husk), husk.signature);
}

Result<std::vector<Op>> OpenHuskOps(const Change& husk, const crypto::SecureBytes& key) {
  auto plain = crypto::AeadOpen(key, husk.body, ResidueAad(husk.header_bytes, husk.hash));
  if (!plain.ok()) return Status::AuthFailed("the husk's residue does not open with the review key");
  auto ops = DecodeCbor(plain->view());
  if (!ops.ok() || !ops->is_array())
    return Status::InvalidArgument("the husk's residue is not a list of ops");
  return ops->get<std::vector<Op>>();
}

bool IsDestruction(const std::vector<Op>& ops) {
  return std::any_of(ops.begin(), ops.end(), [](const Op& op) { return op["o"] == "destroy"; });
}

bool DestructionNames(const std::vector<Op>& ops, const Hash& hash) {
  for (const auto& op : ops)
    if (op["o"] == "destroy" && op.contains("h"))
      for (const auto& h : op["h"])
        if (h.is_binary() &&
            std::equal(h.get_binary().begin(), h.get_binary().end(), hash.begin(), hash.end()))
          return true;
  return false;
}

}  // namespace caseboard::crdt
