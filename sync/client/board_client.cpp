#include "caseboard/sync/board_client.h"

#include <algorithm>
#include <thread>

#include "caseboard/crypto/secure_bytes.h"

namespace caseboard::sync {

namespace {

uint64_t SystemNowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// Review ids go into paths: only the form ReviewIdFor makes is allowed there.
Status CheckReviewId(const std::string& review) {
  if (review.size() != 32 || review.find_first_not_of("0123456789abcdef") != std::string::npos)
    return Status::InvalidArgument("'" + review + "' is not a review id (32 lowercase hex digits)");
  return Status::Ok();
}

// Lets go of the vault gate (if any) for its lifetime: the opposite of
// VaultGateHold, around the time spent waiting on the board.
class GateLetGo {
 public:
  explicit GateLetGo(VaultGate* gate) : gate_(gate) {
    if (gate_) gate_->Release();
  }
  ~GateLetGo() {
    if (gate_) gate_->Acquire();
  }
  GateLetGo(const GateLetGo&) = delete;
  GateLetGo& operator=(const GateLetGo&) = delete;

 private:
  VaultGate* gate_;
};

// One exchange with the board, the vault let go of meanwhile.
Result<HttpResponse> SendOffVault(HttpClient& http, const HttpRequest& request, VaultGate* gate) {
  GateLetGo off(gate);
  return http.Send(request);
}

bool Retryable(int http_status, bool retry_conflict) {
  return http_status >= 500 || http_status == 429 || (retry_conflict && http_status == 409);
}

}  // namespace

uint64_t ClockMs(const BoardClientOptions& options) {
  return options.now_ms ? options.now_ms() : SystemNowMs();
}

Result<std::vector<std::pair<std::string, std::string>>> SignRequest(const DeviceSigner& signer,
                                                                     const std::string& device,
                                                                     const HttpRequest& request,
                                                                     uint64_t time_ms,
                                                                     const std::string& nonce_hex) {
  if (!signer) return Status::InvalidArgument("this board client has no device key to sign with");
  Bytes input = RequestSigningInput(request.method, request.target, request.body, time_ms, nonce_hex);
  CB_ASSIGN_OR_RETURN(crypto::Ed25519Signature sig, signer(input));
  return std::vector<std::pair<std::string, std::string>>{{kDeviceHeader, device},
                                                          {kTimeHeader, std::to_string(time_ms)},
                                                          {kNonceHeader, nonce_hex},
                                                          {kSignatureHeader, ToHex(sig)}};
}

Result<PemCertificate> FetchBoardCa(const BoardTrust& trust, const std::string& ca_sha256,
                                    const BoardClientOptions& options) {
  CB_ASSIGN_OR_RETURN(auto http, HttpClient::BootstrapTrust(trust, options.http));
  // One try only: nothing has been trusted yet, and join is run by a person who can run it again.
  HttpRequest req;
  req.target = "/v1/ca";
  CB_ASSIGN_OR_RETURN(HttpResponse resp, SendOffVault(*http, req, options.vault_gate));
  CB_RETURN_IF_ERROR(ErrorFromResponse(resp));
  CB_ASSIGN_OR_RETURN(PemCertificate ca, ParseCertificatePem(AsString(resp.body)));
  if (ca.sha256_hex != ca_sha256)
    return Status::AuthFailed("the board at " + trust.url +
                              " sent a CA certificate that is not the one the invite names "
                              "(another board, or someone in between); nothing was sent to it");
  return ca;
}

BoardClient::BoardClient(std::string device, DeviceSigner signer, BoardClientOptions options,
                         std::unique_ptr<HttpClient> http)
    : device_(std::move(device)),
      signer_(std::move(signer)),
      options_(std::move(options)),
      http_(std::move(http)) {
  if (!options_.now_ms) options_.now_ms = SystemNowMs;
}

Result<std::unique_ptr<BoardClient>> BoardClient::Create(const BoardTrust& trust, std::string device,
                                                         DeviceSigner signer, BoardClientOptions options) {
  CB_ASSIGN_OR_RETURN(auto http, HttpClient::Create(trust, options.http));
  return std::unique_ptr<BoardClient>(
      new BoardClient(std::move(device), std::move(signer), std::move(options), std::move(http)));
}

Result<std::unique_ptr<BoardClient>> BoardClient::ForVault(const store::Vault& vault, const BoardTrust& trust,
                                                           std::string device, BoardClientOptions options) {
  DeviceSigner signer = [&vault](ByteView message) { return vault.SignAsDevice(message); };
  return Create(trust, std::move(device), std::move(signer), std::move(options));
}

void BoardClient::Sleep(std::chrono::milliseconds d) const {
  if (options_.retry.sleep) return options_.retry.sleep(d);
  // In slices, so that an interrupted sync does not sit out its backoff.
  auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (options_.http.cancel && options_.http.cancel->load()) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
  }
}

Result<HttpRequest> BoardClient::Build(const std::string& method, const std::string& target, Bytes body,
                                       bool sign, const char* content_type) {
  HttpRequest req;
  req.method = method;
  req.target = target;
  req.body = std::move(body);
  if (method == "POST") req.content_type = content_type;
  if (sign) {
    std::string nonce = ToHex(crypto::RandomBytes(16));
    CB_ASSIGN_OR_RETURN(req.headers, SignRequest(signer_, device_, req, options_.now_ms(), nonce));
  }
  return req;
}

Result<HttpResponse> BoardClient::Call(const std::string& method, const std::string& target, Bytes body,
                                       const CallOptions& call) {
  const RetryPolicy& policy = options_.retry;
  std::chrono::milliseconds delay = policy.first_delay;
  Status last;
  for (int attempt = 1;; ++attempt) {
    CB_ASSIGN_OR_RETURN(HttpRequest req, Build(method, target, body, call.sign, call.content_type));
    req.extra_idle_s = call.extra_idle_s;
    Result<HttpResponse> resp = SendOffVault(*http_, req, options_.vault_gate);
    std::chrono::milliseconds wait = delay;
    if (!resp.ok()) {
      last = resp.status();
      // Only network trouble is worth another try; a key or CA that does not
      // match will not match next time either.
      if (last.code() != Status::Code::kIOError) return last;
    } else if (resp->status >= 200 && resp->status < 300) {
      return std::move(resp).value();
    } else {
      last = ErrorFromResponse(*resp);
      if (!Retryable(resp->status, call.retry_conflict)) return last;
      // The board's Retry-After, if longer than our own backoff (bounded:
      // a sync does not sit for minutes because a header said so).
      wait = std::max(wait, std::chrono::milliseconds(std::min<uint64_t>(resp->retry_after_s, 60) * 1000));
    }
    bool cancelled = options_.http.cancel && options_.http.cancel->load();
    if (attempt >= policy.attempts || cancelled) return last;
    {
      GateLetGo off(options_.vault_gate);
      Sleep(wait);
    }
    delay = std::min(delay * 2, policy.max_delay);
  }
}

Result<EnrolResponse> BoardClient::Enrol(const EnrolRequest& request) {
  CB_ASSIGN_OR_RETURN(HttpResponse resp, Call("POST", "/v1/enrol", Encode(request), {.sign = false}));
  return DecodeEnrolResponse(resp.body);
}

Result<ReviewList> BoardClient::ListReviews() {
  CB_ASSIGN_OR_RETURN(HttpResponse resp, Call("GET", "/v1/reviews", {}, {}));
  return DecodeReviewList(resp.body);
}

Result<PushResponse> BoardClient::Push(const std::string& review, const PushRequest& request) {
  CB_RETURN_IF_ERROR(CheckReviewId(review));
  if (request.changes.size() > kMaxPushChanges)
    return Status::InvalidArgument("at most " + std::to_string(kMaxPushChanges) + " changes per push");
  CB_ASSIGN_OR_RETURN(HttpResponse resp, Call("POST", "/v1/reviews/" + review + "/changes", Encode(request),
                                              {.retry_conflict = true}));
  CB_ASSIGN_OR_RETURN(PushResponse out, DecodePushResponse(resp.body));
  if (out.results.size() != request.changes.size())
    return Status::InvalidArgument("malformed message: the board answered " +
                                   std::to_string(out.results.size()) + " results for " +
                                   std::to_string(request.changes.size()) + " changes");
  return out;
}

Result<PullResponse> BoardClient::Pull(const std::string& review, uint64_t after, size_t limit) {
  CB_RETURN_IF_ERROR(CheckReviewId(review));
  std::string target = "/v1/reviews/" + review + "/changes?after=" + std::to_string(after) +
                       "&limit=" + std::to_string(std::clamp<size_t>(limit, 1, kMaxPullChanges));
  CB_ASSIGN_OR_RETURN(HttpResponse resp, Call("GET", target, {}, {}));
  CB_ASSIGN_OR_RETURN(PullResponse out, DecodePullResponse(resp.body));
  // The cursor only moves forward, over the changes just returned.
  uint64_t prev = after;
  for (const auto& [seq, bytes] : out.changes) {
    if (seq <= prev)
      return Status::InvalidArgument("malformed message: the board's changes are not in sequence order");
    prev = seq;
  }
  if (out.next < prev)
    return Status::InvalidArgument("malformed message: the board's next cursor is behind its changes");
  return out;
}

static std::string FileTarget(const std::string& review, const std::string& file) {
  return "/v1/reviews/" + review + "/files/" + file;
}

Result<std::optional<FileStatus>> BoardClient::GetFileStatus(const std::string& review,
                                                             const std::string& file) {
  CB_RETURN_IF_ERROR(CheckReviewId(review));
  auto resp = Call("GET", FileTarget(review, file), {}, {});
  if (resp.status().IsNotFound()) return std::optional<FileStatus>();
  if (!resp.ok()) return resp.status();
  CB_ASSIGN_OR_RETURN(FileStatus status, DecodeFileStatus(resp->body));
  return std::optional<FileStatus>(std::move(status));
}

Status BoardClient::PutFileChunk(const std::string& review, const std::string& file, uint32_t chunks,
                                 uint32_t index, Bytes sealed) {
  CB_RETURN_IF_ERROR(CheckReviewId(review));
  std::string target =
      FileTarget(review, file) + "/" + std::to_string(index) + "?chunks=" + std::to_string(chunks);
  return Call("POST", target, std::move(sealed), {.content_type = kOctetType}).status();
}

Result<Bytes> BoardClient::GetFileChunk(const std::string& review, const std::string& file, uint32_t index) {
  CB_RETURN_IF_ERROR(CheckReviewId(review));
  CB_ASSIGN_OR_RETURN(HttpResponse resp,
                      Call("GET", FileTarget(review, file) + "/" + std::to_string(index), {}, {}));
  if (resp.body.size() > kMaxFileChunkBytes)
    return Status::InvalidArgument("malformed message: a file piece over 1 MiB");
  return std::move(resp.body);
}

static std::string WaitTarget(const std::string& review, uint64_t after, int timeout_s) {
  return "/v1/reviews/" + review + "/wait?after=" + std::to_string(after) +
         "&timeout=" + std::to_string(std::clamp(timeout_s, 0, kMaxWaitSeconds));
}

Result<WaitResponse> BoardClient::Wait(const std::string& review, uint64_t after, int timeout_s) {
  CB_RETURN_IF_ERROR(CheckReviewId(review));
  CB_ASSIGN_OR_RETURN(HttpResponse resp, Call("GET", WaitTarget(review, after, timeout_s), {},
                                              {.extra_idle_s = std::clamp(timeout_s, 0, kMaxWaitSeconds)}));
  return DecodeWaitResponse(resp.body);
}

Result<HttpRequest> BoardClient::SignWait(const std::string& review, uint64_t after, int timeout_s) {
  CB_RETURN_IF_ERROR(CheckReviewId(review));
  CB_ASSIGN_OR_RETURN(HttpRequest req, Build("GET", WaitTarget(review, after, timeout_s), {}, true));
  req.extra_idle_s = std::clamp(timeout_s, 0, kMaxWaitSeconds);
  return req;
}

Result<WaitResponse> BoardClient::SendSignedWait(const HttpRequest& signed_wait) {
  CB_ASSIGN_OR_RETURN(HttpResponse resp, SendOffVault(*http_, signed_wait, options_.vault_gate));
  CB_RETURN_IF_ERROR(ErrorFromResponse(resp));
  return DecodeWaitResponse(resp.body);
}

}  // namespace caseboard::sync
