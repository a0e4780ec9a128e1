#include "caseboard/sync/wire.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "caseboard/crdt/cbor.h"
#include "caseboard/crypto/hash.h"

namespace caseboard::sync {

using nlohmann::json;

Bytes RequestSigningInput(std::string_view method, std::string_view target, ByteView body, uint64_t time_ms,
                          std::string_view nonce_hex) {
  std::string s = "caseboard/request/v1\n";
  s.append(method).append("\n").append(target).append("\n");
  s += ToHex(crypto::Sha256(body));
  s.append("\n").append(std::to_string(time_ms)).append("\n").append(nonce_hex);
  return Bytes(s.begin(), s.end());
}

Bytes EnrolProofInput(std::string_view token_hex) {
  std::string s = "caseboard/enrol/v1";
  s.append(token_hex);
  return Bytes(s.begin(), s.end());
}

// ---- base64url (no padding), for invites people paste ----

static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static std::string Base64Url(ByteView in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
    for (int k = 18; k >= 0; k -= 6) out.push_back(kB64[(v >> k) & 63]);
  }
  if (size_t rest = in.size() - i) {
    uint32_t v = in[i] << 16 | (rest > 1 ? in[i + 1] << 8 : 0);
    out.push_back(kB64[(v >> 18) & 63]);
    out.push_back(kB64[(v >> 12) & 63]);
    if (rest > 1) out.push_back(kB64[(v >> 6) & 63]);
  }
  return out;
}

static std::optional<Bytes> FromBase64Url(std::string_view in) {
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = c ? std::strchr(kB64, c) : nullptr;
    if (!p) return std::nullopt;
    acc = acc << 6 | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  return out;
}

static constexpr char kInvitePrefix[] = "cbinvite1:";

std::string EncodeInvite(const Invite& v) {
  json j = {{"url", v.url}, {"ca_sha256", v.ca_sha256}, {"key_sha256", v.key_sha256}, {"token", v.token}};
  return kInvitePrefix + Base64Url(json::to_cbor(j));
}

// ---- Decoding helpers ----

namespace {

Status Bad(const std::string& what) { return Status::InvalidArgument("malformed message: " + what); }

Result<json> Parse(ByteView b) {
  auto j = crdt::DecodeCbor(b);
  if (!j.ok() || !j->is_object()) return Bad("not a CBOR map");
  return std::move(j).value();
}

bool GetString(const json& j, const char* key, std::string* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool GetU64(const json& j, const char* key, uint64_t* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

bool GetBytes(const json& j, const char* key, Bytes* out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_binary()) return false;
  *out = it->get_binary();
  return true;
}

bool IsHex(const std::string& s, size_t len) {
  return s.size() == len && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

Result<Invite> ParseInvite(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r'))
    text.remove_suffix(1);
  if (text.substr(0, sizeof(kInvitePrefix) - 1) != kInvitePrefix)
    return Status::InvalidArgument("not a Caseboard invite (it should start with " +
                                   std::string(kInvitePrefix) + ")");
  auto bytes = FromBase64Url(text.substr(sizeof(kInvitePrefix) - 1));
  if (!bytes) return Status::InvalidArgument("the invite is damaged (not base64url); copy it again");
  auto j = crdt::DecodeCbor(*bytes);
  Invite v;
  if (!j.ok() || !j->is_object() || !GetString(*j, "url", &v.url) ||
      !GetString(*j, "ca_sha256", &v.ca_sha256) || !GetString(*j, "key_sha256", &v.key_sha256) ||
      !GetString(*j, "token", &v.token))
    return Status::InvalidArgument("the invite is damaged; copy it again");
  if (v.url.rfind("https://", 0) != 0)
    return Status::InvalidArgument("the invite's server address is not https");
  if (!IsHex(v.ca_sha256, 64) || !IsHex(v.key_sha256, 64) || !IsHex(v.token, 64))
    return Status::InvalidArgument("the invite is damaged; copy it again");
  return v;
}

// ---- Bodies ----

Bytes Encode(const ErrorBody& v) { return json::to_cbor(json{{"error", v.error}, {"message", v.message}}); }

Result<ErrorBody> DecodeErrorBody(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  ErrorBody v;
  if (!GetString(j, "error", &v.error) || !GetString(j, "message", &v.message)) return Bad("error body");
  return v;
}

Bytes Encode(const EnrolRequest& v) {
  return json::to_cbor(json{
      {"token", v.token}, {"identity", v.identity}, {"name", v.name}, {"proof", json::binary_t(v.proof)}});
}

Result<EnrolRequest> DecodeEnrolRequest(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  EnrolRequest v;
  if (!GetString(j, "token", &v.token) || !GetString(j, "identity", &v.identity) ||
      !GetString(j, "name", &v.name) || !GetBytes(j, "proof", &v.proof))
    return Bad("enrol request needs token, identity, name and proof");
  return v;
}

Bytes Encode(const EnrolResponse& v) {
  return json::to_cbor(json{{"device", v.device}, {"server_time", v.server_time}});
}

Result<EnrolResponse> DecodeEnrolResponse(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  EnrolResponse v;
  if (!GetString(j, "device", &v.device) || !GetU64(j, "server_time", &v.server_time))
    return Bad("enrol response");
  return v;
}

Bytes Encode(const ReviewList& v) {
  json reviews = json::array();
  for (const auto& r : v.reviews) reviews.push_back({{"id", r.id}, {"head", r.head}});
  return json::to_cbor(json{{"reviews", reviews}, {"revoked", v.revoked}});
}

Result<ReviewList> DecodeReviewList(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  ReviewList v;
  auto reviews = j.find("reviews");
  auto revoked = j.find("revoked");
  if (reviews == j.end() || !reviews->is_array() || revoked == j.end() || !revoked->is_array())
    return Bad("review list");
  for (const auto& r : *reviews) {
    ReviewInfo info;
    if (!r.is_object() || !GetString(r, "id", &info.id) || !GetU64(r, "head", &info.head))
      return Bad("review list entry");
    v.reviews.push_back(std::move(info));
  }
  for (const auto& d : *revoked) {
    if (!d.is_string()) return Bad("revoked device");
    v.revoked.push_back(d.get<std::string>());
  }
  return v;
}

Bytes Encode(const PushRequest& v) {
  json changes = json::array();
  for (const auto& c : v.changes) changes.push_back(json::binary_t(c));
  return json::to_cbor(json{{"changes", changes}});
}

Result<PushRequest> DecodePushRequest(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  auto changes = j.find("changes");
  if (changes == j.end() || !changes->is_array()) return Bad("push needs changes");
  if (changes->size() > kMaxPushChanges)
    return Bad("at most " + std::to_string(kMaxPushChanges) + " changes per push");
  PushRequest v;
  for (auto& c : *changes) {
    if (!c.is_binary()) return Bad("a change must be bytes");
    v.changes.push_back(std::move(c.get_binary()));
  }
  return v;
}

Bytes Encode(const PushResponse& v) {
  json results = json::array();
  for (const auto& r : v.results) {
    json e = {{"hash", r.hash}};
    if (r.error.empty())
      e["seq"] = r.seq;
    else
      e["error"] = r.error;
    results.push_back(std::move(e));
  }
  return json::to_cbor(json{{"results", results}, {"head", v.head}});
}

Result<PushResponse> DecodePushResponse(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  PushResponse v;
  auto results = j.find("results");
  if (results == j.end() || !results->is_array() || !GetU64(j, "head", &v.head)) return Bad("push response");
  for (const auto& r : *results) {
    PushResult pr;
    if (!r.is_object() || !GetString(r, "hash", &pr.hash)) return Bad("push result");
    if (!GetU64(r, "seq", &pr.seq) && !GetString(r, "error", &pr.error)) return Bad("push result");
    v.results.push_back(std::move(pr));
  }
  return v;
}

Bytes Encode(const PullResponse& v) {
  json changes = json::array();
  for (const auto& [seq, c] : v.changes) changes.push_back(json::array({seq, json::binary_t(c)}));
  return json::to_cbor(json{{"changes", changes}, {"next", v.next}, {"more", v.more}});
}

Result<PullResponse> DecodePullResponse(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  PullResponse v;
  auto changes = j.find("changes");
  auto more = j.find("more");
  if (changes == j.end() || !changes->is_array() || !GetU64(j, "next", &v.next) || more == j.end() ||
      !more->is_boolean())
    return Bad("pull response");
  v.more = more->get<bool>();
  for (auto& c : *changes) {
    if (!c.is_array() || c.size() != 2 || !c[0].is_number_unsigned() || !c[1].is_binary())
      return Bad("pulled change");
    v.changes.emplace_back(c[0].get<uint64_t>(), std::move(c[1].get_binary()));
  }
  return v;
}

Bytes Encode(const WaitResponse& v) { return json::to_cbor(json{{"head", v.head}}); }

Result<WaitResponse> DecodeWaitResponse(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  WaitResponse v;
  if (!GetU64(j, "head", &v.head)) return Bad("wait response");
  return v;
}

Bytes Encode(const FileStatus& v) { return json::to_cbor(json{{"chunks", v.chunks}, {"have", v.have}}); }

Result<FileStatus> DecodeFileStatus(ByteView b) {
  CB_ASSIGN_OR_RETURN(json j, Parse(b));
  FileStatus v;
  uint64_t chunks = 0;
  auto have = j.find("have");
  if (!GetU64(j, "chunks", &chunks) || chunks == 0 || chunks > kMaxFileChunks || have == j.end() ||
      !have->is_array() || have->size() > chunks)
    return Bad("file status");
  v.chunks = static_cast<uint32_t>(chunks);
  for (const auto& i : *have) {
    if (!i.is_number_unsigned() || i.get<uint64_t>() >= chunks ||
        (!v.have.empty() && i.get<uint64_t>() <= v.have.back()))
      return Bad("file status piece");
    v.have.push_back(i.get<uint32_t>());
  }
  return v;
}

}  // namespace caseboard::sync
