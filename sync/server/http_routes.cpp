#include "http_routes.h"

#include <algorithm>
#include <map>
#include <vector>

namespace caseboard::server {

namespace {

using Query = std::map<std::string, std::string>;

std::string QueryOf(const std::string& target) {
  size_t q = target.find('?');
  return q == std::string::npos ? std::string() : target.substr(q + 1);
}

Query ParseQuery(const std::string& query) {
  Query out;
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t end = std::min(query.find('&', start), query.size());
    std::string part = query.substr(start, end - start);
    size_t eq = part.find('=');
    if (!part.empty()) out[part.substr(0, eq)] = eq == std::string::npos ? "" : part.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

// A number from the query; `fallback` if absent; nullopt if malformed.
std::optional<uint64_t> QueryNumber(const Query& q, const char* key, uint64_t fallback) {
  auto it = q.find(key);
  if (it == q.end()) return fallback;
  const std::string& s = it->second;
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(s);
}

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = std::min(path.find('/', start), path.size());
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

HttpResponse Cbor(Bytes body, const std::string& device) {
  HttpResponse r;
  r.body = std::move(body);
  r.device = device;
  return r;
}

template <typename T>
HttpResponse Reply(ApiResult<T> result, const std::string& device) {
  if (!result.ok()) return Router::Error(result.error(), device);
  return Cbor(sync::Encode(*result), device);
}

}  // namespace

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

HttpResponse Router::Error(const ApiError& error, const std::string& device) {
  HttpResponse r;
  r.status = error.http_status;
  r.body = sync::Encode(sync::ErrorBody{error.code, error.message});
  r.device = device;
  r.error = error.code;
  r.detail = error.detail;
  return r;
}

std::variant<HttpResponse, WaitRequest> Router::Handle(const HttpRequest& request) {
  const std::string path = PathOf(request.target);
  const std::vector<std::string> seg = Segments(path);
  const bool get = request.method == "GET", post = request.method == "POST";

  // The CA certificate is public, and a client fetches it before it knows
  // anything else about the board: the protocol header may be missing there.
  bool ca = get && path == "/v1/ca";
  if (request.protocol ? *request.protocol != std::to_string(sync::kProtocolVersion) : !ca)
    return Error(ApiError::Protocol(
        "this board speaks protocol version " + std::to_string(sync::kProtocolVersion) +
        (request.protocol ? "; the request asked for another" : "; the request named none")));
  if (ca) {
    HttpResponse r;
    r.content_type = "text/plain";
    r.body.assign(ca_pem_.begin(), ca_pem_.end());
    return r;
  }
  if (post && path == "/v1/enrol") {
    auto decoded = sync::DecodeEnrolRequest(request.body);
    if (!decoded.ok()) return Error(ApiError::BadRequest(decoded.status().message()));
    auto enrolled = board_.Enrol(*decoded);
    return Reply(std::move(enrolled), enrolled.ok() ? enrolled->device : std::string());
  }

  enum class Route {
    kNone,
    kList,
    kPush,
    kPull,
    kWait,
    kFileStatus,
    kFilePut,
    kFileGet
  } route = Route::kNone;
  const bool reviews = seg.size() >= 4 && seg[0] == "v1" && seg[1] == "reviews";
  if (seg.size() == 2 && seg[0] == "v1" && seg[1] == "reviews" && get) route = Route::kList;
  if (reviews && seg.size() == 4) {
    if (seg[3] == "changes" && post) route = Route::kPush;
    if (seg[3] == "changes" && get) route = Route::kPull;
    if (seg[3] == "wait" && get) route = Route::kWait;
  }
  if (reviews && seg.size() == 5 && seg[3] == "files" && get) route = Route::kFileStatus;
  if (reviews && seg.size() == 6 && seg[3] == "files")
    route = post ? Route::kFilePut : get ? Route::kFileGet : route;
  if (route == Route::kNone)
    return Error(ApiError::NotFound("no such endpoint: " + request.method + " " + path));

  auto device =
      board_.Authenticate(SignedRequest{request.method, request.target, request.body, request.device,
                                        request.time, request.nonce, request.signature});
  if (!device.ok()) return Error(device.error());
  if (uint64_t wait = limiter_.Take(*device, board_.NowMs())) {
    HttpResponse r = Error(ApiError::RateLimited("too many requests from this device; slow down"), *device);
    r.retry_after = wait;
    return r;
  }

  const Query query = ParseQuery(QueryOf(request.target));
  switch (route) {
    case Route::kList:
      return Reply(board_.ListReviews(*device), *device);
    case Route::kPush: {
      auto decoded = sync::DecodePushRequest(request.body);
      if (!decoded.ok()) return Error(ApiError::BadRequest(decoded.status().message()), *device);
      return Reply(board_.Push(*device, seg[2], *decoded), *device);
    }
    case Route::kPull: {
      auto after = QueryNumber(query, "after", 0);
      auto limit = QueryNumber(query, "limit", sync::kMaxPullChanges);
      if (!after || !limit)
        return Error(ApiError::BadRequest("after and limit must be whole numbers"), *device);
      return Reply(board_.Pull(*device, seg[2], *after, *limit), *device);
    }
    case Route::kWait: {
      auto after = QueryNumber(query, "after", 0);
      auto timeout = QueryNumber(query, "timeout", sync::kMaxWaitSeconds);
      if (!after || !timeout)
        return Error(ApiError::BadRequest("after and timeout must be whole numbers"), *device);
      return WaitRequest{*device, seg[2], *after,
                         static_cast<int>(std::min<uint64_t>(*timeout, sync::kMaxWaitSeconds))};
    }
    case Route::kFileStatus:
      return Reply(board_.FileStatus(*device, seg[2], seg[4]), *device);
    case Route::kFilePut:
    case Route::kFileGet: {
      auto index = QueryNumber({{"i", seg[5]}}, "i", 0);
      auto chunks = QueryNumber(query, "chunks", 0);
      if (!index || !chunks)
        return Error(ApiError::BadRequest("a piece's index and count are whole numbers"), *device);
      if (route == Route::kFilePut)
        return Reply(board_.PutFileChunk(*device, seg[2], seg[4], *chunks, *index, request.body), *device);
      auto piece = board_.ReadFileChunk(*device, seg[2], seg[4], *index);
      if (!piece.ok()) return Error(piece.error(), *device);
      HttpResponse r = Cbor(std::move(*piece), *device);
      r.content_type = sync::kOctetType;
      return r;
    }
    case Route::kNone:
      break;
  }
  return Error(ApiError::NotFound("no such endpoint"), *device);
}

HttpResponse Router::FinishWait(const WaitRequest& wait) {
  auto active = board_.CheckDevice(wait.device);
  if (!active.ok()) return Error(active.error(), wait.device);
  auto head = board_.Head(wait.device, wait.review);
  if (!head.ok()) return Error(head.error(), wait.device);
  return Cbor(sync::Encode(sync::WaitResponse{*head}), wait.device);
}

}  // namespace caseboard::server
