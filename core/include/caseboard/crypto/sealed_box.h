// X25519 key agreement (RFC 7748) and sealing a message to a recipient's
// X25519 public key, used to hand a review's content keys to another device.
//
// Seal: an ephemeral X25519 key pair, shared = X25519(eph, recipient),
// key = HKDF-SHA256(shared, salt = eph_pub || recipient_pub, info), then
// AES-256-GCM. Output: eph_pub (32) || nonce (12) || ciphertext || tag (16).
// Binding both public keys into the HKDF salt means a box cannot be replayed
// to another recipient or re-wrapped under a different ephemeral key.
#pragma once

#include <array>
#include <cstdint>

#include "caseboard/bytes.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/status.h"

namespace caseboard::crypto {

constexpr size_t kX25519KeySize = 32;
using X25519PublicKey = std::array<uint8_t, kX25519KeySize>;

struct X25519KeyPair {
  SecureBytes private_key;
  X25519PublicKey public_key{};
};

Result<X25519KeyPair> X25519Generate();
Result<X25519KeyPair> X25519FromPrivate(ByteView private_key);
// The raw shared secret. A peer key that yields the all-zero secret (a
// small-order point) is rejected with kInvalidArgument.
Result<SecureBytes> X25519(const SecureBytes& private_key, ByteView peer_public_key);

Result<Bytes> SealTo(ByteView recipient_public_key, ByteView plaintext, ByteView aad);
Result<SecureBytes> OpenSealed(const X25519KeyPair& recipient, ByteView sealed, ByteView aad);

}  // namespace caseboard::crypto
