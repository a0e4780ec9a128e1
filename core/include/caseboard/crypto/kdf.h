// Key derivation: scrypt for passphrases, HKDF-SHA256 for everything else.
#pragma once

#include <cstdint>
#include <string>

#include "caseboard/bytes.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/status.h"

namespace caseboard::crypto {

struct ScryptParams {
  uint64_t n = 1u << 17;  // CPU/memory cost, a power of two; memory is 128 * n * r bytes
  uint32_t r = 8;
  uint32_t p = 1;

  // The cost a new vault gets: about half a second and 128 MiB on a 2-core
  // laptop-class machine (measured by tools/bench/vault_bench --unlock).
  static ScryptParams Default() { return {}; }
  // Cheap parameters for tests only; never for a real vault.
  static ScryptParams ForTests() { return {1u << 10, 8, 1}; }

  // Rejects parameters that are not a power of two, too weak to be meant, or
  // so large they would exhaust memory on a phone.
  Status Validate() const;
  uint64_t MemoryBytes() const { return 128ull * n * r; }
};

Result<SecureBytes> Scrypt(ByteView passphrase, ByteView salt, const ScryptParams& params, size_t out_len);

// Scrypt with no parameter floor, for RFC 7914 test vectors.
Result<SecureBytes> ScryptUnchecked(ByteView passphrase, ByteView salt, const ScryptParams& params,
                                    size_t out_len);

Result<SecureBytes> Hkdf(ByteView ikm, ByteView salt, ByteView info, size_t out_len);

}  // namespace caseboard::crypto
