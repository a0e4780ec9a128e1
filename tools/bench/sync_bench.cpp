// sync_bench: the initial sync of a large review, end to end, against the
// limit set by raw Ed25519 verification on one core in the same run.
//
// Device A builds a review of N one-op changes (default 100000) with the
// core Replica API and pushes it to a board served from this process (the
// server library wired as `caseboard-server run` wires it: its own CA,
// SQLite store, HTTPS on loopback). Device B, a member that has nothing yet,
// then runs its first sync::SyncReview: pull over HTTPS with the pinned key,
// verify, decrypt, apply and store every change. That is the figure; the
// target is >= 80 % of the raw single-core Ed25519Verify rate over the same
// signatures (A's real ones), measured in the same run.
//
// To see where the time goes without touching the library, two parts of
// the sync are also measured alone on the same bytes:
//   - the pull alone: B pulls every page again with its BoardClient (HTTPS,
//     the server's reads, CBOR decoding) and applies nothing;
//   - ReceiveAll alone: device C, a third member who never talks to the
//     board, receives the same pages through Replica::ReceiveAll.
// B's own sync is split at its last pull progress report into the pull
// phase (pages pulled, received and their cursors saved) and what follows
// (the push phase's walk over the local log, the status record).
//
// The board shares this process but runs on threads of its own; "client
// CPU" is the CPU time of the thread that syncs. Build in Release.
#include <time.h>  // clock_gettime

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_board.h"
#include "bench_util.h"
#include "caseboard/crdt/change.h"
#include "caseboard/crypto/signature.h"
#include "caseboard/review/replica.h"
#include "caseboard/sync/board_client.h"
#include "caseboard/sync/sync_engine.h"

namespace {

using caseboard::Bytes;
using caseboard::crdt::Op;
using caseboard::review::Outcome;
using caseboard::review::Replica;
using caseboard::store::Vault;
using Clock = std::chrono::steady_clock;
using namespace caseboard::bench;
namespace sync = caseboard::sync;

// ---------------------------------------------------------------------------
// Timing

double CpuNow(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Wall seconds, CPU seconds of this thread (the client) and of the whole
// process (the client and the in-process board's threads).
struct Span {
  double wall = 0, cpu = 0, process = 0;
};

template <typename F>
Span Time(F&& work) {
  auto wall = Clock::now();
  double cpu = CpuNow(CLOCK_THREAD_CPUTIME_ID), process = CpuNow(CLOCK_PROCESS_CPUTIME_ID);
  work();
  return {std::chrono::duration<double>(Clock::now() - wall).count(), CpuNow(CLOCK_THREAD_CPUTIME_ID) - cpu,
          CpuNow(CLOCK_PROCESS_CPUTIME_ID) - process};
}

void Line(const char* label, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void Line(const char* label, const char* fmt, ...) {
  std::printf("  %-44s ", label);
  va_list args;
  va_start(args, fmt);
  std::vprintf(fmt, args);
  va_end(args);
  std::printf("\n");
}

// "1.23 s wall  1.00 s client CPU  12345 changes/s" for n changes.
void TimeLine(const char* label, const Span& t, double n) {
  Line(label, "%8.2f s wall %7.2f s client CPU %8.0f changes/s wall", t.wall, t.cpu, n / t.wall);
}

void Progress(const char* what) {
  std::fprintf(stderr, "sync_bench: %s\n", what);
  std::fflush(stderr);
}

// ---------------------------------------------------------------------------
// The review

// A 24-hex-digit entity id, reproducible (as review_bench's).
std::string NoteId(size_t i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%016llx%08zx", (i + 1) * 0x9e3779b97f4a7c15ull, i);
  return buf;
}

// Change i sets the title of one of the notes: short for even i, a
// paragraph for odd i, so that the sizes are those of review_bench.
Op SetTitle(const std::string& id, size_t i) {
  std::string v = (i % 2 ? "Revision " : "Note title ") + std::to_string(i);
  if (i % 2) v += ": " + std::string(40 + i % 80, static_cast<char>('a' + i % 26));
  return {{"o", "set"}, {"e", id}, {"t", "note"}, {"f", "title"}, {"v", v}};
}

// A's review: B and C editors of its general compartment, 100 notes, then
// `changes` one-op changes. Returns the review id.
std::string BuildReview(Vault& a, Vault& b, Vault& c, size_t changes) {
  auto r = Must(Replica::Create(a, "Sync benchmark"), "Replica::Create");
  for (Vault* v : {&b, &c})
    Must(r->AddMember(Must(v->Identity(), "identity"), caseboard::crdt::Role::kEditor, {"general"}),
         "AddMember");
  std::vector<Op> creates;
  std::vector<std::string> ids;
  for (size_t i = 0; i < 100; ++i) {
    ids.push_back(NoteId(i));
    creates.push_back({{"o", "create"}, {"e", ids.back()}, {"t", "note"}});
  }
  Must(r->Commit("general", std::move(creates)).status(), "Commit");
  for (size_t i = 0; i < changes; ++i)
    Must(r->Commit("general", {SetTitle(ids[i % 100], i)}).status(), "Commit");
  return r->id();
}

std::string StateHash(Vault& vault, const std::string& review) {
  return Must(Replica::Open(vault, review), "Replica::Open")->StateHashHex();
}

// What SyncReview must have done: no failure, every change pulled and
// applied (or unreadable on arrival and applied once its key came). A
// change pulled twice (the engine fetches a review again when this device
// gains a compartment) is a duplicate the second time.
void CheckSynced(const sync::ReviewSyncResult& r, uint64_t want, const char* who) {
  if (!r.status.ok()) Die(std::string(who) + "'s sync failed: " + r.status.ToString());
  if (!r.refused.empty()) Die(std::string(who) + ": the board refused " + r.refused.front().error);
  for (const auto& [outcome, n] : r.received)
    if (outcome != Outcome::kApplied && outcome != Outcome::kUnreadable && outcome != Outcome::kDuplicate)
      Die(std::string(who) + " received " + std::to_string(n) + " changes as " + OutcomeName(outcome));
  if (r.head != want) Die(std::string(who) + " ends at head " + std::to_string(r.head));
}

// ---------------------------------------------------------------------------

void Run(const std::string& scratch, size_t changes, int server_threads) {
  Progress("starting the board and joining devices A and B...");
  InProcessBoard board(scratch + "/board", server_threads);
  auto a = JoinedDevice(scratch + "/device-a", board.Invite("bench-a"), "device A");
  auto b = JoinedDevice(scratch + "/device-b", board.Invite("bench-b"), "device B");
  auto c = MakeFastVault(scratch + "/device-c");  // receives offline only

  Progress("A builds the review...");
  std::string review;
  Span build = Time([&] { review = BuildReview(*a, *b, *c, changes); });
  const std::string want = StateHash(*a, review);

  Progress("A pushes the review...");
  sync::ReviewSyncResult pushed;
  Span push = Time([&] { Must(sync::SyncReview(*a, review, {}, &pushed), "A's sync"); });
  const uint64_t total = pushed.pushed;
  if (!pushed.refused.empty()) Die("the board refused A's change: " + pushed.refused.front().error);
  if (pushed.head != total || pushed.pending != 0) Die("the board does not hold all of A's changes");

  // The measurement: B's first sync, from nothing.
  Progress("B's initial sync...");
  sync::ReviewSyncResult synced;
  sync::SyncOptions options;
  Clock::time_point last_pull{};
  options.progress = [&](const sync::SyncProgress& p) {
    if (p.phase == sync::SyncProgress::Phase::kPull) last_pull = Clock::now();
  };
  auto sync_start = Clock::now();
  Span sync = Time([&] { Must(sync::SyncReview(*b, review, options, &synced), "B's sync"); });
  CheckSynced(synced, total, "B");
  if (synced.pulled < total) Die("B pulled " + std::to_string(synced.pulled) + " changes");
  const double pull_phase = std::chrono::duration<double>(last_pull - sync_start).count();
  if (StateHash(*b, review) != want) Die("B's state differs from A's after its sync");

  // The pull alone, page by page as the sync engine asks for them.
  Progress("B pulls everything again, applying nothing...");
  auto config = Must(sync::LoadBoardConfig(*b), "B's board settings");
  auto client = Must(sync::BoardClient::ForVault(*b, config.trust(), config.device), "B's client");
  std::vector<std::vector<Bytes>> pages;
  Span pull = Time([&] {
    for (uint64_t after = 0;;) {
      auto page = Must(client->Pull(review, after), "pull");
      auto& sealed = pages.emplace_back();
      for (auto& [seq, bytes] : page.changes) sealed.push_back(std::move(bytes));
      if (!page.more) break;
      after = page.next;
    }
  });
  client.reset();

  // ReceiveAll alone, on the same pages, by C.
  Progress("C receives the same pages offline...");
  size_t received = 0;
  Span receive = Time([&] {
    auto r = Must(Replica::OpenOrJoin(*c, review), "C's OpenOrJoin");
    for (const auto& page : pages) {
      for (const auto& res : Must(r->ReceiveAll(page), "C's ReceiveAll"))
        if (res.outcome != Outcome::kApplied && res.outcome != Outcome::kUnreadable)
          Die(std::string("C could not apply a change: ") + OutcomeName(res.outcome) + ", " + res.reason);
      received += page.size();
    }
  });
  if (received != total) Die("C received " + std::to_string(received) + " changes");
  if (StateHash(*c, review) != want) Die("C's state differs from A's");

  // The limit: A's very signatures over the very messages it signed (the
  // signing input of crdt/change.cpp), verified one after another.
  Progress("raw Ed25519 verification...");
  const auto a_key = Must(a->Identity(), "A's identity").signing_key;
  std::vector<caseboard::crdt::Change> parsed;
  std::vector<Bytes> messages;
  for (const auto& page : pages)
    for (const auto& sealed : page) {
      auto& ch = parsed.emplace_back(Must(caseboard::crdt::ParseChange(sealed), "ParseChange"));
      Bytes& m = messages.emplace_back();
      caseboard::AppendLengthPrefixed(m, std::string_view("caseboard/change/v1"));
      caseboard::AppendLengthPrefixed(m, ch.header_bytes);
      caseboard::AppendLengthPrefixed(m, ch.body);
    }
  Span verify = Time([&] {
    for (size_t i = 0; i < messages.size(); ++i)
      Must(caseboard::crypto::Ed25519Verify(a_key, messages[i], parsed[i].signature), "Ed25519Verify");
  });

  // ---- Report ----
  const double n = static_cast<double>(total);
  size_t sealed_bytes = 0;
  for (const auto& page : pages)
    for (const auto& s : page) sealed_bytes += s.size();
  auto pct = [](double part, double whole) { return 100 * part / whole; };
  std::printf("== Initial sync of a review of %zu changes (+%llu setup), %zu pages ==\n", changes,
              static_cast<unsigned long long>(total - changes), pages.size());
  Line("sealed changes", "%8.1f MiB, %.0f B each", static_cast<double>(sealed_bytes) / (1 << 20),
       static_cast<double>(sealed_bytes) / n);
  TimeLine("setup: A commits the review", build, n);
  TimeLine("setup: A pushes it (board verifies, stores)", push, n);
  std::printf("\n");
  TimeLine("B: SyncReview from zero (end to end)", sync, n);
  Line("  changes pulled and received", "%8llu   (%.2f x the review; %llu duplicates)",
       static_cast<unsigned long long>(synced.pulled), static_cast<double>(synced.pulled) / n,
       static_cast<unsigned long long>(
           synced.received.count(Outcome::kDuplicate) ? synced.received.at(Outcome::kDuplicate) : 0));
  Line("  of which the pull phase", "%8.2f s wall (%4.1f %%): pull, verify, decrypt, apply, store",
       pull_phase, pct(pull_phase, sync.wall));
  Line("  of which after the last page", "%8.2f s wall (%4.1f %%): push-phase log walk, status",
       sync.wall - pull_phase, pct(sync.wall - pull_phase, sync.wall));
  Line("  board threads' CPU meanwhile", "%8.2f s", sync.process - sync.cpu);
  TimeLine("alone: pull every page (HTTPS, no apply)", pull, n);
  TimeLine("alone: C's ReceiveAll on the same pages", receive, n);
  TimeLine("raw Ed25519Verify, one core", verify, n);
  std::printf("\n");
  const double ratio = pct(verify.wall, sync.wall);
  Line("sync rate / raw verify rate", "%8.1f %% wall %6.1f %% client CPU   (target >= 80 %%: %s)", ratio,
       pct(verify.cpu, sync.cpu), ratio >= 80 ? "met" : "NOT met");
  Line("ReceiveAll rate / raw verify rate", "%8.1f %% wall %6.1f %% CPU", pct(verify.wall, receive.wall),
       pct(verify.cpu, receive.cpu));
  Line("share of sync: pull alone, ReceiveAll alone", "%8.1f %% %6.1f %%   (rest: %.1f %%)",
       pct(pull.wall, sync.wall), pct(receive.wall, sync.wall),
       100 - pct(pull.wall, sync.wall) - pct(receive.wall, sync.wall));
  Line("state hash A == B == C", "%8s", "yes");
  std::fflush(stdout);
}

const char kUsage[] = R"(usage: sync_bench [options]
The initial sync of a large review through a board in this process; see the
top of sync_bench.cpp.
  --changes N         one-op changes in the review (default 100000)
  --server-threads N  the board's HTTPS threads (default 8, as `caseboard-server run`)
  --dir DIR           make the scratch folder (removed at the end) in DIR (default /tmp)
)";

}  // namespace

int main(int argc, char** argv) {
  SetProgram("sync_bench");
  size_t changes = 100000;
  int server_threads = 8;
  std::string base = "/tmp";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--changes" || a == "--server-threads") && i + 1 < argc) {
      char* end = nullptr;
      unsigned long long v = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0' || v == 0 || v > (1ull << 32)) Die(a + " needs a positive whole number");
      if (a == "--changes") changes = static_cast<size_t>(v);
      if (a == "--server-threads") server_threads = static_cast<int>(std::min(v, 256ull));
    } else if (a == "--dir" && i + 1 < argc) {
      base = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fputs(kUsage, stderr);
      Die("unknown argument " + a);
    }
  }
  std::string scratch = MakeScratch(base, "sync_bench");
  std::printf("sync_bench: scratch folder %s\n\n", scratch.c_str());
  std::fflush(stdout);
  Run(scratch, changes, server_threads);
  std::error_code ec;
  std::filesystem::remove_all(scratch, ec);
  return 0;
}
