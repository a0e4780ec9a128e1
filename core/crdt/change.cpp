#include "caseboard/crdt/change.h"

#include "caseboard/crdt/cbor.h"
#include "caseboard/crdt/husk.h"
#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"

namespace caseboard::crdt {

using nlohmann::json;

namespace {

constexpr char kSignContext[] = "caseboard/change/v1";

Bytes SignedMessage(ByteView header, ByteView body) {
  Bytes msg;
  AppendLengthPrefixed(msg, std::string_view(kSignContext));
  AppendLengthPrefixed(msg, header);
  AppendLengthPrefixed(msg, body);
  return msg;
}

json HeaderJson(const ChangeHeader& h) {
  json deps = json::array();
  for (const auto& d : h.deps) deps.push_back(json::binary_t(std::vector<uint8_t>(d.begin(), d.end())));
  // nlohmann's objects keep keys sorted, so this encoding is canonical.
  return {{"v", 1},       {"review", h.review},    {"author", h.author},
          {"seq", h.seq}, {"wall", h.hlc.wall_ms}, {"ctr", h.hlc.counter},
          {"deps", deps}, {"comp", h.compartment}, {"epoch", h.epoch}};
}

Result<ChangeHeader> HeaderFrom(const json& j) {
  ChangeHeader h;
  if (!j.is_object() || j.value("v", 0) != 1)
    return Status::InvalidArgument("change header has an unknown version");
  try {
    h.review = j.at("review").get<std::string>();
    h.author = j.at("author").get<std::string>();
    h.seq = j.at("seq").get<uint64_t>();
    h.hlc = {j.at("wall").get<uint64_t>(), j.at("ctr").get<uint32_t>()};
    h.compartment = j.at("comp").get<std::string>();
    h.epoch = j.at("epoch").get<uint32_t>();
    const json& deps = j.at("deps");
    if (!deps.is_array() || deps.size() > kMaxDeps)
      return Status::InvalidArgument("change has too many dependencies");
    for (const auto& d : deps) {
      if (!d.is_binary() || d.get_binary().size() != 32)
        return Status::InvalidArgument("change dependency is not a hash");
      Hash hash;
      std::copy(d.get_binary().begin(), d.get_binary().end(), hash.begin());
      h.deps.push_back(hash);
    }
  } catch (const json::exception&) {
    return Status::InvalidArgument("change header is missing a field or has one of the wrong type");
  }
  // Ids travel into reasons, logs and JSON output: only plain ids are accepted.
  if (!IsId(h.review) || !IsId(h.author) || h.seq == 0 || !IsId(h.compartment))
    return Status::InvalidArgument("change header has an empty review, author, compartment or sequence");
  if (HeaderJson(h) != j) return Status::InvalidArgument("change header has unexpected fields");
  return h;
}

}  // namespace

Result<Change> SealChange(const ChangeHeader& header, const std::vector<Op>& ops,
                          const crypto::SecureBytes* key, const Signer& sign) {
  Change c;
  c.header = header;
  c.header_bytes = json::to_cbor(HeaderJson(header));
  Bytes plain = json::to_cbor(json(ops));
  if (header.compartment == kMembership) {
    c.body = std::move(plain);
  } else {
    if (key == nullptr)
      return Status::InvalidArgument("no key to encrypt a change in compartment " + header.compartment);
    CB_ASSIGN_OR_RETURN(c.body, crypto::AeadSeal(*key, plain, c.header_bytes));
  }
  CB_ASSIGN_OR_RETURN(c.signature, sign(SignedMessage(c.header_bytes, c.body)));
  json outer = json::array({json::binary_t(c.header_bytes), json::binary_t(c.body),
                            json::binary_t(std::vector<uint8_t>(c.signature.begin(), c.signature.end()))});
  c.sealed = json::to_cbor(outer);
  if (c.sealed.size() > kMaxChangeBytes)
    return Status::InvalidArgument("change is too large; split the edit");
  c.hash = crypto::Sha256(c.sealed);
  return c;
}

Result<ChangeHeader> ParseChangeHeader(ByteView header_bytes) {
  auto decoded = DecodeCbor(header_bytes);
  if (!decoded.ok()) return Status::InvalidArgument("change header: " + decoded.status().message());
  CB_ASSIGN_OR_RETURN(ChangeHeader header, HeaderFrom(*decoded));
  // The header must be in canonical form, so one change has one encoding.
  if (json::to_cbor(*decoded) != Bytes(header_bytes.begin(), header_bytes.end()))
    return Status::InvalidArgument("change header is not canonical");
  return header;
}

Result<Change> ParseChange(ByteView sealed) {
  if (IsHusk(sealed)) return ParseHusk(sealed);
  if (sealed.size() > kMaxChangeBytes) return Status::InvalidArgument("change is larger than the limit");
  auto decoded = DecodeCbor(sealed);
  if (!decoded.ok()) return Status::InvalidArgument("not a Caseboard change: " + decoded.status().message());
  json outer = std::move(decoded).value();
  if (!outer.is_array() || outer.size() != 3 || !outer[0].is_binary() || !outer[1].is_binary() ||
      !outer[2].is_binary() || outer[2].get_binary().size() != crypto::kEd25519SignatureSize)
    return Status::InvalidArgument("not a Caseboard change");
  Change c;
  c.header_bytes = outer[0].get_binary();
  c.body = outer[1].get_binary();
  std::copy(outer[2].get_binary().begin(), outer[2].get_binary().end(), c.signature.begin());
  CB_ASSIGN_OR_RETURN(c.header, ParseChangeHeader(c.header_bytes));
  c.sealed.assign(sealed.begin(), sealed.end());
  if (json::to_cbor(outer) != c.sealed) return Status::InvalidArgument("change is not canonically encoded");
  c.hash = crypto::Sha256(sealed);
  return c;
}

Status VerifyChangeSignature(const Change& change, ByteView signing_key) {
  // A husk's own signature is its destroyer's: VerifyHuskSignature.
  if (change.husk) return Status::AuthFailed("a husk carries no signature of its author");
  return crypto::Ed25519Verify(signing_key, SignedMessage(change.header_bytes, change.body),
                               change.signature);
}

Result<std::vector<Op>> OpenChangeOps(const Change& change, const crypto::SecureBytes* key) {
  if (change.husk) {
    if (key == nullptr) return Status::Locked("no key for compartment " + change.header.compartment);
    return OpenHuskOps(change, *key);
  }
  Result<json> ops = Status::InvalidArgument("no ops");
  if (change.header.compartment == kMembership) {
    ops = DecodeCbor(change.body);
  } else {
    if (key == nullptr) return Status::Locked("no key for compartment " + change.header.compartment);
    auto plain = crypto::AeadOpen(*key, change.body, change.header_bytes);
    if (!plain.ok()) return Status::AuthFailed("the change's ciphertext does not open with the review key");
    ops = DecodeCbor(plain->view());
  }
  if (!ops.ok() || !ops->is_array())
    return Status::InvalidArgument("the change's ops are not a list of operations");
  return ops->get<std::vector<Op>>();
}

}  // namespace caseboard::crdt
