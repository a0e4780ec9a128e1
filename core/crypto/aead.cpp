#include "caseboard/crypto/aead.h"

#include <openssl/evp.h>

#include <limits>
#include <memory>

namespace caseboard::crypto {
namespace {

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

constexpr size_t kMaxMessage = std::numeric_limits<int>::max() - 64;

Status CheckInputs(const SecureBytes& key, ByteView nonce, size_t text_size, size_t aad_size) {
  if (key.size() != kAeadKeySize) return Status::InvalidArgument("AES-256-GCM needs a 32-byte key");
  if (nonce.size() != kAeadNonceSize) return Status::InvalidArgument("AES-256-GCM needs a 12-byte nonce");
  if (text_size > kMaxMessage || aad_size > kMaxMessage)
    return Status::InvalidArgument("message too large to encrypt in one piece");
  return Status::Ok();
}

// Encrypts into `out` (which must have room for plaintext + tag).
Status EncryptInto(const SecureBytes& key, ByteView nonce, ByteView plaintext, ByteView aad, uint8_t* out) {
  CB_RETURN_IF_ERROR(CheckInputs(key, nonce, plaintext.size(), aad.size()));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      (!aad.empty() &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
      (!plaintext.empty() &&
       EVP_EncryptUpdate(ctx.get(), out, &len, plaintext.data(), static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(ctx.get(), out + plaintext.size(), &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kAeadTagSize, out + plaintext.size()) != 1) {
    return Status::Internal("AES-256-GCM encryption failed in OpenSSL");
  }
  return Status::Ok();
}

}  // namespace

Result<Bytes> AeadEncrypt(const SecureBytes& key, ByteView nonce, ByteView plaintext, ByteView aad) {
  Bytes out(plaintext.size() + kAeadTagSize);
  CB_RETURN_IF_ERROR(EncryptInto(key, nonce, plaintext, aad, out.data()));
  return out;
}

Result<SecureBytes> AeadDecrypt(const SecureBytes& key, ByteView nonce, ByteView ciphertext_and_tag,
                                ByteView aad) {
  if (ciphertext_and_tag.size() < kAeadTagSize)
    return Status::AuthFailed("ciphertext is shorter than its authentication tag");
  size_t text_size = ciphertext_and_tag.size() - kAeadTagSize;
  CB_RETURN_IF_ERROR(CheckInputs(key, nonce, text_size, aad.size()));
  SecureBytes out(text_size);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  // The tag is a const input; OpenSSL's ctrl takes a non-const pointer but only reads it.
  auto* tag = const_cast<uint8_t*>(ciphertext_and_tag.data() + text_size);
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce.data()) != 1 ||
      (!aad.empty() &&
       EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
      (text_size != 0 && EVP_DecryptUpdate(ctx.get(), out.data(), &len, ciphertext_and_tag.data(),
                                           static_cast<int>(text_size)) != 1) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kAeadTagSize, tag) != 1) {
    return Status::Internal("AES-256-GCM decryption failed in OpenSSL");
  }
  uint8_t final_block[16];
  if (EVP_DecryptFinal_ex(ctx.get(), final_block, &len) != 1) {
    return Status::AuthFailed("authentication tag does not match: the data was altered or the key is wrong");
  }
  return out;
}

Status AeadSealAppend(const SecureBytes& key, ByteView plaintext, ByteView aad, Bytes& out) {
  size_t start = out.size();
  out.resize(start + kAeadOverhead + plaintext.size());
  std::span<uint8_t> nonce(out.data() + start, kAeadNonceSize);
  RandomFill(nonce);
  Status s = EncryptInto(key, nonce, plaintext, aad, out.data() + start + kAeadNonceSize);
  if (!s.ok()) out.resize(start);
  return s;
}

Result<Bytes> AeadSeal(const SecureBytes& key, ByteView plaintext, ByteView aad) {
  Bytes out;
  CB_RETURN_IF_ERROR(AeadSealAppend(key, plaintext, aad, out));
  return out;
}

Result<SecureBytes> AeadOpen(const SecureBytes& key, ByteView sealed, ByteView aad) {
  if (sealed.size() < kAeadOverhead) return Status::AuthFailed("sealed data is truncated");
  return AeadDecrypt(key, sealed.first(kAeadNonceSize), sealed.subspan(kAeadNonceSize), aad);
}

}  // namespace caseboard::crypto
