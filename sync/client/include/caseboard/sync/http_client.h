// HttpClient: the one way the sync client talks to a board (docs/protocol.md,
// "Transport"), over libcurl's easy interface.
//
// Security is the point of this class, so none of it is optional:
//   - https only, for the request and for any redirect (redirects are not
//     followed at all); TLS 1.2 at least;
//   - the server's certificate chain must verify against the board's own CA,
//     given in memory (never the system's CA store), and name the host;
//   - the server's public key must match the pin from the invite.
// The only exception is BootstrapTrust(): during `join`, before the client
// has the CA, the pin alone protects the single GET /v1/ca.
//
// Every request carries X-Caseboard-Protocol; a response that lacks it or
// names another version fails with a message naming both versions.
//
// An HttpClient holds one curl handle (so the TLS connection is reused) and
// is not thread-safe: use one per thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/status.h"

namespace caseboard::sync {

// What a client trusts: the board's CA and the pin of the server's key.
struct BoardTrust {
  std::string url;         // https://host:port (no path)
  std::string ca_pem;      // the board CA certificate; empty only for the join bootstrap
  std::string key_sha256;  // hex SHA-256 of the server's SubjectPublicKeyInfo (DER)
};

// Bytes moved so far by the current request; return false to abort it.
using ProgressFn =
    std::function<bool(uint64_t sent, uint64_t send_total, uint64_t received, uint64_t receive_total)>;

struct HttpOptions {
  long connect_timeout_s = 10;
  // A transfer slower than low_speed_bytes per second for low_speed_time_s
  // is abandoned (a dead network, not a slow one). Long polls extend the
  // window by their own wait.
  long low_speed_bytes = 16;
  long low_speed_time_s = 60;
  ProgressFn progress;
  // When set and true, the transfer in flight stops within about a second
  // (curl calls the progress hook at least once a second) with kIOError.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpRequest {
  std::string method = "GET";  // GET or POST
  std::string target;          // path and query, "/v1/reviews"
  std::vector<std::pair<std::string, std::string>> headers;
  Bytes body;
  std::string content_type;  // for a body
  long extra_idle_s = 0;     // a long poll's wait, added to the low-speed window
};

struct HttpResponse {
  int status = 0;
  std::string content_type;
  uint64_t retry_after_s = 0;  // from Retry-After (seconds form), 0 if absent
  Bytes body;
};

class HttpClient {
 public:
  // Checks the URL (https, no path, no credentials) and the pin; nothing is
  // sent yet. An empty trust.ca_pem is refused: use BootstrapTrust().
  static Result<std::unique_ptr<HttpClient>> Create(const BoardTrust& trust, HttpOptions options = {});
  // Pin only, chain unverified: for GET /v1/ca during `join`, and nothing else.
  static Result<std::unique_ptr<HttpClient>> BootstrapTrust(const BoardTrust& trust,
                                                            HttpOptions options = {});

  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request. The Result fails only if no usable HTTP response came
  // back (see the codes below); any HTTP status, 4xx and 5xx included, is a
  // response: ErrorFromResponse() turns the non-2xx ones into a Status.
  //   kIOError       network trouble (connect, reset, TLS handshake, timeout, cancelled):
  //                  retrying may help
  //   kAuthFailed    the server is not the board trusted here (pin, CA or host name)
  //   kUnsupported   a response without our protocol version, or with another
  //   kInvalidArgument  a response too large, a non-https address, or a request
  //                  this client will not make
  Result<HttpResponse> Send(const HttpRequest& request);

  const std::string& url() const { return trust_.url; }

 private:
  HttpClient(BoardTrust trust, HttpOptions options, bool bootstrap);
  Status Setup();

  BoardTrust trust_;
  HttpOptions options_;
  bool bootstrap_;
  std::string pin_;                // "sha256//BASE64"
  void* curl_ = nullptr;           // CURL*, kept opaque so users of this header need no curl include
  std::array<char, 256> error_{};  // curl's CURLOPT_ERRORBUFFER (CURL_ERROR_SIZE)
};

// The board's answer to a request it refused, as a Status: the ErrorBody's
// message, the code and the HTTP status ("...: forbidden, HTTP 403").
//   400 protocol -> kUnsupported; 400, 413 -> kInvalidArgument; 401, 403 -> kAuthFailed;
//   404 -> kNotFound; 409 -> kAlreadyExists; 429 -> kBusy; 5xx and others -> kInternal.
Status ErrorFromResponse(const HttpResponse& response);

// ---- Helpers, public for tests ----

// "https://host[:port]" with nothing else; anything other than https is refused.
Status CheckBoardUrl(std::string_view url);
// Hex SHA-256 of a public key (64 hex digits) -> curl's pin "sha256//BASE64".
Result<std::string> PinFromHex(std::string_view key_sha256_hex);
// The first certificate of a PEM text: hex SHA-256 of its DER form, and the
// certificate alone re-encoded as PEM (so that nothing else in the text,
// such as a second certificate, is ever trusted).
struct PemCertificate {
  std::string sha256_hex;
  std::string pem;
};
Result<PemCertificate> ParseCertificatePem(std::string_view pem);

}  // namespace caseboard::sync
