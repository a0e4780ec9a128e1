// BoardClient: the endpoints of docs/protocol.md as calls.
//
// Every request but the enrolment is signed by the device key: a fresh
// 16-byte random nonce and the current time go into wire::RequestSigningInput
// with the method, target and body, and the signature travels in the
// X-Caseboard-* headers. A signed request is therefore never resent as is:
// each retry is signed again.
//
// Network failures, 5xx and 429 are retried with exponential backoff (429's
// Retry-After is honoured); a refusal (4xx) is not, except that a push may
// meet 409 when another board process changed the review meanwhile, which
// the board says to push again. Pushes are idempotent by change hash, so
// resending one is always safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "caseboard/crypto/signature.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/http_client.h"
#include "caseboard/sync/wire.h"

namespace caseboard::sync {

struct RetryPolicy {
  int attempts = 5;  // tries in all, the first included
  std::chrono::milliseconds first_delay{500};
  std::chrono::milliseconds max_delay{8000};
  // Waits between tries. Default: sleeps, waking early if HttpOptions::cancel is set.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Lets another thread use the vault while this one waits on the board.
// Whoever syncs holds the gate for as long as it uses the vault or a
// replica; BoardClient lets go of it for each exchange with the board (and
// the wait before a retry) and takes it back before it returns. The app
// uses this so that its window keeps the open review, and the person keeps
// typing in it, while a sync runs on another thread (app/vault_turns.h).
class VaultGate {
 public:
  virtual ~VaultGate() = default;
  virtual void Acquire() = 0;  // blocks until this thread may use the vault
  virtual void Release() = 0;
};

// Holds a gate (if any) for its lifetime.
class VaultGateHold {
 public:
  explicit VaultGateHold(VaultGate* gate) : gate_(gate) {
    if (gate_) gate_->Acquire();
  }
  ~VaultGateHold() {
    if (gate_) gate_->Release();
  }
  VaultGateHold(const VaultGateHold&) = delete;
  VaultGateHold& operator=(const VaultGateHold&) = delete;

 private:
  VaultGate* gate_;
};

struct BoardClientOptions {
  HttpOptions http;
  // Released around each exchange with the board; null: nothing to release.
  VaultGate* vault_gate = nullptr;
  RetryPolicy retry;
  std::function<uint64_t()> now_ms;  // ms since the Unix epoch; default: the system clock
};

// options.now_ms(), or the system clock if it is not set.
uint64_t ClockMs(const BoardClientOptions& options);

// Signs a message as this device (normally Vault::SignAsDevice).
using DeviceSigner = std::function<Result<crypto::Ed25519Signature>(ByteView message)>;

// The X-Caseboard-Device/-Time/-Nonce/-Signature headers for one request.
Result<std::vector<std::pair<std::string, std::string>>> SignRequest(const DeviceSigner& signer,
                                                                     const std::string& device,
                                                                     const HttpRequest& request,
                                                                     uint64_t time_ms,
                                                                     const std::string& nonce_hex);

// The join bootstrap: GET /v1/ca from `trust.url` trusting only the pin
// (trust.ca_pem is ignored), then checks the certificate's SHA-256 against
// `ca_sha256`. Returns the certificate alone, re-encoded as PEM.
Result<PemCertificate> FetchBoardCa(const BoardTrust& trust, const std::string& ca_sha256,
                                    const BoardClientOptions& options = {});

class BoardClient {
 public:
  // `trust` must include the CA. `signer` may be empty for a client that
  // only enrols or sends requests signed earlier (SendSignedWait).
  static Result<std::unique_ptr<BoardClient>> Create(const BoardTrust& trust, std::string device,
                                                     DeviceSigner signer, BoardClientOptions options = {});
  // Signs with vault.SignAsDevice; the vault must stay unlocked and outlive the client.
  static Result<std::unique_ptr<BoardClient>> ForVault(const store::Vault& vault, const BoardTrust& trust,
                                                       std::string device, BoardClientOptions options = {});

  // POST /v1/enrol (not signed: the proof inside is). kAlreadyExists if the
  // board already has this device (a retry whose first answer was lost, say).
  Result<EnrolResponse> Enrol(const EnrolRequest& request);
  // GET /v1/reviews
  Result<ReviewList> ListReviews();
  // POST /v1/reviews/{id}/changes; at most kMaxPushChanges changes. Checks
  // that there is one result per change.
  Result<PushResponse> Push(const std::string& review, const PushRequest& request);
  // GET /v1/reviews/{id}/changes?after=N&limit=M
  Result<PullResponse> Pull(const std::string& review, uint64_t after, size_t limit = kMaxPullChanges);
  // GET /v1/reviews/{id}/wait?after=N&timeout=S (S is capped at kMaxWaitSeconds).
  Result<WaitResponse> Wait(const std::string& review, uint64_t after, int timeout_s);

  // GET /v1/reviews/{id}/files/{file}: nullopt while the board has no piece of it.
  Result<std::optional<FileStatus>> GetFileStatus(const std::string& review, const std::string& file);
  // POST /v1/reviews/{id}/files/{file}/{index}?chunks=N: one sealed piece.
  Status PutFileChunk(const std::string& review, const std::string& file, uint32_t chunks, uint32_t index,
                      Bytes sealed);
  // GET /v1/reviews/{id}/files/{file}/{index}: one sealed piece.
  Result<Bytes> GetFileChunk(const std::string& review, const std::string& file, uint32_t index);

  // A wait signed now and sent later by SendSignedWait, perhaps from another
  // thread and without the vault (sync --watch waits with the vault closed).
  // The board accepts it within kMaxClockSkewMs of signing, once.
  Result<HttpRequest> SignWait(const std::string& review, uint64_t after, int timeout_s);
  // Sends it once: a failure is not retried, since the nonce is spent.
  Result<WaitResponse> SendSignedWait(const HttpRequest& signed_wait);

  const std::string& device() const { return device_; }
  const std::string& url() const { return http_->url(); }

 private:
  BoardClient(std::string device, DeviceSigner signer, BoardClientOptions options,
              std::unique_ptr<HttpClient> http);

  struct CallOptions {
    bool sign = true;
    bool retry_conflict = false;  // 409 is worth another try (pushes)
    long extra_idle_s = 0;
    const char* content_type = kCborType;  // of a POST's body
  };
  // Sends, signing each try afresh and retrying as the policy allows.
  // Returns the 2xx response, or the failure as a Status.
  Result<HttpResponse> Call(const std::string& method, const std::string& target, Bytes body,
                            const CallOptions& call);
  Result<HttpRequest> Build(const std::string& method, const std::string& target, Bytes body, bool sign,
                            const char* content_type = kCborType);
  void Sleep(std::chrono::milliseconds d) const;

  std::string device_;
  DeviceSigner signer_;
  BoardClientOptions options_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace caseboard::sync
