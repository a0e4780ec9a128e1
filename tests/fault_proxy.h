// A TCP proxy on loopback that breaks connections, for the sync fault tests.
//
// Clients connect to port(); each connection is relayed byte for byte to the
// board server's port (TLS runs end to end, the proxy never looks inside).
// When a connection is accepted the proxy decides, for each direction on its
// own, whether to cut it and after how many bytes: once that many bytes have
// gone that way, both sides are closed (half the time with a reset, half with
// an orderly close). Cuts land anywhere: in the TLS handshake, in headers, in
// the middle of a push or a pull body, between two requests on a kept-alive
// connection.
//
// Decisions come from a std::mt19937 seeded by the caller, so a failure can be
// replayed (timing still varies from run to run). The relay runs on a
// background thread with poll(); the destructor stops it and closes every
// socket before it returns.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <random>
#include <thread>

namespace caseboard::test {

class FaultProxy {
 public:
  struct Faults {
    // For each direction of each new connection: the chance that it is cut,
    // and the range (inclusive) of bytes it carries before the cut.
    double cut_probability = 0;
    size_t min_bytes = 0;
    size_t max_bytes = 0;
  };

  // Listens on 127.0.0.1 (a free port) and relays to 127.0.0.1:target_port.
  // Starts with no faults.
  FaultProxy(int target_port, uint32_t seed);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }

  // For connections accepted from now on; those already open keep their plan.
  void SetFaults(const Faults& faults);

  // Connections accepted so far, and how many of them were cut.
  uint64_t connections() const { return connections_.load(); }
  uint64_t cuts() const { return cuts_.load(); }

 private:
  struct Flow;
  struct Conn;

  void Run();
  void Accept();
  void Service(Conn& c, int side, short revents);
  void Close(Conn& c, bool reset);

  int target_port_;
  int port_ = 0;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};  // the destructor writes to wake_[1] to stop Run()

  std::mutex mu_;  // guards faults_ and rng_
  Faults faults_;
  std::mt19937 rng_;

  std::list<Conn> conns_;  // touched by the relay thread only
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> cuts_{0};
  std::thread thread_;  // runs Run(); the destructor stops and joins it
};

}  // namespace caseboard::test
