// The board's HTTPS front end: Boost.Beast over Asio and OpenSSL, TLS 1.2
// minimum, a pool of worker threads, keep-alive connections with handshake
// and idle timeouts, a body limit, a per-device rate limit and long polls
// that wait on a timer rather than a thread. Requests go to Router, which
// calls Board.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "board.h"

namespace caseboard::server {

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // an IP address or a host name to bind
  uint16_t port = 0;                  // 0: a free port (see HttpServer::port())
  // A request's thread waits while the store commits (and, on PostgreSQL,
  // for each round trip): more threads than cores keep the cores busy.
  int threads = 8;
  std::string cert_pem;  // the server certificate (DataDir::server_pem)
  std::string key_pem;   // its private key (DataDir::server_key)
  std::string ca_pem;    // served at GET /v1/ca (DataDir::ca_pem)
  std::chrono::milliseconds handshake_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};  // a client that sends nothing for this long is dropped
  // 0: long polls rely on the board's wake-ups, which see pushes made by this
  // process only. When several processes share the store, set this and a
  // long poll also re-reads the head this often.
  std::chrono::milliseconds wait_recheck{0};
  double rate_per_second = 50;
  double rate_burst = 200;
};

class HttpServer {
 public:
  // Loads the certificate and key and binds the socket; `board` must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Create(Board& board, HttpServerOptions options);
  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Starts accepting connections on `threads` threads of its own; returns at once.
  void Start();
  // Stops accepting, drops every open connection and joins the threads.
  // Idempotent; may be called from any thread but the server's own.
  void Stop();

  uint16_t port() const;
  // "127.0.0.1:8443", or "[::1]:8443" for IPv6: the address actually bound.
  std::string endpoint() const;

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace caseboard::server
