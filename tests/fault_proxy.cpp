#include "fault_proxy.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <vector>

namespace caseboard::test {

namespace {

constexpr uint64_t kNoCut = std::numeric_limits<uint64_t>::max();
constexpr size_t kChunk = 16 * 1024;
// Reading from a side pauses while this much waits to be written to the
// other, so a slow reader holds back a fast writer as it would without us.
constexpr size_t kMaxBuffered = 256 * 1024;

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// Small TLS records would otherwise sit in Nagle's buffer waiting for a
// delayed ACK, adding tens of milliseconds to every exchange.
void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// How many bytes one direction of a new connection carries before it is cut.
uint64_t PlanCut(std::mt19937& rng, const FaultProxy::Faults& f) {
  if (f.cut_probability <= 0 || f.max_bytes < f.min_bytes) return kNoCut;
  if (!std::bernoulli_distribution(std::min(f.cut_probability, 1.0))(rng)) return kNoCut;
  return std::uniform_int_distribution<uint64_t>(f.min_bytes, f.max_bytes)(rng);
}

}  // namespace

// One direction of a connection: bytes read from one socket, waiting to be
// written to the other.
struct FaultProxy::Flow {
  std::vector<uint8_t> pending;
  size_t written = 0;    // bytes of `pending` already sent on
  uint64_t carried = 0;  // bytes read from the source so far
  uint64_t cut_at = kNoCut;
  bool eof = false;   // the source closed its side
  bool shut = false;  // ...and the destination has been told so

  bool Empty() const { return written == pending.size(); }
};

struct FaultProxy::Conn {
  int fd[2] = {-1, -1};  // 0: the client, 1: the server
  Flow flow[2];          // flow[i] reads fd[i] and writes fd[1 - i]
  bool cutting = false;  // a flow reached its cut: pass on what it read, then close
  int cut_flow = 0;
  bool reset = false;  // end the cut with a reset rather than an orderly close
  bool done = false;   // both sockets closed
};

FaultProxy::FaultProxy(int target_port, uint32_t seed) : target_port_(target_port), rng_(seed) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  REQUIRE(listen_fd_ >= 0);
  sockaddr_in addr = Loopback(0);
  REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listen_fd_, 128) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  port_ = ntohs(addr.sin_port);
  REQUIRE(pipe2(wake_, O_CLOEXEC) == 0);
  thread_ = std::thread([this] { Run(); });
}

FaultProxy::~FaultProxy() {
  char stop = 1;
  ssize_t n = write(wake_[1], &stop, 1);
  (void)n;  // a pipe with room for 64 KiB cannot be full
  thread_.join();
  for (Conn& c : conns_)
    if (!c.done) Close(c, /*reset=*/false);
  close(listen_fd_);
  close(wake_[0]);
  close(wake_[1]);
}

void FaultProxy::SetFaults(const Faults& faults) {
  std::lock_guard lock(mu_);
  faults_ = faults;
}

void FaultProxy::Run() {
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wake_[0], POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const Conn& c : conns_) {
      for (int side = 0; side < 2; ++side) {
        const Flow& in = c.flow[side];
        const Flow& out = c.flow[1 - side];
        short events = 0;
        if (!c.cutting && !in.eof && in.pending.size() - in.written < kMaxBuffered) events |= POLLIN;
        if (!out.Empty()) events |= POLLOUT;
        fds.push_back({c.fd[side], events, 0});
      }
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      perror("fault proxy: poll");  // cannot happen with valid fds; the tests then fail on their own
      return;
    }
    if (fds[0].revents != 0) return;  // the destructor wants us to stop
    // fds[2...] follow conns_ as it was before poll; Accept() only appends.
    size_t i = 2;
    for (Conn& c : conns_) {
      for (int side = 0; side < 2; ++side) Service(c, side, fds[i++].revents);
    }
    conns_.remove_if([](const Conn& c) { return c.done; });
    if (fds[1].revents != 0) Accept();
  }
}

void FaultProxy::Accept() {
  for (;;) {
    int client = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) return;  // none left (or a transient error: poll will tell us again)
    ++connections_;
    // A loopback connect completes or is refused at once, so a blocking one
    // keeps this simple. While the board is down the client sees its
    // connection closed, as it would through a real load balancer.
    int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = Loopback(target_port_);
    if (server < 0 || connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (server >= 0) close(server);
      close(client);
      continue;
    }
    fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK);
    SetNoDelay(client);
    SetNoDelay(server);
    Conn& c = conns_.emplace_back();
    c.fd[0] = client;
    c.fd[1] = server;
    std::lock_guard lock(mu_);
    c.flow[0].cut_at = PlanCut(rng_, faults_);
    c.flow[1].cut_at = PlanCut(rng_, faults_);
    c.reset = std::bernoulli_distribution(0.5)(rng_);
  }
}

// Moves what poll says can move on one socket of `c`, then cuts or closes
// the connection if it is time.
void FaultProxy::Service(Conn& c, int side, short revents) {
  if (c.done || revents == 0) return;
  Flow& in = c.flow[side];
  Flow& out = c.flow[1 - side];
  if (revents & POLLERR) return Close(c, /*reset=*/true);  // a reset: nothing more can pass

  if (revents & POLLOUT) {
    while (!out.Empty()) {
      ssize_t n =
          send(c.fd[side], out.pending.data() + out.written, out.pending.size() - out.written, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0) return Close(c, /*reset=*/true);
      out.written += static_cast<size_t>(n);
    }
  }

  // POLLHUP without POLLIN still means a read will tell us what happened.
  if ((revents & (POLLIN | POLLHUP)) && !c.cutting && !in.eof && in.carried < in.cut_at) {
    uint8_t buf[kChunk];
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk, in.cut_at - in.carried));
    ssize_t n = recv(c.fd[side], buf, want, 0);
    if (n > 0) {
      in.pending.erase(in.pending.begin(), in.pending.begin() + static_cast<ptrdiff_t>(in.written));
      in.written = 0;
      in.pending.insert(in.pending.end(), buf, buf + n);
      in.carried += static_cast<uint64_t>(n);
    } else if (n == 0) {
      in.eof = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return Close(c, /*reset=*/true);
    }
  }

  // A flow that has carried its planned bytes cuts the connection, once
  // those bytes are through: the peer gets exactly that many, then nothing.
  for (int d = 0; d < 2 && !c.cutting; ++d) {
    if (c.flow[d].carried >= c.flow[d].cut_at) {
      c.cutting = true;
      c.cut_flow = d;
      ++cuts_;
    }
  }
  if (c.cutting) {
    if (c.flow[c.cut_flow].Empty()) Close(c, c.reset);
    return;
  }
  // Pass on an orderly close once everything before it has been written.
  for (int d = 0; d < 2; ++d) {
    Flow& f = c.flow[d];
    if (f.eof && f.Empty() && !f.shut) {
      shutdown(c.fd[1 - d], SHUT_WR);
      f.shut = true;
    }
  }
  if (c.flow[0].shut && c.flow[1].shut) Close(c, /*reset=*/false);
}

void FaultProxy::Close(Conn& c, bool reset) {
  for (int& fd : c.fd) {
    if (reset) {
      linger abort{1, 0};  // close() then sends RST instead of FIN
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    }
    close(fd);
    fd = -1;
  }
  c.done = true;
}

}  // namespace caseboard::test
