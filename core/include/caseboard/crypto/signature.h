// Ed25519 signatures (RFC 8032), through OpenSSL's EVP_PKEY interface.
#pragma once

#include <array>
#include <cstdint>

#include "caseboard/bytes.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/status.h"

namespace caseboard::crypto {

constexpr size_t kEd25519PublicKeySize = 32;
constexpr size_t kEd25519SeedSize = 32;
constexpr size_t kEd25519SignatureSize = 64;

using Ed25519PublicKey = std::array<uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<uint8_t, kEd25519SignatureSize>;

struct Ed25519KeyPair {
  SecureBytes seed;  // the 32-byte private key of RFC 8032
  Ed25519PublicKey public_key{};
};

// A signing key loaded into OpenSSL once. Signing from a raw seed rebuilds
// OpenSSL's key object on every call, which is most of a signature's cost.
// Move-only; OpenSSL wipes the private key when the object is freed.
class Ed25519Signer {
 public:
  static Result<Ed25519Signer> FromSeed(ByteView seed);
  ~Ed25519Signer();
  Ed25519Signer(Ed25519Signer&& other) noexcept;
  Ed25519Signer& operator=(Ed25519Signer&& other) noexcept;
  Ed25519Signer(const Ed25519Signer&) = delete;
  Ed25519Signer& operator=(const Ed25519Signer&) = delete;

  Result<Ed25519Signature> Sign(ByteView message) const;

 private:
  explicit Ed25519Signer(void* key) : key_(key) {}
  void* key_;  // EVP_PKEY*, kept opaque so this header needs no OpenSSL include
};

Result<Ed25519KeyPair> Ed25519Generate();
Result<Ed25519KeyPair> Ed25519FromSeed(ByteView seed);
Result<Ed25519Signature> Ed25519Sign(const SecureBytes& seed, ByteView message);
// OK if the signature is valid; kAuthFailed otherwise.
Status Ed25519Verify(ByteView public_key, ByteView message, ByteView signature);

}  // namespace caseboard::crypto
