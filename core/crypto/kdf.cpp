#include "caseboard/crypto/kdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <vector>

namespace caseboard::crypto {
namespace {

// OpenSSL wants a non-null pointer even for a zero-length octet string.
void* OctetPtr(ByteView b) {
  static uint8_t empty = 0;
  return b.empty() ? &empty : const_cast<uint8_t*>(b.data());
}

Result<SecureBytes> Derive(const char* algorithm, std::vector<OSSL_PARAM> params, size_t out_len) {
  params.push_back(OSSL_PARAM_construct_end());
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, algorithm, nullptr);
  if (kdf == nullptr) return Status::Internal(std::string("OpenSSL has no ") + algorithm);
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (ctx == nullptr) return Status::Internal("out of memory creating a KDF context");
  SecureBytes out(out_len);
  int ok = EVP_KDF_derive(ctx, out.data(), out.size(), params.data());
  EVP_KDF_CTX_free(ctx);
  if (ok != 1) return Status::Internal(std::string(algorithm) + " derivation failed (out of memory?)");
  return out;
}

}  // namespace

Status ScryptParams::Validate() const {
  if (n < 2 || (n & (n - 1)) != 0) return Status::InvalidArgument("scrypt N must be a power of two");
  if (r == 0 || p == 0) return Status::InvalidArgument("scrypt r and p must be at least 1");
  if (n < (1u << 10)) return Status::InvalidArgument("scrypt N below 1024 is too weak for a passphrase");
  if (MemoryBytes() > (2ull << 30))
    return Status::InvalidArgument("scrypt parameters need more than 2 GiB of memory");
  if (p > 16) return Status::InvalidArgument("scrypt p above 16 is not supported");
  return Status::Ok();
}

Result<SecureBytes> ScryptUnchecked(ByteView passphrase, ByteView salt, const ScryptParams& params,
                                    size_t out_len) {
  uint64_t n = params.n;
  uint32_t r = params.r, p = params.p;
  uint64_t maxmem = params.MemoryBytes() * params.p + (64ull << 20);
  return Derive(
      "SCRYPT",
      {OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, OctetPtr(passphrase), passphrase.size()),
       OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, OctetPtr(salt), salt.size()),
       OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
       OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
       OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
       OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem)},
      out_len);
}

Result<SecureBytes> Scrypt(ByteView passphrase, ByteView salt, const ScryptParams& params, size_t out_len) {
  CB_RETURN_IF_ERROR(params.Validate());
  return ScryptUnchecked(passphrase, salt, params, out_len);
}

Result<SecureBytes> Hkdf(ByteView ikm, ByteView salt, ByteView info, size_t out_len) {
  char digest[] = "SHA256";
  std::vector<OSSL_PARAM> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, OctetPtr(ikm), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, OctetPtr(info), info.size())};
  // RFC 5869: an absent salt means HashLen zero bytes, which is what OpenSSL does when none is set.
  if (!salt.empty())
    params.push_back(OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, OctetPtr(salt), salt.size()));
  if (out_len == 0 || out_len > 255 * 32) return Status::InvalidArgument("HKDF output length out of range");
  return Derive("HKDF", std::move(params), out_len);
}

}  // namespace caseboard::crypto
