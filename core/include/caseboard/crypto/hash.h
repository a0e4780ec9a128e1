// SHA-256 and HMAC-SHA256, one-shot and streaming.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "caseboard/bytes.h"

namespace caseboard::crypto {

using Digest = std::array<uint8_t, 32>;

Digest Sha256(ByteView data);
Digest HmacSha256(ByteView key, ByteView data);

// Incremental SHA-256 or HMAC-SHA256 over data that arrives in pieces
// (attachments are hashed while they stream, never held whole).
class StreamingHash {
 public:
  static StreamingHash Sha256();
  static StreamingHash Hmac(ByteView key);
  ~StreamingHash();
  StreamingHash(StreamingHash&&) noexcept;
  StreamingHash& operator=(StreamingHash&&) noexcept;

  void Update(ByteView data);
  Digest Final();

 private:
  struct Impl;
  explicit StreamingHash(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Constant-time equality for tags and MACs.
bool ConstantTimeEquals(ByteView a, ByteView b);

}  // namespace caseboard::crypto
