// Sync under faults: connections cut at random byte offsets by a proxy, the
// board server SIGKILLed during a push, a client SIGKILLed during a pull.
// After recovery every device must hold the same review with every edit
// exactly once and nothing quarantined, whatever was cut or killed where.
// Randomness comes from CASEBOARD_FAULT_SEED, printed with any failure: a seed
// replays the plan of faults, though process timing varies from run to run.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "board_fixture.h"
#include "caseboard/review/replica.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/wire.h"
#include "cli_device.h"
#include "fault_proxy.h"

using namespace caseboard;
using namespace caseboard::test;
using nlohmann::json;

namespace {

uint32_t FaultSeed() {
  const char* env = std::getenv("CASEBOARD_FAULT_SEED");
  return env != nullptr && *env != '\0' ? static_cast<uint32_t>(std::strtoul(env, nullptr, 0)) : 20260314;
}

// Rounds of edits and faults per case (CASEBOARD_FAULT_ROUNDS, default 3;
// the sanitizer build runs 1).
int FaultRounds() {
  const char* env = std::getenv("CASEBOARD_FAULT_ROUNDS");
  int n = env && *env ? std::atoi(env) : 3;
  return n > 0 ? n : 3;
}

// The invite with its address pointed at `port` on this machine: the proxy's,
// or the board's own. The board's certificate names localhost at any port.
std::string InviteVia(const std::string& invite, int port) {
  auto parsed = sync::ParseInvite(invite);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().message());
  sync::Invite via = *parsed;
  via.url = "https://localhost:" + std::to_string(port);
  return sync::EncodeInvite(via);
}

struct Team {
  std::vector<Device> devices;  // devices[0] created the review
  std::string review;
};

// Devices that join `board` through `port` and share one review: the first
// creates it and makes the others editors of general and family.
Team MakeTeam(const TempDir& dir, const BoardServer& board, const std::vector<std::string>& names, int port) {
  Team t;
  for (size_t i = 0; i < names.size(); ++i) {
    Device d = MakeDevice(dir, names[i]);
    std::string invite = i == 0 ? board.admin_invite() : board.Invite(names[i]);
    d.Ok({"join", InviteVia(invite, port), "--name", names[i]});
    t.devices.push_back(std::move(d));
  }
  t.review = t.devices[0].Ok({"review", "create", "--title", "Review of Child F"});
  for (size_t i = 1; i < t.devices.size(); ++i)
    t.devices[0].Ok({"member", "add", t.review, IdentityOf(t.devices[i]), "--role", "editor",
                     "--compartments", "general,family"});
  for (const Device& d : t.devices) d.Ok({"sync"});
  return t;
}

std::string Marker(const std::string& tag, size_t i) {
  return "MARKER-" + tag + "-" + std::to_string(i) + ".";
}

// Adds `count` notes titled Marker(tag, i) and `pad` bytes of filler, through
// the core library in this process: the CLI signs one change per command,
// too slow for the thousands these tests need. The vault is closed again
// before this returns, so the CLI can open it.
std::vector<std::string> AddNotes(const Device& d, const std::string& review, const std::string& tag,
                                  size_t count, size_t pad) {
  std::string passphrase = d.env[0].substr(d.env[0].find('=') + 1);
  auto vault = store::Vault::Open(d.vault);
  REQUIRE_MESSAGE(vault.ok(), vault.status().message());
  REQUIRE((*vault)->Unlock(AsBytes(passphrase)).ok());
  auto replica = review::Replica::Open(**vault, review);
  REQUIRE_MESSAGE(replica.ok(), replica.status().message());
  std::vector<std::string> markers;
  for (size_t i = 0; i < count; ++i) {
    markers.push_back(Marker(tag, i));
    auto id = (*replica)->AddEntity("note", {{"title", markers.back() + std::string(pad, 'x')}});
    REQUIRE_MESSAGE(id.ok(), id.status().message());
  }
  return markers;
}

// Every expected marker occurs exactly once in `text` (a review's canonical
// JSON or a text field): nothing lost, nothing applied twice.
void CheckEachOnce(const std::string& text, const std::vector<std::string>& markers,
                   const std::string& where) {
  std::map<std::string, int> seen;
  for (size_t at = text.find("MARKER-"); at != std::string::npos; at = text.find("MARKER-", at + 1)) {
    size_t end = text.find('.', at);
    if (end == std::string::npos) break;
    ++seen[text.substr(at, end + 1 - at)];
  }
  std::vector<std::string> missing, repeated;
  for (const auto& m : markers) {
    auto it = seen.find(m);
    if (it == seen.end()) missing.push_back(m);
    if (it != seen.end() && it->second > 1) repeated.push_back(m);
  }
  CHECK_MESSAGE((missing.empty() && repeated.empty()), where << ": " << missing.size() << " of "
                                                             << markers.size() << " edits missing (first "
                                                             << (missing.empty() ? "-" : missing[0]) << "), "
                                                             << repeated.size() << " applied more than once");
}

// This device's sync state for the review, from 'status --json'.
json StatusOf(const Device& d, const std::string& review) {
  json status = json::parse(d.Ok({"status", "--json"}));
  for (const auto& r : status["reviews"])
    if (r["id"] == review) return r;
  FAIL("status does not list review " << review);
  return {};
}

// All devices hold the same review with every marker once, nothing
// quarantined or still to send, and vaults that open. The hash is of the
// canonical state, so one device's copy stands for all once hashes agree.
void CheckConverged(const Team& t, const std::vector<std::string>& markers) {
  std::string hash = t.devices[0].Ok({"review", "hash", t.review});
  for (const Device& d : t.devices) {
    CHECK_MESSAGE(d.Ok({"review", "hash", t.review}) == hash, d.vault);
    CHECK_MESSAGE(d.Ok({"changes", "quarantined", t.review}).empty(), d.vault);
    CHECK(StatusOf(d, t.review)["pending"] == 0);
    CliRun verify = d.Run({"verify"});
    CHECK_MESSAGE(verify.exit_code == 0, d.vault << ": " << verify.out << verify.err);
  }
  CheckEachOnce(t.devices.back().Ok({"review", "show", t.review, "--json"}), markers, t.devices.back().vault);
}

// Runs `sync` until one goes through. Returns the tries it took, 0 if none did.
int SyncUntilOk(const Device& d, int max_tries, std::string* last_error) {
  for (int i = 1; i <= max_tries; ++i) {
    CliRun r = d.Run({"sync"});
    if (r.exit_code == 0) return i;
    REQUIRE_MESSAGE((r.exit_code == 1 && r.err.find("Sanitizer") == std::string::npos),
                    "sync crashed: exit " << r.exit_code << ": " << r.err);
    *last_error = r.err;
  }
  return 0;
}

// A caseboard-cli command running in the background, to be killed mid-way.
class Child {
 public:
  Child(const TempDir& dir, const Device& d, std::vector<std::string> args) : err_(dir.Sub("child.err")) {
    args.insert(args.begin(), {"--vault", d.vault});
    pid_ = SpawnProgram(CASEBOARD_CLI_PATH, args, d.env, dir.Sub("child.out"), err_);
  }
  ~Child() { Kill(); }
  bool Running() {
    if (pid_ > 0 && waitpid(pid_, &status_, WNOHANG) == pid_) pid_ = -1;
    return pid_ > 0;
  }
  void Kill() {
    if (pid_ > 0) kill(pid_, SIGKILL);
    Wait();
  }
  // The exit code, or 128 + the signal that ended it.
  int Wait() {
    if (pid_ > 0 && waitpid(pid_, &status_, 0) == pid_) pid_ = -1;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }
  // Whether it wrote a sanitizer report, which exits 1 just as a network error does.
  bool Sanitized() const { return Contains(ReadFile(err_), AsBytes("Sanitizer")); }

 private:
  std::string err_;
  int pid_ = -1;
  int status_ = 0;
};

// Requests the board has answered (it logs each as it sends the response) with
// this method and a path ending in `path_end`, since it last started.
size_t Answered(const BoardServer& board, const std::string& method, const std::string& path_end) {
  std::istringstream log(board.Log());
  size_t n = 0;
  for (std::string line; std::getline(log, line);) {
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);  // a half-written line is skipped
    if (!j.is_object() || j.value("method", "") != method) continue;
    if (j.value("path", "").ends_with(path_end)) ++n;
  }
  return n;
}

// Waits until `ready` or the child has finished, at most 30 s.
void WaitFor(Child& child, const std::function<bool()>& ready) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!ready() && child.Running() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// Reads until the peer closes or resets; returns the bytes read.
size_t Drain(int fd) {
  char buf[4096];
  size_t total = 0;
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) total += static_cast<size_t>(n);
  return total;
}

}  // namespace

TEST_CASE("the fault proxy relays bytes both ways, or cuts after exactly the planned number") {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{
      .sin_family = AF_INET, .sin_port = 0, .sin_addr = {htonl(INADDR_LOOPBACK)}, .sin_zero = {}};
  socklen_t len = sizeof addr;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), len) == 0);
  REQUIRE(listen(listener, 4) == 0);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  FaultProxy proxy(ntohs(addr.sin_port), FaultSeed());
  addr.sin_port = htons(static_cast<uint16_t>(proxy.port()));
  const std::string data(20000, 'x');  // small enough to sit in socket buffers
  for (int cut : {-1, 0, 1, 4096, 12345}) {
    CAPTURE(cut);
    if (cut >= 0) proxy.SetFaults({1.0, static_cast<size_t>(cut), static_cast<size_t>(cut)});
    int client = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    int server = accept(listener, nullptr, nullptr);
    REQUIRE(server >= 0);
    (void)send(client, data.data(), data.size(), MSG_NOSIGNAL);  // fails once cut: fine
    shutdown(client, SHUT_WR);
    CHECK(Drain(server) == (cut < 0 ? data.size() : static_cast<size_t>(cut)));
    if (cut < 0) {  // and back, the close passed on in both directions
      CHECK(send(server, data.data(), 5000, MSG_NOSIGNAL) == 5000);
      shutdown(server, SHUT_WR);
      CHECK(Drain(client) == 5000);
    }
    close(client);
    close(server);
  }
  CHECK(proxy.cuts() == 4);
  close(listener);
}

TEST_CASE("devices behind a proxy that cuts connections at random converge with nothing lost") {
  std::mt19937 rng(FaultSeed());
  INFO("CASEBOARD_FAULT_SEED=" << FaultSeed());
  TempDir dir;
  BoardServer board;
  FaultProxy proxy(board.port(), FaultSeed());
  // Kind while the devices join: an invite works once, and joining is not what is tested here.
  Team t = MakeTeam(dir, board, {"chair", "reviewer", "author"}, proxy.port());
  const std::vector<Device>& d = t.devices;
  std::string note = d[0].Ok({"entity", "add", t.review, "note", "title=Panel", "body=Agreed."});
  for (const Device& device : d) device.Ok({"sync"});

  // Then hostile: each direction of a connection has an even chance of being
  // cut in its first 32 KiB: in handshakes, headers, push and pull bodies.
  proxy.SetFaults({.cut_probability = 0.5, .min_bytes = 0, .max_bytes = 32 * 1024});
  std::vector<std::string> markers, text_markers;
  std::vector<size_t> order = {0, 1, 2};
  std::string error;
  int failed = 0;
  for (int round = 0; round < FaultRounds(); ++round) {
    // Offline edits on every device: typed text, notes one command at a
    // time, and a batch of notes large enough that bodies span many cuts.
    for (size_t i = 0; i < d.size(); ++i) {
      std::string tag = "d" + std::to_string(i) + "r" + std::to_string(round);
      text_markers.push_back(Marker(tag + "text", 0));
      d[i].Ok({"text", "insert", t.review, note, "body", "0", text_markers.back() + " "});
      markers.push_back(Marker(tag + "cli", 0));
      d[i].Ok({"entity", "add", t.review, "note", "title=" + markers.back(), "--compartment", "family"});
      std::vector<std::string> batch = AddNotes(d[i], t.review, tag + "bulk", 30, 600);
      markers.insert(markers.end(), batch.begin(), batch.end());
    }
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i : order) {
      int tries = SyncUntilOk(d[i], 40, &error);
      REQUIRE_MESSAGE(tries > 0, "device " << i << " never got a sync through; last error: " << error);
      failed += tries - 1;
    }
  }
  MESSAGE("the proxy cut " << proxy.cuts() << " of " << proxy.connections() << " connections; " << failed
                           << " syncs failed and were run again, the last with: " << error);
  CHECK(proxy.cuts() > 0);

  // Faults off: two rounds carry every device's edits to every other.
  proxy.SetFaults({});
  for (int round = 0; round < 2; ++round)
    for (const Device& device : d) device.Ok({"sync"});
  markers.insert(markers.end(), text_markers.begin(), text_markers.end());
  CheckConverged(t, markers);
  for (const Device& device : d)
    CheckEachOnce(device.Ok({"text", "get", t.review, note, "body"}), text_markers, device.vault + " body");
}

TEST_CASE("the board SIGKILLed during a push loses and duplicates nothing") {
  std::mt19937 rng(FaultSeed());
  INFO("CASEBOARD_FAULT_SEED=" << FaultSeed());
  TempDir dir;
  BoardServer board;
  Team t = MakeTeam(dir, board, {"chair", "reviewer"}, board.port());
  const Device& chair = t.devices[0];

  std::vector<std::string> markers;
  int killed_mid_sync = 0;
  for (int round = 0; round < FaultRounds(); ++round) {
    // Few large changes (each costs the vault an fsync): 2.4 MB in one push, or
    // 9 MB in two (at most 8 MiB each), the board then killed during the second.
    bool many = round == 1;
    std::vector<std::string> batch =
        AddNotes(chair, t.review, "push" + std::to_string(round), many ? 150 : 40, 60000);
    markers.insert(markers.end(), batch.begin(), batch.end());
    size_t lists = Answered(board, "GET", "/v1/reviews"), pushes = Answered(board, "POST", "/changes");
    Child sync(dir, chair, {"sync"});
    // The sync pushes right after it lists the reviews: kill the board a
    // random moment later, while a push is on the wire, being checked or
    // being stored, or just after. With two pushes, after the first is stored.
    WaitFor(sync, [&] {
      return many ? Answered(board, "POST", "/changes") > pushes
                  : Answered(board, "GET", "/v1/reviews") > lists;
    });
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<>(0, many ? 40 : 150)(rng)));
    bool running = sync.Running();
    board.Kill();
    size_t stored = Answered(board, "POST", "/changes") - pushes;
    killed_mid_sync += running && stored < (many ? 2u : 1u) ? 1 : 0;
    // Back at once: the sync in flight may get through on one of its retries.
    board.Start();
    int code = sync.Wait();
    MESSAGE("round " << round << ": board killed " << std::string(running ? "while" : "after")
                     << " the sync ran, " << stored << " of " << (many ? 2 : 1) << " pushes stored"
                     << "; the sync exited " << code);
    CHECK_MESSAGE(((code == 0 || code == 1) && !sync.Sanitized()), "sync crashed: exit " << code);
  }
  CHECK_MESSAGE(killed_mid_sync > 0, "no kill landed during a push: the test proved nothing");

  for (int round = 0; round < 2; ++round)
    for (const Device& d : t.devices) d.Ok({"sync"});
  CheckConverged(t, markers);
  // Every change the chair made is on the board exactly once: the board's
  // head counts stored changes, and only the chair wrote any.
  std::string exported = chair.Ok({"changes", "export", t.review, "--out", dir.Sub("export")});
  uint64_t head = StatusOf(t.devices[1], t.review)["head"].get<uint64_t>();
  CHECK_MESSAGE(exported.find("exported " + std::to_string(head) + " changes") != std::string::npos,
                "board head " << head << ", chair: " << exported);
}

TEST_CASE("a device SIGKILLed during a pull recovers with nothing lost") {
  std::mt19937 rng(FaultSeed());
  INFO("CASEBOARD_FAULT_SEED=" << FaultSeed());
  TempDir dir;
  BoardServer board;
  // Each reviewer is killed at random moments in its first pull of the
  // review until a kill comes too late: then the next reviewer starts over.
  Team t = MakeTeam(dir, board, {"chair", "reviewer1", "reviewer2"}, board.port());
  // About 12 MB: two pages to pull (at most 8 MiB each); the cursor moves per page.
  std::vector<std::string> markers = AddNotes(t.devices[0], t.review, "pull", 150, 80000);
  t.devices[0].Ok({"sync"});

  const uint64_t end = StatusOf(t.devices[0], t.review)["head"].get<uint64_t>();
  int killed_mid_pull = 0, latest_ms = 1500;  // kills come at most this long after the list
  for (size_t r = 1; r < t.devices.size(); ++r) {
    const Device& reviewer = t.devices[r];
    uint64_t cursor = 0;
    for (int attempt = 0; attempt < 4 && cursor < end; ++attempt) {
      size_t lists = Answered(board, "GET", "/v1/reviews");
      Child sync(dir, reviewer, {"sync"});
      // The sync pulls once it has listed the reviews: kill it a random moment
      // later, receiving, storing or applying a page, or asking for the next.
      WaitFor(sync, [&] { return Answered(board, "GET", "/v1/reviews") > lists; });
      int delay_ms = std::uniform_int_distribution<>(0, latest_ms)(rng);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      bool running = sync.Running();
      sync.Kill();
      CHECK_FALSE(sync.Sanitized());
      cursor = StatusOf(reviewer, t.review)["cursor"].get<uint64_t>();
      MESSAGE("reviewer " << r << ": " << std::string(running ? "killed" : "finished") << " after "
                          << delay_ms << " ms with " << cursor << " of " << end << " received");
      killed_mid_pull += running && cursor < end ? 1 : 0;
      // Too late for this machine's speed: aim earlier from now on.
      if (cursor == end) latest_ms = std::max(100, delay_ms * 2 / 3);
      // Whatever the kill interrupted, the vault still opens and checks out.
      CliRun verify = reviewer.Run({"verify"});
      CHECK_MESSAGE(verify.exit_code == 0, verify.out << verify.err);
    }
  }
  CHECK_MESSAGE(killed_mid_pull > 0, "no kill landed during a pull: the test proved nothing");

  for (const Device& d : t.devices) d.Ok({"sync"});
  CheckConverged(t, markers);
}
