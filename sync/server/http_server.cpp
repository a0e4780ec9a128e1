#include "http_server.h"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "access_log.h"
#include "data_dir.h"
#include "http_routes.h"
#include "rate_limiter.h"

namespace caseboard::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// TLS 1.3 ciphers are OpenSSL's defaults; for TLS 1.2 only forward-secret
// AEAD suites that an ECDSA certificate can serve.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305";
constexpr std::chrono::seconds kShutdownTimeout{5};

using Response = http::response<http::vector_body<uint8_t>>;

struct Shared {
  HttpServerOptions options;
  Router router;
};

// One client connection: TLS handshake, then requests one at a time.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ssl::context& tls, Shared& shared)
      : stream_(std::move(socket), tls), timer_(stream_.get_executor()), shared_(shared) {}

  ~Session() {
    if (watch_) shared_.router.board().CancelWait(watch_);
  }

  void Run() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Handshake, shared_from_this()));
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Handshake() {
    Tcp().expires_after(shared_.options.handshake_timeout);
    stream_.async_handshake(ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->ReadHeader();
    });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->body_limit(sync::kMaxBodyBytes);
    parser_->header_limit(16 * 1024);
    Tcp().expires_after(shared_.options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    started_ = std::chrono::steady_clock::now();
    if (ec == http::error::body_limit) return TooLarge();
    if (ec) return;  // closed, timed out or garbled: nothing to answer
    auto& req = parser_->get();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      // libcurl asks before sending a large body; answering at once saves it a one-second pause.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      Tcp().expires_after(shared_.options.idle_timeout);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, size_t) {
        if (!wec) self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  // Reads the body in pieces, so that the idle timeout applies to each piece
  // (a slow upload is fine; a silent one is dropped).
  void ReadBody() {
    if (parser_->is_done()) return Dispatch();
    Tcp().expires_after(shared_.options.idle_timeout);
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec == http::error::body_limit) return self->TooLarge();
                            if (!ec) self->ReadBody();
                          });
  }

  void TooLarge() {
    // The rest of the body is never read, so the connection cannot be reused.
    HttpResponse r = Router::Error(ApiError::TooLarge("the request body is larger than 16 MiB"));
    Send(std::move(r), /*close=*/true);
  }

  void Dispatch() {
    auto& req = parser_->get();
    HttpRequest r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    if (auto it = req.find(sync::kProtocolHeader); it != req.end()) r.protocol = std::string(it->value());
    r.device = std::string(req[sync::kDeviceHeader]);
    r.time = std::string(req[sync::kTimeHeader]);
    r.nonce = std::string(req[sync::kNonceHeader]);
    r.signature = std::string(req[sync::kSignatureHeader]);
    r.body = req.body();
    auto outcome = shared_.router.Handle(r);
    if (auto* response = std::get_if<HttpResponse>(&outcome)) return Send(std::move(*response), false);
    StartWait(std::get<WaitRequest>(std::move(outcome)));
  }

  // A long poll holds no thread: the session sleeps on its timer, which the
  // board's wake-up (from whichever thread pushed) cancels early.
  void StartWait(WaitRequest wait) {
    std::weak_ptr<Session> weak = weak_from_this();
    auto ticket = shared_.router.board().Wait(wait.device, wait.review, wait.after, [weak] {
      if (auto self = weak.lock()) net::post(self->stream_.get_executor(), [self] { self->timer_.cancel(); });
    });
    if (!ticket.ok()) return Send(Router::Error(ticket.error(), wait.device), false);
    if (ticket->watch == 0 || wait.timeout_s == 0) {
      if (ticket->watch) shared_.router.board().CancelWait(ticket->watch);
      return Send(shared_.router.FinishWait(wait), false);
    }
    watch_ = ticket->watch;
    wait_ = std::move(wait);
    deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(wait_.timeout_s);
    ArmWait();
  }

  void ArmWait() {
    auto recheck = shared_.options.wait_recheck;
    auto now = std::chrono::steady_clock::now();
    timer_.expires_at(recheck.count() > 0 ? std::min(deadline_, now + recheck) : deadline_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      // Woken (the timer was cancelled) or out of time: answer. Otherwise
      // this is a recheck for pushes made by other board processes.
      if (ec != net::error::operation_aborted && std::chrono::steady_clock::now() < self->deadline_) {
        auto head = self->shared_.router.board().Head(self->wait_.device, self->wait_.review);
        if (head.ok() && *head <= self->wait_.after) return self->ArmWait();
      }
      self->shared_.router.board().CancelWait(self->watch_);
      self->watch_ = 0;
      self->Send(self->shared_.router.FinishWait(self->wait_), false);
    });
  }

  void Send(HttpResponse r, bool close) {
    auto& req = parser_->get();
    response_.emplace(static_cast<http::status>(r.status), req.version());
    response_->set(sync::kProtocolHeader, std::to_string(sync::kProtocolVersion));
    response_->set(http::field::content_type, r.content_type);
    response_->set(http::field::cache_control, "no-store");
    if (r.retry_after) response_->set(http::field::retry_after, std::to_string(r.retry_after));
    response_->keep_alive(!close && req.keep_alive());
    response_->body() = std::move(r.body);
    response_->prepare_payload();

    RequestLog log;
    log.method = std::string(req.method_string());
    log.path = PathOf(std::string(req.target()));
    log.status = r.status;
    log.device = r.device;
    log.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    log.bytes_in = req.body().size();
    log.bytes_out = response_->body().size();
    log.error = r.error;
    log.detail = r.detail;
    LogRequest(log);

    Tcp().expires_after(shared_.options.idle_timeout);
    http::async_write(stream_, *response_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      if (!self->response_->keep_alive()) return self->Close();
      self->ReadHeader();
    });
  }

  void Close() {
    Tcp().expires_after(kShutdownTimeout);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  net::steady_timer timer_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::vector_body<uint8_t>>> parser_;
  std::optional<Response> response_;
  std::chrono::steady_clock::time_point started_;
  uint64_t watch_ = 0;
  WaitRequest wait_;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

struct HttpServer::Impl {
  Impl(Board& board, HttpServerOptions opts, std::string ca)
      : limiter(opts.rate_per_second, opts.rate_burst),
        shared{std::move(opts), Router(board, std::move(ca), limiter)},
        tls(ssl::context::tls_server),
        acceptor(ioc) {}

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (ec) {
        LogEvent("accept_failed", ec.message());
      } else {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(socket), tls, shared)->Run();
      }
      Accept();
    });
  }

  // Runs handlers until stopped. A handler that throws (it should not) is
  // logged and the thread carries on serving the others.
  void Work() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        LogEvent("handler_failed", e.what());
      }
    }
  }

  // Declared so that the io_context, and with it every open connection,
  // goes before the TLS context and the router that connections use.
  RateLimiter limiter;
  Shared shared;
  ssl::context tls;
  net::io_context ioc;
  tcp::acceptor acceptor;
  tcp::endpoint bound;
  std::vector<std::thread> threads;
  std::mutex stop_mu;
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Create(Board& board, HttpServerOptions options) {
  if (options.threads < 1 || options.threads > 256)
    return Status::InvalidArgument("threads must be 1 to 256");
  CB_ASSIGN_OR_RETURN(std::string ca, ReadTextFile(options.ca_pem));
  auto impl = std::make_unique<Impl>(board, options, std::move(ca));

  ssl::context& tls = impl->tls;
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use |
                  ssl::context::no_compression);
  SSL_CTX* native = tls.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    return Status::Internal("configuring TLS failed");
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  beast::error_code ec;
  tls.use_certificate_chain_file(options.cert_pem, ec);
  if (ec)
    return Status::IOError("cannot load the server certificate " + options.cert_pem + ": " + ec.message());
  tls.use_private_key_file(options.key_pem, ssl::context::pem, ec);
  if (ec) return Status::IOError("cannot load the server key " + options.key_pem + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1)
    return Status::Corruption(options.key_pem + " is not the key of " + options.cert_pem);

  tcp::resolver resolver(impl->ioc);
  auto endpoints = resolver.resolve(options.address, std::to_string(options.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty())
    return Status::InvalidArgument("cannot resolve the listen address " + options.address + ": " +
                                   ec.message());
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  tcp::acceptor& acceptor = impl->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); !ec)
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) impl->bound = acceptor.local_endpoint(ec);
  if (ec)
    return Status::IOError("cannot listen on " + options.address + ":" + std::to_string(options.port) + ": " +
                           ec.message());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Start() {
  impl_->Accept();
  for (int i = 0; i < impl_->shared.options.threads; ++i)
    impl_->threads.emplace_back([this] { impl_->Work(); });
}

void HttpServer::Stop() {
  std::lock_guard lock(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  // Open connections are dropped, not drained: a client retries its request,
  // and every store update is one transaction, so nothing is half done.
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

uint16_t HttpServer::port() const { return impl_->bound.port(); }

std::string HttpServer::endpoint() const {
  const tcp::endpoint& e = impl_->bound;
  std::string address = e.address().to_string();
  if (e.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(e.port());
}

}  // namespace caseboard::server
