#include "caseboard/sync/http_client.h"

#include <curl/curl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <optional>

#include "caseboard/crypto/hash.h"
#include "caseboard/sync/wire.h"

namespace caseboard::sync {

static_assert(CURL_ERROR_SIZE <= 256, "HttpClient::error_ must hold CURL_ERROR_SIZE bytes");

namespace {

// Pull pages are at most 8 MiB of changes and bodies at most kMaxBodyBytes;
// anything larger is not a board talking.
constexpr size_t kMaxResponseBytes = kMaxBodyBytes + (1 << 20);

void GlobalInit() {
  static std::once_flag once;
  // Never cleaned up: curl_global_cleanup is not safe while any thread might
  // still use curl, and the process is ending when it would matter.
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// What one transfer collects through curl's callbacks.
struct Transfer {
  HttpResponse response;
  std::optional<std::string> protocol;  // X-Caseboard-Protocol of the response
  bool too_large = false;
  bool cancelled = false;
  const HttpOptions* options = nullptr;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a 100 Continue, say): forget the previous one's headers.
    t->protocol.reset();
    t->response.content_type.clear();
    t->response.retry_after_s = 0;
    return size * count;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string_view name = Trim(line.substr(0, colon));
  std::string_view value = Trim(line.substr(colon + 1));
  if (IEquals(name, kProtocolHeader)) {
    t->protocol = std::string(value);
  } else if (IEquals(name, "Content-Type")) {
    t->response.content_type = std::string(value);
  } else if (IEquals(name, "Retry-After")) {
    // Only the delta-seconds form; a date is treated as absent.
    if (!value.empty() && value.size() < 10 && value.find_first_not_of("0123456789") == std::string::npos)
      t->response.retry_after_s = std::strtoull(std::string(value).c_str(), nullptr, 10);
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->response.body.size() + n > kMaxResponseBytes) {
    t->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  t->response.body.insert(t->response.body.end(), data, data + n);
  return n;
}

int OnProgress(void* user, curl_off_t down_total, curl_off_t down_now, curl_off_t up_total,
               curl_off_t up_now) {
  auto* t = static_cast<Transfer*>(user);
  if (t->options->cancel && t->options->cancel->load()) {
    t->cancelled = true;
    return 1;
  }
  if (t->options->progress &&
      !t->options->progress(static_cast<uint64_t>(up_now), static_cast<uint64_t>(up_total),
                            static_cast<uint64_t>(down_now), static_cast<uint64_t>(down_total))) {
    t->cancelled = true;
    return 1;
  }
  return 0;
}

std::string Base64(ByteView in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), in.data(), static_cast<int>(in.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

}  // namespace

// ---- Helpers ----

Status CheckBoardUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme)
    return Status::InvalidArgument("the board address " + std::string(url) +
                                   " is not https: Caseboard talks to boards over https only");
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ \t\r\n\\") != std::string_view::npos)
    return Status::InvalidArgument("the board address " + std::string(url) +
                                   " must be https://HOST or https://HOST:PORT, with nothing after it");
  return Status::Ok();
}

Result<std::string> PinFromHex(std::string_view key_sha256_hex) {
  auto bytes = FromHex(key_sha256_hex);
  if (key_sha256_hex.size() != 64 || !bytes)
    return Status::InvalidArgument("the server key fingerprint must be 64 hex digits (a SHA-256)");
  return "sha256//" + Base64(*bytes);
}

Result<PemCertificate> ParseCertificatePem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                               BIO_free);
  if (!in) return Status::Internal("out of memory reading a certificate");
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(in.get(), nullptr, nullptr, nullptr),
                                                   X509_free);
  if (!cert) return Status::InvalidArgument("the board's CA is not a PEM certificate");
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return Status::InvalidArgument("the board's CA certificate does not encode");
  PemCertificate out;
  out.sha256_hex = ToHex(crypto::Sha256(ByteView(der, static_cast<size_t>(len))));
  OPENSSL_free(der);
  std::unique_ptr<BIO, decltype(&BIO_free)> mem(BIO_new(BIO_s_mem()), BIO_free);
  if (!mem || PEM_write_bio_X509(mem.get(), cert.get()) != 1)
    return Status::Internal("cannot re-encode the board's CA certificate");
  char* data = nullptr;
  long n = BIO_get_mem_data(mem.get(), &data);
  out.pem.assign(data, static_cast<size_t>(n));
  return out;
}

Status ErrorFromResponse(const HttpResponse& response) {
  if (response.status >= 200 && response.status < 300) return Status::Ok();
  auto body = DecodeErrorBody(response.body);
  std::string code = body.ok() ? body->error : "no error body";
  std::string message = body.ok() && !body->message.empty() ? body->message : "the board refused the request";
  std::string text =
      "the board says: " + message + " (" + code + ", HTTP " + std::to_string(response.status) + ")";
  if (body.ok() && code == "protocol") return Status::Unsupported(text);
  if (body.ok() && code == "revoked" && response.status == 410) return Status::Revoked(text);
  switch (response.status) {
    case 400:
    case 413:
      return Status::InvalidArgument(text);
    case 401:
    case 403:
      return Status::AuthFailed(text);
    case 404:
      return Status::NotFound(text);
    case 409:
      return Status::AlreadyExists(text);
    case 429:
      return Status::Busy(text);
    default:
      return Status::Internal(text);
  }
}

// ---- HttpClient ----

HttpClient::HttpClient(BoardTrust trust, HttpOptions options, bool bootstrap)
    : trust_(std::move(trust)), options_(std::move(options)), bootstrap_(bootstrap) {}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<std::unique_ptr<HttpClient>> HttpClient::Create(const BoardTrust& trust, HttpOptions options) {
  if (trust.ca_pem.empty())
    return Status::InvalidArgument("no board CA: a client verifies the board's chain as well as its key");
  std::unique_ptr<HttpClient> c(new HttpClient(trust, std::move(options), false));
  CB_RETURN_IF_ERROR(c->Setup());
  return c;
}

Result<std::unique_ptr<HttpClient>> HttpClient::BootstrapTrust(const BoardTrust& trust, HttpOptions options) {
  BoardTrust pin_only = trust;
  pin_only.ca_pem.clear();
  std::unique_ptr<HttpClient> c(new HttpClient(std::move(pin_only), std::move(options), true));
  CB_RETURN_IF_ERROR(c->Setup());
  return c;
}

Status HttpClient::Setup() {
  CB_RETURN_IF_ERROR(CheckBoardUrl(trust_.url));
  if (trust_.url.back() == '/') trust_.url.pop_back();
  CB_ASSIGN_OR_RETURN(pin_, PinFromHex(trust_.key_sha256));
  GlobalInit();
  CURL* h = curl_easy_init();
  if (!h) return Status::Internal("curl_easy_init failed");
  curl_ = h;

  bool ok = true;
  auto set = [&](CURLoption opt, auto value) { ok = ok && curl_easy_setopt(h, opt, value) == CURLE_OK; };
  // https only, and no redirects: a board never sends one, and following one
  // could only lead somewhere the invite did not name.
  set(CURLOPT_PROTOCOLS_STR, "https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "https");
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  set(CURLOPT_PINNEDPUBLICKEY, pin_.c_str());
  // Never the system's CAs: only the board's own CA, or (bootstrap) none.
  set(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  set(CURLOPT_CAINFO, static_cast<const char*>(nullptr));
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (bootstrap_) {
    // The pin alone: curl checks it whether or not the chain is verified.
    set(CURLOPT_SSL_VERIFYPEER, 0L);
  } else {
    curl_blob ca{trust_.ca_pem.data(), trust_.ca_pem.size(), CURL_BLOB_COPY};
    set(CURLOPT_CAINFO_BLOB, &ca);
    set(CURLOPT_SSL_VERIFYPEER, 1L);
  }
  set(CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_s);
  set(CURLOPT_NOSIGNAL, 1L);  // safe with threads; timeouts do not need signals
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_USERAGENT, "caseboard-sync/1");
  set(CURLOPT_HEADERFUNCTION, &OnHeader);
  set(CURLOPT_WRITEFUNCTION, &OnBody);
  set(CURLOPT_XFERINFOFUNCTION, &OnProgress);
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_ERRORBUFFER, error_.data());
  if (!ok)
    return Status::Internal("this libcurl lacks an option the sync client needs (libcurl 7.85 or newer)");
  return Status::Ok();
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  if (request.target.empty() || request.target[0] != '/')
    return Status::InvalidArgument("a request target starts with /");
  if (request.method != "GET" && request.method != "POST")
    return Status::InvalidArgument("the sync client only sends GET and POST");
  CURL* h = static_cast<CURL*>(curl_);
  Transfer t;
  t.options = &options_;
  std::string url = trust_.url + request.target;

  curl_slist* headers = nullptr;
  auto add = [&](const std::string& line) { headers = curl_slist_append(headers, line.c_str()); };
  add(std::string(kProtocolHeader) + ": " + std::to_string(kProtocolVersion));
  add("Accept: application/cbor, application/octet-stream, text/plain");
  add("Expect:");  // no 100-continue round trip before a push body
  if (!request.content_type.empty()) add("Content-Type: " + request.content_type);
  for (const auto& [name, value] : request.headers) add(name + ": " + value);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> free_headers(headers, curl_slist_free_all);

  error_[0] = '\0';
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s + request.extra_idle_s);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);

  CURLcode rc = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  std::string detail = error_[0] ? std::string(error_.data()) : curl_easy_strerror(rc);
  const std::string& where = trust_.url;
  switch (rc) {
    case CURLE_OK:
      break;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return Status::AuthFailed("the server at " + where +
                                " is not the board you joined: its key does not match the pinned key "
                                "(another server, or someone in between)");
    case CURLE_PEER_FAILED_VERIFICATION:
      return Status::AuthFailed("the server at " + where +
                                " is not the board you joined: its certificate does not verify against the "
                                "board's CA (" +
                                detail + ")");
    case CURLE_SSL_CACERT_BADFILE:
      return Status::Corruption("the board CA stored in this vault does not load (" + detail + ")");
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Status::InvalidArgument("refused to use " + where + ": only https is allowed (" + detail + ")");
    case CURLE_ABORTED_BY_CALLBACK:
      return Status::IOError("the transfer to " + where + " was interrupted");
    case CURLE_WRITE_ERROR:
      if (t.too_large)
        return Status::InvalidArgument("the answer from " + where + " is larger than " +
                                       std::to_string(kMaxResponseBytes) + " bytes; refused");
      return Status::IOError("reading the answer from " + where + " failed (" + detail + ")");
    case CURLE_OPERATION_TIMEDOUT:
      return Status::IOError("no answer from " + where + " in time (" + detail + ")");
    case CURLE_SSL_CONNECT_ERROR:
      return Status::IOError("the TLS handshake with " + where +
                             " failed (the board needs TLS 1.2 or newer): " + detail);
    default:
      return Status::IOError("cannot reach the board at " + where + ": " + detail);
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  t.response.status = static_cast<int>(code);

  const std::string mine = std::to_string(kProtocolVersion);
  if (!t.protocol)
    return Status::Unsupported(
        "the server at " + where +
        " did not say which sync protocol version it speaks (this client speaks version " + mine +
        "); is it a Caseboard board?");
  if (*t.protocol != mine)
    return Status::Unsupported("the board at " + where + " speaks sync protocol version " + *t.protocol +
                               " and this client speaks version " + mine +
                               ": update whichever of the two is older");
  return std::move(t.response);
}

}  // namespace caseboard::sync
