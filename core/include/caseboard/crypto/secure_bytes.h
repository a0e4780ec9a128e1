// SecureBytes: a buffer for key material and decrypted plaintext.
//
// It wipes itself with OPENSSL_cleanse when destroyed or cleared, and it is
// move-only: a copy of a key must be asked for by name (Clone), so secrets are
// not duplicated across the heap by an innocent pass-by-value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "caseboard/bytes.h"

namespace caseboard::crypto {

class SecureBytes {
 public:
  SecureBytes() = default;
  explicit SecureBytes(size_t size);  // zero-filled
  SecureBytes(const uint8_t* data, size_t size);
  explicit SecureBytes(ByteView bytes) : SecureBytes(bytes.data(), bytes.size()) {}
  ~SecureBytes();

  SecureBytes(const SecureBytes&) = delete;
  SecureBytes& operator=(const SecureBytes&) = delete;
  SecureBytes(SecureBytes&& other) noexcept;
  SecureBytes& operator=(SecureBytes&& other) noexcept;

  // Random bytes from the OpenSSL CSPRNG. Aborts if the CSPRNG fails: there is
  // no safe way to continue without randomness.
  static SecureBytes Random(size_t size);

  SecureBytes Clone() const { return SecureBytes(data_, size_); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data_, size_}; }
  std::span<uint8_t> span() { return {data_, size_}; }
  std::string_view str() const { return {reinterpret_cast<const char*>(data_), size_}; }

  // Wipes and releases the buffer.
  void Clear();

  // Constant-time comparison.
  bool Equals(ByteView other) const;

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Fills `out` from the OpenSSL CSPRNG; aborts on failure (see SecureBytes::Random).
void RandomFill(std::span<uint8_t> out);

// Overwrites memory that held a secret (a typed passphrase, decrypted text)
// in a way the compiler cannot optimise away.
void Wipe(void* data, size_t size);
Bytes RandomBytes(size_t size);

}  // namespace caseboard::crypto
