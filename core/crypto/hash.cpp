#include "caseboard/crypto/hash.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdlib>

namespace caseboard::crypto {

struct StreamingHash::Impl {
  EVP_MD_CTX* md = nullptr;    // plain SHA-256
  EVP_MAC_CTX* mac = nullptr;  // HMAC-SHA256
  ~Impl() {
    EVP_MD_CTX_free(md);
    EVP_MAC_CTX_free(mac);
  }
};

StreamingHash::StreamingHash(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamingHash::~StreamingHash() = default;
StreamingHash::StreamingHash(StreamingHash&&) noexcept = default;
StreamingHash& StreamingHash::operator=(StreamingHash&&) noexcept = default;

// Hash failures here can only mean memory exhaustion or a broken OpenSSL
// install; both are unrecoverable, so they abort rather than return garbage.
static void Check(int ok) {
  if (ok != 1) std::abort();
}

StreamingHash StreamingHash::Sha256() {
  auto impl = std::make_unique<Impl>();
  impl->md = EVP_MD_CTX_new();
  if (impl->md == nullptr) std::abort();
  Check(EVP_DigestInit_ex(impl->md, EVP_sha256(), nullptr));
  return StreamingHash(std::move(impl));
}

StreamingHash StreamingHash::Hmac(ByteView key) {
  auto impl = std::make_unique<Impl>();
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) std::abort();
  impl->mac = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  if (impl->mac == nullptr) std::abort();
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  static const uint8_t kEmpty = 0;
  Check(EVP_MAC_init(impl->mac, key.empty() ? &kEmpty : key.data(), key.size(), params));
  return StreamingHash(std::move(impl));
}

void StreamingHash::Update(ByteView data) {
  if (data.empty()) return;
  if (impl_->md != nullptr) {
    Check(EVP_DigestUpdate(impl_->md, data.data(), data.size()));
  } else {
    Check(EVP_MAC_update(impl_->mac, data.data(), data.size()));
  }
}

Digest StreamingHash::Final() {
  Digest out{};
  if (impl_->md != nullptr) {
    unsigned int len = 0;
    Check(EVP_DigestFinal_ex(impl_->md, out.data(), &len));
  } else {
    size_t len = 0;
    Check(EVP_MAC_final(impl_->mac, out.data(), &len, out.size()));
  }
  return out;
}

Digest Sha256(ByteView data) {
  Digest out{};
  unsigned int len = 0;
  Check(EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr));
  return out;
}

Digest HmacSha256(ByteView key, ByteView data) {
  auto h = StreamingHash::Hmac(key);
  h.Update(data);
  return h.Final();
}

bool ConstantTimeEquals(ByteView a, ByteView b) {
  return a.size() == b.size() && (a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace caseboard::crypto
