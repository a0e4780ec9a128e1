#include "caseboard/crypto/secure_bytes.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace caseboard::crypto {

SecureBytes::SecureBytes(size_t size) : size_(size) {
  if (size_ == 0) return;
  data_ = static_cast<uint8_t*>(OPENSSL_zalloc(size_));
  if (data_ == nullptr) std::abort();
}

SecureBytes::SecureBytes(const uint8_t* data, size_t size) : SecureBytes(size) {
  if (size_ != 0) std::memcpy(data_, data, size_);
}

SecureBytes::~SecureBytes() { Clear(); }

SecureBytes::SecureBytes(SecureBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecureBytes& SecureBytes::operator=(SecureBytes&& other) noexcept {
  if (this != &other) {
    Clear();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void SecureBytes::Clear() {
  if (data_ != nullptr) OPENSSL_clear_free(data_, size_);  // cleanses, then frees
  data_ = nullptr;
  size_ = 0;
}

bool SecureBytes::Equals(ByteView other) const {
  return other.size() == size_ && (size_ == 0 || CRYPTO_memcmp(data_, other.data(), size_) == 0);
}

SecureBytes SecureBytes::Random(size_t size) {
  SecureBytes out(size);
  RandomFill(out.span());
  return out;
}

void RandomFill(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    // Continuing without randomness would mean reused nonces and guessable
    // keys; stopping is the only safe answer.
    std::fputs("caseboard: the system random number generator failed\n", stderr);
    std::abort();
  }
}

Bytes RandomBytes(size_t size) {
  Bytes out(size);
  RandomFill(out);
  return out;
}

void Wipe(void* data, size_t size) {
  if (data != nullptr && size != 0) OPENSSL_cleanse(data, size);
}

}  // namespace caseboard::crypto
