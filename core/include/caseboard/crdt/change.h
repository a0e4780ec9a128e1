// A Change: the unit of editing, signing, storage and sync.
//
//   sealed = CBOR [header, body, signature]
//   header = canonical CBOR {review, author, seq, hlc, deps, compartment, epoch}
//   body   = AES-256-GCM(review key for compartment+epoch, CBOR ops, aad = header)
//            or, for the membership compartment, the CBOR ops in the clear so
//            that the server can enforce membership without content keys
//   signature = Ed25519(author device, "caseboard/change/v1" || header || body)
//   hash   = SHA-256(sealed)
//
// A change is sealed once; the same bytes are stored, sent and verified
// everywhere. Its deps name the hashes of the heads its author had seen, so the
// changes form a hash graph in which altered, reordered or missing history
// shows up as a hash that does not match or a dependency that never arrives.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/clock/hlc.h"
#include "caseboard/crdt/document.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/crypto/signature.h"
#include "caseboard/status.h"

namespace caseboard::crdt {

using Hash = std::array<uint8_t, 32>;
inline constexpr char kMembership[] = "membership";
inline constexpr size_t kMaxChangeBytes = 8 << 20;
inline constexpr size_t kMaxDeps = 256;

struct ChangeHeader {
  std::string review;
  std::string author;  // device id
  uint64_t seq = 0;    // 1, 2, 3, ... per author within a review
  clock::Hlc hlc;
  std::vector<Hash> deps;
  std::string compartment;
  uint32_t epoch = 0;
};

struct Change {
  ChangeHeader header;
  Bytes header_bytes;
  Bytes body;
  crypto::Ed25519Signature signature{};
  Bytes sealed;
  Hash hash{};
  // A husk (husk.h) stands in for a change whose content was destroyed:
  // `hash` is then the original change's hash, `body` the sealed residue,
  // `destroy` the hash of the destruction record that allowed it.
  bool husk = false;
  Hash destroy{};

  std::string HashHex() const { return ToHex(hash); }
};

using Signer = std::function<Result<crypto::Ed25519Signature>(ByteView message)>;

// Encodes the ops, encrypts them under `key` (nullptr for membership changes)
// and signs the result.
Result<Change> SealChange(const ChangeHeader& header, const std::vector<Op>& ops,
                          const crypto::SecureBytes* key, const Signer& sign);

// Parses the structure of sealed bytes; checks nothing cryptographic.
Result<Change> ParseChange(ByteView sealed);
// Parses a change's header bytes, which must be in canonical form.
Result<ChangeHeader> ParseChangeHeader(ByteView header_bytes);

Status VerifyChangeSignature(const Change& change, ByteView signing_key);

// Decrypts (or, for membership, decodes) the ops of a verified change. For a
// husk, the residue: the original ops with destroyed ones replaced by null.
Result<std::vector<Op>> OpenChangeOps(const Change& change, const crypto::SecureBytes* key);

}  // namespace caseboard::crdt
