// The wire protocol between caseboard-server and its clients (docs/protocol.md):
// constants, request signing and the CBOR bodies. Both ends use this header
// only, so they cannot drift apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/status.h"

namespace caseboard::sync {

inline constexpr int kProtocolVersion = 1;

inline constexpr char kProtocolHeader[] = "X-Caseboard-Protocol";
inline constexpr char kDeviceHeader[] = "X-Caseboard-Device";
inline constexpr char kTimeHeader[] = "X-Caseboard-Time";
inline constexpr char kNonceHeader[] = "X-Caseboard-Nonce";
inline constexpr char kSignatureHeader[] = "X-Caseboard-Signature";
inline constexpr char kCborType[] = "application/cbor";

inline constexpr uint64_t kMaxClockSkewMs = 5 * 60 * 1000;
inline constexpr uint64_t kNonceLifetimeMs = 10 * 60 * 1000;
inline constexpr size_t kMaxBodyBytes = 16 << 20;
inline constexpr size_t kMaxPushChanges = 1000;
inline constexpr size_t kMaxPullChanges = 2000;
inline constexpr int kMaxWaitSeconds = 30;
inline constexpr uint64_t kInviteLifetimeMs = 7ull * 24 * 3600 * 1000;
// Files travel in sealed pieces of at most 1 MiB of content
// (review::Replica::kFileChunkBytes) plus the AEAD's nonce and tag.
inline constexpr size_t kMaxFileChunkBytes = (1 << 20) + 64;
inline constexpr uint32_t kMaxFileChunks = 1 << 16;  // 64 GiB per file
inline constexpr char kOctetType[] = "application/octet-stream";

// What a device signs for a request (docs/protocol.md, "Authenticating requests").
Bytes RequestSigningInput(std::string_view method, std::string_view target, ByteView body, uint64_t time_ms,
                          std::string_view nonce_hex);
// What a device signs to prove it holds its key when enrolling.
Bytes EnrolProofInput(std::string_view token_hex);

// ---- Invites ----
struct Invite {
  std::string url;         // https://host:port
  std::string ca_sha256;   // hex SHA-256 of the CA certificate (DER)
  std::string key_sha256;  // hex SHA-256 of the server's SubjectPublicKeyInfo (DER)
  std::string token;       // hex, one time
};
std::string EncodeInvite(const Invite& invite);  // "cbinvite1:" + base64url(CBOR)
Result<Invite> ParseInvite(std::string_view text);

// ---- Bodies ----
struct ErrorBody {
  std::string error;  // a code from docs/protocol.md
  std::string message;
};

struct EnrolRequest {
  std::string token;
  std::string identity;  // cbdev1:...
  std::string name;
  Bytes proof;  // Ed25519 over EnrolProofInput(token)
};
struct EnrolResponse {
  std::string device;
  uint64_t server_time = 0;
};

struct ReviewInfo {
  std::string id;
  uint64_t head = 0;
};
struct ReviewList {
  std::vector<ReviewInfo> reviews;
  std::vector<std::string> revoked;
};

struct PushRequest {
  std::vector<Bytes> changes;
};
struct PushResult {
  std::string hash;  // hex
  uint64_t seq = 0;  // 0 when refused
  std::string error;
};
struct PushResponse {
  std::vector<PushResult> results;
  uint64_t head = 0;
};

struct PullResponse {
  std::vector<std::pair<uint64_t, Bytes>> changes;
  uint64_t next = 0;
  bool more = false;
};

struct WaitResponse {
  uint64_t head = 0;
};

// GET /v1/reviews/{id}/files/{file}: how many pieces the file has and which
// of them the board holds.
struct FileStatus {
  uint32_t chunks = 0;
  std::vector<uint32_t> have;  // ascending
  bool complete() const { return have.size() == chunks; }
};

Bytes Encode(const ErrorBody& v);
Bytes Encode(const EnrolRequest& v);
Bytes Encode(const EnrolResponse& v);
Bytes Encode(const ReviewList& v);
Bytes Encode(const PushRequest& v);
Bytes Encode(const PushResponse& v);
Bytes Encode(const PullResponse& v);
Bytes Encode(const WaitResponse& v);
Bytes Encode(const FileStatus& v);

// Decoders refuse anything malformed with kInvalidArgument and a message
// that names the field.
Result<ErrorBody> DecodeErrorBody(ByteView b);
Result<EnrolRequest> DecodeEnrolRequest(ByteView b);
Result<EnrolResponse> DecodeEnrolResponse(ByteView b);
Result<ReviewList> DecodeReviewList(ByteView b);
Result<PushRequest> DecodePushRequest(ByteView b);
Result<PushResponse> DecodePushResponse(ByteView b);
Result<PullResponse> DecodePullResponse(ByteView b);
Result<WaitResponse> DecodeWaitResponse(ByteView b);
Result<FileStatus> DecodeFileStatus(ByteView b);

}  // namespace caseboard::sync
