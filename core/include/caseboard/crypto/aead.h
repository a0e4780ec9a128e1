// AES-256-GCM authenticated encryption (OpenSSL EVP).
//
// Seal/Open are what the rest of Caseboard uses: a fresh random 96-bit nonce
// per message, carried in front of the ciphertext, and associated data that
// binds the ciphertext to where it belongs (a record's key, a change header).
// With random nonces one key must not seal more than 2^32 messages; every
// key in Caseboard is derived per review or per vault and stays far below that.
#pragma once

#include "caseboard/bytes.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/status.h"

namespace caseboard::crypto {

constexpr size_t kAeadKeySize = 32;
constexpr size_t kAeadNonceSize = 12;
constexpr size_t kAeadTagSize = 16;
constexpr size_t kAeadOverhead = kAeadNonceSize + kAeadTagSize;

// Returns nonce || ciphertext || tag.
Result<Bytes> AeadSeal(const SecureBytes& key, ByteView plaintext, ByteView aad);
// Appends nonce || ciphertext || tag to `out` (avoids a copy in hot paths).
Status AeadSealAppend(const SecureBytes& key, ByteView plaintext, ByteView aad, Bytes& out);

// Opens nonce || ciphertext || tag. A failed tag check is kAuthFailed and no
// plaintext is returned.
Result<SecureBytes> AeadOpen(const SecureBytes& key, ByteView sealed, ByteView aad);

// The raw primitive with a caller-chosen nonce, for known-answer tests and
// protocols that derive nonces themselves. Never reuse a nonce under a key.
Result<Bytes> AeadEncrypt(const SecureBytes& key, ByteView nonce, ByteView plaintext,
                          ByteView aad);  // ciphertext || tag
Result<SecureBytes> AeadDecrypt(const SecureBytes& key, ByteView nonce, ByteView ciphertext_and_tag,
                                ByteView aad);

}  // namespace caseboard::crypto
