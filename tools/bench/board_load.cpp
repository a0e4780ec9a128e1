// board_load: many devices syncing against one board at once.
//
// The board is the real `caseboard-server run` process, initialised and
// given its invites by `caseboard-server init` and `invite` as an operator
// would, on SQLite (default) or on the PostgreSQL database --database names
// (it must be empty: init refuses a database that holds a board).
//
// Setup (not timed): D devices (default 200) join through sync::Join and
// are split into R reviews (default 20 of 10 devices). Each review's first
// device creates it with the core Replica API, adds the others as editors
// (signed membership changes) and pushes; the others sync to receive their
// keys. Then every device commits its changes ahead of time, so that the
// timed phase measures the board, not the signing of changes.
//
// Timed phase (--seconds, default 20): client threads (default 32), each
// driving its share of the devices, run push/pull cycles: push the device's
// next change, then pull what the others pushed since its cursor. Every
// request is real HTTPS through sync::BoardClient (CA and pinned key, one
// kept-alive connection per device, signed with a fresh nonce) with retries
// turned off, so that every failure counts. A device keeps under the
// board's documented per-device limit (--device-rate, default 40 requests a
// second against the 50 allowed), as a well-behaved client would; with 200
// devices the board, not this pacing, is the limit.
//
// Reported: requests per second, latency percentiles as the clients see
// them and as the board logs them, errors, and the CPU each side used (the
// load generator shares the machine with the board). The program checks its
// own results: no failed request, no non-2xx line in the board's log, and
// each review's head equal to what its devices pushed; otherwise it exits 1.
#include <time.h>  // clock_gettime

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench_board.h"
#include "bench_util.h"
#include "caseboard/review/replica.h"
#include "caseboard/sync/board_client.h"
#include "caseboard/sync/sync_engine.h"

namespace {

using caseboard::Bytes;
using caseboard::review::Replica;
using caseboard::store::Vault;
using Clock = std::chrono::steady_clock;
using namespace caseboard::bench;
namespace sync = caseboard::sync;

struct Options {
  size_t devices = 200, reviews = 20, seconds = 20, threads = 32, server_threads = 8;
  size_t changes_per_device = 0;  // 0: enough for the run at --device-rate
  double device_rate = 40;        // requests a second, at most, per device
  std::string database;           // empty: SQLite in the board's data folder
  std::string server = CASEBOARD_SERVER_PATH;
  std::string base = "/tmp";
};

struct Device {
  size_t index = 0;
  std::string id, review;
  std::unique_ptr<Vault> vault;
  std::unique_ptr<sync::BoardClient> client;
  std::vector<Bytes> outbox;  // sealed ahead of time, pushed in order
  size_t sent = 0;
  uint64_t cursor = 0;
  Clock::time_point next_ok{};  // pacing: no new cycle before this
};

// What one client thread saw; merged once the threads are done.
struct Stats {
  std::vector<double> push_ms, pull_ms;
  uint64_t errors = 0, pulled = 0, dry_cycles = 0;
  std::vector<std::string> error_samples;

  void Error(const std::string& what) {
    ++errors;
    if (error_samples.size() < 5) error_samples.push_back(what);
  }
  void Merge(Stats& o) {
    push_ms.insert(push_ms.end(), o.push_ms.begin(), o.push_ms.end());
    pull_ms.insert(pull_ms.end(), o.pull_ms.begin(), o.pull_ms.end());
    errors += o.errors, pulled += o.pulled, dry_cycles += o.dry_cycles;
    for (auto& e : o.error_samples)
      if (error_samples.size() < 5) error_samples.push_back(e);
  }
};

void Progress(const std::string& what) {
  std::fprintf(stderr, "board_load: %s\n", what.c_str());
  std::fflush(stderr);
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

// ---------------------------------------------------------------------------
// Setup

// Runs fn(0) ... fn(n - 1) on `threads` threads. Setup is mostly waiting for
// fsync in the device vaults, which overlaps well across devices.
template <typename F>
void ParallelFor(size_t n, size_t threads, F fn) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < std::min(n, threads); ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    });
  for (auto& th : pool) th.join();
}

// Review `g`'s devices are [first, first + n): the first creates it, adds
// the others and pushes; the others then sync to take their keys.
void MakeReview(std::vector<Device>& devices, size_t first, size_t n, size_t g) {
  Device& owner = devices[first];
  {
    auto r = Must(Replica::Create(*owner.vault, "Load review " + std::to_string(g)), "Replica::Create");
    for (size_t i = first + 1; i < first + n; ++i)
      Must(r->AddMember(Must(devices[i].vault->Identity(), "identity"), caseboard::crdt::Role::kEditor,
                        {"general"}),
           "AddMember");
    owner.review = r->id();
  }
  for (size_t i = first; i < first + n; ++i) {
    devices[i].review = owner.review;
    Must(sync::SyncReview(*devices[i].vault, owner.review), "setup sync");
  }
}

// Commits `count` one-note changes on the device and keeps their sealed
// bytes, in order, for the timed phase.
void SealAhead(Device& d, size_t count) {
  auto r = Must(Replica::Open(*d.vault, d.review), "Replica::Open");
  uint64_t seq_before = 0;
  // Its own general changes, the ones AddEntity makes (an author numbers its
  // changes per compartment, so the membership ones are left out).
  auto mine = [&](const caseboard::crdt::Change& c) {
    return c.header.author == d.id && c.header.compartment == "general";
  };
  Must(r->ForEachChange([&](const caseboard::crdt::Change& c) {
    if (mine(c)) seq_before = std::max(seq_before, c.header.seq);
    return caseboard::Status::Ok();
  }),
       "ForEachChange");
  for (size_t i = 0; i < count; ++i)
    Must(r->AddEntity("note", {{"title", "Load note " + std::to_string(d.index) + "." + std::to_string(i)}})
             .status(),
         "AddEntity");
  Must(r->ForEachChange([&](const caseboard::crdt::Change& c) {
    if (mine(c) && c.header.seq > seq_before) d.outbox.push_back(c.sealed);
    return caseboard::Status::Ok();
  }),
       "ForEachChange");
  if (d.outbox.size() != count) Die("device " + std::to_string(d.index) + " sealed the wrong number");
}

// ---------------------------------------------------------------------------
// The timed phase

// One cycle: push the next change (if any is left), then pull once.
void Cycle(Device& d, Stats& stats, size_t& accepted) {
  if (d.sent < d.outbox.size()) {
    sync::PushRequest request{{d.outbox[d.sent]}};
    auto start = Clock::now();
    auto r = d.client->Push(d.review, request);
    stats.push_ms.push_back(Ms(Clock::now() - start));
    if (!r.ok()) {
      stats.Error("push: " + r.status().ToString());
    } else if (r->results.size() != 1 || !r->results[0].error.empty() || r->results[0].seq == 0) {
      stats.Error("push refused: " + (r->results.empty() ? "no result" : r->results[0].error));
    } else {
      ++d.sent;
      ++accepted;
    }
  } else {
    ++stats.dry_cycles;
  }
  auto start = Clock::now();
  auto r = d.client->Pull(d.review, d.cursor);
  stats.pull_ms.push_back(Ms(Clock::now() - start));
  if (!r.ok()) return stats.Error("pull: " + r.status().ToString());
  if (r->next < d.cursor) return stats.Error("pull: the cursor went back");
  // Every device may read every change of its review, so a page must be the
  // changes right after the cursor, without a gap, and `next` the last of
  // them unless more follow: a pull that skipped or repeated one, while
  // other devices push, is an error.
  uint64_t expect = d.cursor;
  for (const auto& [seq, sealed] : r->changes)
    if (seq != ++expect)
      return stats.Error("pull: change " + std::to_string(expect) + " skipped or repeated");
  if (r->next != expect || (r->more && r->changes.empty()))
    return stats.Error("pull: next " + std::to_string(r->next) + " after change " + std::to_string(expect));
  d.cursor = r->next;
  stats.pulled += r->changes.size();
}

// Drives `mine` until `deadline`, each device at most one cycle per
// `interval`, the device that has waited longest first.
void Drive(std::vector<Device*> mine, Clock::time_point deadline, Clock::duration interval, Stats& stats,
           std::map<std::string, size_t>& accepted) {
  for (;;) {
    Device* d = *std::min_element(mine.begin(), mine.end(),
                                  [](Device* x, Device* y) { return x->next_ok < y->next_ok; });
    auto now = Clock::now();
    if (now >= deadline) return;
    if (d->next_ok > now) {
      std::this_thread::sleep_until(std::min(d->next_ok, deadline));
      continue;
    }
    d->next_ok = now + interval;
    Cycle(*d, stats, accepted[d->review]);
  }
}

// The board's access-log lines written between two offsets: statuses, and
// durations of pushes and pulls as the board measured them. The board times
// a request from the end of its header, so a push's time includes waiting
// for a server thread to read its body.
struct BoardLog {
  std::map<int, uint64_t> statuses;
  std::vector<double> push_ms, pull_ms;
};

BoardLog ReadBoardLog(const std::string& path, std::streamoff from, std::streamoff to) {
  BoardLog out;
  std::ifstream in(path);
  in.seekg(from);
  std::string line;
  while (in.tellg() >= 0 && in.tellg() < to && std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("status")) continue;
    ++out.statuses[j["status"].get<int>()];
    if (j.value("path", "").find("/changes") == std::string::npos) continue;
    (j.value("method", "") == "POST" ? out.push_ms : out.pull_ms).push_back(j.value("ms", 0.0));
  }
  return out;
}

std::streamoff FileSize(const std::string& path) {
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::streamoff>(n);
}

double ProcessCpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void PrintLatency(const char* label, std::vector<double>& v) {
  std::printf("  %-34s %8zu   p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.2f ms\n", label, v.size(),
              Percentile(v, 0.50), Percentile(v, 0.95), Percentile(v, 0.99), Percentile(v, 1.0));
}

// ---------------------------------------------------------------------------

int Run(const Options& o, const std::string& scratch) {
  const size_t per_review = o.devices / o.reviews;
  const Clock::duration interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(2.0 / o.device_rate));  // a cycle is two requests
  const size_t ahead = o.changes_per_device
                           ? o.changes_per_device
                           : static_cast<size_t>(static_cast<double>(o.seconds) * o.device_rate / 2) + 10;

  Progress("caseboard-server init and " + std::to_string(o.devices - 1) + " invites...");
  BoardProcess board(o.server, scratch + "/board", o.database);
  std::vector<std::string> invites = {board.admin_invite()};
  for (size_t i = 1; i < o.devices; ++i) invites.push_back(board.Invite("device " + std::to_string(i)));
  board.Start(static_cast<int>(o.server_threads));

  Progress("devices join, " + std::to_string(o.reviews) + " reviews are made...");
  std::vector<Device> devices(o.devices);
  ParallelFor(o.devices, o.threads, [&](size_t i) {
    devices[i].index = i;
    devices[i].vault =
        JoinedDevice(scratch + "/device-" + std::to_string(i), invites[i], "device " + std::to_string(i));
    devices[i].id = Must(devices[i].vault->Identity(), "identity").device_id;
  });
  ParallelFor(o.reviews, o.threads, [&](size_t g) { MakeReview(devices, g * per_review, per_review, g); });

  Progress("each device seals " + std::to_string(ahead) + " changes ahead of time...");
  ParallelFor(o.devices, o.threads, [&](size_t i) { SealAhead(devices[i], ahead); });

  // One connection per device, opened (and the cursor brought to the head)
  // before the clock starts, as a device that has been syncing would have.
  sync::BoardClientOptions client_options;
  client_options.retry.attempts = 1;  // every failure is counted, none hidden by a retry
  std::map<std::string, uint64_t> head_before;
  for (auto& d : devices) {
    auto config = Must(sync::LoadBoardConfig(*d.vault), "board settings");
    d.client =
        Must(sync::BoardClient::ForVault(*d.vault, config.trust(), config.device, client_options), "client");
    for (auto page = Must(d.client->Pull(d.review, 0), "warm-up pull");;
         page = Must(d.client->Pull(d.review, d.cursor), "warm-up pull")) {
      d.cursor = page.next;
      if (!page.more) break;
    }
    head_before[d.review] = d.cursor;
  }

  Progress("load for " + std::to_string(o.seconds) + " s...");
  const size_t threads = std::min(o.threads, o.devices);
  std::vector<Stats> stats(threads);
  std::vector<std::map<std::string, size_t>> accepted(threads);
  std::vector<std::thread> pool;
  Clock::time_point start{}, deadline{};
  std::streamoff log_from = FileSize(board.log_path());
  double server_cpu = ProcessCpuSeconds(board.pid()), client_cpu = ProcessCpuNow();
  std::atomic<bool> go{false};
  for (size_t t = 0; t < threads; ++t) {
    std::vector<Device*> mine;
    for (size_t i = t; i < o.devices; i += threads) mine.push_back(&devices[i]);
    pool.emplace_back([&, t, mine] {
      while (!go.load()) std::this_thread::yield();  // until the deadline is set
      Drive(mine, deadline, interval, stats[t], accepted[t]);
    });
  }
  start = Clock::now();
  deadline = start + std::chrono::seconds(o.seconds);
  // First cycles spread over one interval, so that paced devices do not all knock at once.
  for (auto& d : devices) d.next_ok = start + interval * d.index / o.devices;
  go.store(true);
  for (auto& th : pool) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  server_cpu = ProcessCpuSeconds(board.pid()) - server_cpu;
  client_cpu = ProcessCpuNow() - client_cpu;
  // Lines of requests still being logged are flushed within moments.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  BoardLog log = ReadBoardLog(board.log_path(), log_from, FileSize(board.log_path()));

  Stats all;
  std::map<std::string, size_t> pushed;
  for (size_t t = 0; t < threads; ++t) {
    all.Merge(stats[t]);
    for (auto& [review, n] : accepted[t]) pushed[review] += n;
  }
  // Each review's head must have moved by exactly what its devices pushed.
  size_t head_mismatches = 0, new_changes = 0;
  for (size_t g = 0; g < o.reviews; ++g) {
    Device& owner = devices[g * per_review];
    auto list = Must(owner.client->ListReviews(), "listing reviews");
    auto it = std::find_if(list.reviews.begin(), list.reviews.end(),
                           [&](const auto& r) { return r.id == owner.review; });
    new_changes += pushed[owner.review];
    if (it == list.reviews.end() || it->head != head_before[owner.review] + pushed[owner.review])
      ++head_mismatches;
  }
  uint64_t bad_lines = 0;
  for (auto& [status, n] : log.statuses) bad_lines += status >= 300 ? n : 0;

  // ---- Report ----
  const size_t requests = all.push_ms.size() + all.pull_ms.size();
  std::printf("== Load: %zu devices in %zu reviews, %zu client threads, %.1f s, store %s ==\n", o.devices,
              o.reviews, threads, elapsed, o.database.empty() ? "SQLite" : o.database.c_str());
  std::printf("  %-34s %8.0f /s   (%zu requests, %zu changes pushed, %llu pulled)\n", "requests",
              static_cast<double>(requests) / elapsed, requests, new_changes,
              static_cast<unsigned long long>(all.pulled));
  std::vector<double> both = all.push_ms;
  both.insert(both.end(), all.pull_ms.begin(), all.pull_ms.end());
  PrintLatency("client-side latency, all", both);
  PrintLatency("  push", all.push_ms);
  PrintLatency("  pull", all.pull_ms);
  PrintLatency("board-side (access log), push", log.push_ms);
  PrintLatency("board-side (access log), pull", log.pull_ms);
  std::printf("  %-34s %8.2f cores board (%d threads), %.2f cores load generator, of %u\n", "CPU",
              server_cpu / elapsed, static_cast<int>(o.server_threads), client_cpu / elapsed,
              std::thread::hardware_concurrency());
  std::printf("  %-34s %8llu   (board log: %llu non-2xx lines; heads wrong in %zu reviews)\n", "errors",
              static_cast<unsigned long long>(all.errors), static_cast<unsigned long long>(bad_lines),
              head_mismatches);
  for (const auto& e : all.error_samples) std::printf("    e.g. %s\n", e.c_str());
  if (all.dry_cycles)
    std::printf("  note: %llu cycles had no change left to push; raise --changes-per-device\n",
                static_cast<unsigned long long>(all.dry_cycles));
  double p99 = Percentile(both, 0.99);
  std::printf("  %-34s %s (p99 %.2f ms <= 50 ms, zero errors)\n", "target",
              p99 <= 50 && all.errors == 0 && bad_lines == 0 ? "met" : "NOT met", p99);
  std::fflush(stdout);

  for (auto& d : devices) d.client.reset();
  board.Stop();
  return all.errors == 0 && bad_lines == 0 && head_mismatches == 0 ? 0 : 1;
}

const char kUsage[] = R"(usage: board_load [options]
Devices doing push/pull cycles against one caseboard-server; see the top of board_load.cpp.
  --devices N             simulated devices (default 200)
  --reviews N             reviews they are split into, evenly (default 20)
  --seconds N             length of the timed phase (default 20)
  --threads N             client threads driving the devices (default 32)
  --server-threads N      caseboard-server run --threads (default 8, its default)
  --device-rate R         requests a second per device, at most (default 40; the board allows
                          50); a lower rate offers the board a fixed load instead of all it takes
  --changes-per-device N  changes sealed ahead per device (default: enough for the run)
  --database URL          an empty PostgreSQL database (postgresql://...); default SQLite
  --server PATH           the caseboard-server binary (default: the one built with this)
  --dir DIR               make the scratch folder (removed at the end) in DIR (default /tmp)
)";

}  // namespace

int main(int argc, char** argv) {
  SetProgram("board_load");
  Options o;
  const std::pair<const char*, size_t*> numbers[] = {{"--devices", &o.devices},
                                                     {"--reviews", &o.reviews},
                                                     {"--seconds", &o.seconds},
                                                     {"--threads", &o.threads},
                                                     {"--server-threads", &o.server_threads},
                                                     {"--changes-per-device", &o.changes_per_device}};
  const std::pair<const char*, std::string*> strings[] = {
      {"--database", &o.database}, {"--server", &o.server}, {"--dir", &o.base}};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto number = std::find_if(std::begin(numbers), std::end(numbers), [&](auto& f) { return a == f.first; });
    auto text = std::find_if(std::begin(strings), std::end(strings), [&](auto& f) { return a == f.first; });
    if (number != std::end(numbers)) {
      char* end = nullptr;
      unsigned long long v = i + 1 < argc ? std::strtoull(argv[++i], &end, 10) : 0;
      if (!end || *end != '\0' || v == 0 || v > 100000) Die(a + " needs a positive whole number");
      *number->second = static_cast<size_t>(v);
    } else if (a == "--device-rate" && i + 1 < argc) {
      char* end = nullptr;
      o.device_rate = std::strtod(argv[++i], &end);
      if (*end != '\0' || !(o.device_rate >= 0.01 && o.device_rate <= 1000))
        Die("--device-rate needs a number from 0.01 to 1000");
    } else if (text != std::end(strings) && i + 1 < argc) {
      *text->second = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fputs(kUsage, stderr);
      Die("unknown argument " + a);
    }
  }
  if (o.reviews > o.devices || o.devices % o.reviews != 0 || o.devices / o.reviews < 2)
    Die("--devices must be a multiple of --reviews, with at least 2 devices to a review");
  if (o.server_threads > 256) Die("--server-threads must be 1 to 256");

  std::string scratch = MakeScratch(o.base, "board_load");
  std::printf("board_load: scratch folder %s\n\n", scratch.c_str());
  std::fflush(stdout);
  int rc = Run(o, scratch);
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  return rc;
}
