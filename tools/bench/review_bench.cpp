// review_bench: what the review engine costs, measured.
//
// Three parts, each chosen by a flag (all of them when none is given):
//   --ops         device A commits 1M "set" ops in changes of 100 over 10k notes;
//                 device B, a member, takes them all in one ReceiveAll. Time and
//                 peak RSS of each side.
//   --open        a review of 100k one-op changes opened with its snapshot and
//                 without (the record deleted, then put back); same state both ways.
//   --throughput  one-op commits (seal + sign + store) against raw Ed25519Sign of
//                 messages the same size, the limit; B's receive against Ed25519Verify.
// Vaults use the test scrypt cost (unlocking is vault_bench's business). Build
// in Release; a debug build measures the compiler, not the engine.
#include <stdlib.h>  // mkdtemp
#include <time.h>    // clock_gettime

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "caseboard/crdt/change.h"
#include "caseboard/crypto/kdf.h"
#include "caseboard/crypto/signature.h"
#include "caseboard/review/replica.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"

namespace {

using caseboard::Bytes;
using caseboard::ByteView;
using caseboard::Result;
using caseboard::Status;
using caseboard::crdt::Op;
using caseboard::crypto::ScryptParams;
using caseboard::review::Outcome;
using caseboard::review::Replica;
using caseboard::store::RecordKey;
using caseboard::store::Vault;
using Clock = std::chrono::steady_clock;
using namespace caseboard::bench;

constexpr char kPassphrase[] = "correct horse battery staple";

// ---------------------------------------------------------------------------
// Small helpers (as in vault_bench)

// Wall and CPU seconds of some work. The program is single-threaded, so its
// CPU time is the work's own: wall minus CPU is time spent waiting (fsync),
// and CPU time is barely disturbed by other load on the machine.
struct Span {
  double wall = 0, cpu = 0;
  Span& operator+=(const Span& o) { return wall += o.wall, cpu += o.cpu, *this; }
};

double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

template <typename F>
Span Time(F&& work) {
  auto wall = Clock::now();
  double cpu = CpuNow();
  work();
  return {std::chrono::duration<double>(Clock::now() - wall).count(), CpuNow() - cpu};
}

// Peak (VmHWM) or current (VmRSS) resident set size, in MiB.
double ProcStatusMiB(const char* field) { return static_cast<double>(ProcStatusKiB(field)) / 1024; }

void Line(const char* label, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void Line(const char* label, const char* fmt, ...) {
  std::printf("  %-40s ", label);
  va_list args;
  va_start(args, fmt);
  std::vprintf(fmt, args);
  va_end(args);
  std::printf("\n");
}

// "12.34 s wall  5.67 s CPU   1234 x/s wall   5678 x/s CPU" for n items.
void TimeLine(const char* label, Span t, double n, const char* unit) {
  Line(label, "%8.2f s wall %7.2f s CPU  %8.0f %s/s wall  %8.0f %s/s CPU", t.wall, t.cpu, n / t.wall, unit,
       n / t.cpu, unit);
}

// ---------------------------------------------------------------------------
// Reviews and devices

const size_t kSnapshotEvery = caseboard::review::ReplicaOptions{}.snapshot_every;

// One local change; the engine takes a snapshot in it every kSnapshotEvery changes.
void Commit(Replica& r, std::vector<Op> ops) { Must(r.Commit("general", std::move(ops)).status(), "Commit"); }

ByteView PassphraseBytes() {
  return {reinterpret_cast<const uint8_t*>(kPassphrase), std::strlen(kPassphrase)};
}

std::unique_ptr<Vault> MakeVault(const std::string& dir) {
  Vault::CreateOptions options;
  options.kdf = ScryptParams::ForTests();
  return Must(Vault::Create(dir, PassphraseBytes(), options), "creating a vault");
}

// Device A owns a review; device B is an editor of its general compartment
// that has received nothing yet. Replicas are declared after the vaults they
// refer to, so they are destroyed first.
struct Devices {
  std::unique_ptr<Vault> vault_a, vault_b;
  std::unique_ptr<Replica> a, b;
};

Devices MakeDevices(const std::string& dir) {
  Devices d;
  d.vault_a = MakeVault(dir + "/device-a");
  d.vault_b = MakeVault(dir + "/device-b");
  d.a = Must(Replica::Create(*d.vault_a, "Benchmark review"), "Replica::Create");
  auto b_id = Must(d.vault_b->Identity(), "B's identity");
  Must(d.a->AddMember(b_id, caseboard::crdt::Role::kEditor, {"general"}), "AddMember");
  d.b = Must(Replica::OpenOrJoin(*d.vault_b, d.a->id()), "B's OpenOrJoin");
  return d;
}

// A 24-hex-digit id like Replica::AddEntity's, but reproducible.
std::string NoteId(size_t i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%016llx%08zx", (i + 1) * 0x9e3779b97f4a7c15ull, i);
  return buf;
}

// Op number i: a new title for note `id`, short (even i) or paragraph-sized
// (odd i). Field ops are last-writer-wins registers; the body, a text that
// merges by character, is text_bench's subject.
Op SetOp(const std::string& id, size_t i) {
  std::string v = (i % 2 ? "Revision " : "Note title ") + std::to_string(i);
  if (i % 2) v += ": " + std::string(40 + i % 80, static_cast<char>('a' + i % 26));
  return {{"o", "set"}, {"e", id}, {"t", "note"}, {"f", "title"}, {"v", v}};
}

// Creates `count` notes, `per_change` creations to a change (setup, not timed).
std::vector<std::string> CreateNotes(Replica& r, size_t count, size_t per_change) {
  std::vector<std::string> ids;
  std::vector<Op> ops;
  for (size_t i = 0; i < count; ++i) {
    ids.push_back(NoteId(i));
    ops.push_back({{"o", "create"}, {"e", ids.back()}, {"t", "note"}});
    if (ops.size() == per_change || i + 1 == count) {
      Commit(r, std::move(ops));
      ops.clear();
    }
  }
  return ids;
}

// Every change A stored, in its order (what a sync or an export carries), and
// if asked the exact messages Ed25519 signed for them (SignedMessage in
// crdt/change.cpp); not otherwise, as they would add to B's RSS in --ops.
struct Exported {
  std::vector<Bytes> sealed, signed_messages;
  size_t bytes = 0;
};

Exported Export(const Replica& r, bool with_messages) {
  Exported out;
  Must(r.ForEachChange([&](const caseboard::crdt::Change& c) {
    out.sealed.push_back(c.sealed);
    out.bytes += c.sealed.size();
    if (!with_messages) return Status::Ok();
    Bytes& m = out.signed_messages.emplace_back();
    caseboard::AppendLengthPrefixed(m, std::string_view("caseboard/change/v1"));
    caseboard::AppendLengthPrefixed(m, c.header_bytes);
    caseboard::AppendLengthPrefixed(m, c.body);
    return Status::Ok();
  }),
       "ForEachChange");
  return out;
}

// B takes everything; each change must be applied (or, for the one A wrote
// before adding B, unreadable until the membership change brings B its key),
// and B must end in A's state.
Span ReceiveChecked(Replica& b, const std::vector<Bytes>& sealed, const std::string& want_hash) {
  std::vector<caseboard::review::ReceiveResult> results;
  // Timed with the snapshot ReceiveAll's closing Flush takes once kSnapshotEvery have arrived.
  Span t = Time([&] { results = Must(b.ReceiveAll(sealed), "B's ReceiveAll"); });
  for (const auto& r : results)
    if (r.outcome != Outcome::kApplied && r.outcome != Outcome::kUnreadable)
      Die("B did not apply change " + r.hash + ": " + OutcomeName(r.outcome) + ", " + r.reason);
  if (!b.Problems().empty()) Die("B has problems after receiving: " + b.Problems().front().reason);
  if (b.StateHashHex() != want_hash) Die("B's state differs from A's after receiving everything");
  return t;
}

// ---------------------------------------------------------------------------
// Part 1: a million field ops, authored on A and received on B

void BenchOps(const std::string& scratch, size_t total_ops, size_t per_change, size_t notes) {
  const size_t changes = (total_ops + per_change - 1) / per_change;
  std::printf("== Ops: %zu set ops in %zu changes of %zu over %zu notes ==\n", total_ops, changes, per_change,
              notes);
  Devices d = MakeDevices(scratch + "/ops");
  std::fprintf(stderr, "ops: creating %zu notes...\n", notes);
  auto ids = CreateNotes(*d.a, notes, per_change);

  bool reset = ResetPeakRss();
  double rss_a = ProcStatusMiB("VmRSS");
  std::fprintf(stderr, "ops: A commits %zu changes...\n", changes);
  // Only the Commit calls are timed: building the ops JSON is the caller's work.
  Span author;
  for (size_t c = 0, i = 0; c < changes; ++c) {
    std::vector<Op> ops;
    for (; ops.size() < per_change && i < total_ops; ++i) ops.push_back(SetOp(ids[(i / 2) % notes], i));
    author += Time([&] { Commit(*d.a, std::move(ops)); });
  }
  double hwm_a = ProcStatusMiB("VmHWM");
  const std::string want = d.a->StateHashHex();
  Exported ex = Export(*d.a, false);
  d.a.reset();  // A's memory is not part of B's figures

  ResetPeakRss();
  double rss_b = ProcStatusMiB("VmRSS");
  std::fprintf(stderr, "ops: B receives %zu changes...\n", ex.sealed.size());
  Span receive = ReceiveChecked(*d.b, ex.sealed, want);
  double hwm_b = ProcStatusMiB("VmHWM");

  const double n_ops = static_cast<double>(total_ops);
  TimeLine("A: Commit (seal+sign+store+apply)", author, n_ops, "ops");
  TimeLine("B: ReceiveAll (verify+open+apply+store)", receive, n_ops, "ops");
  Line("sealed changes B received", "%8.1f MiB  %zu changes, %.0f B each",
       static_cast<double>(ex.bytes) / (1 << 20), ex.sealed.size(),
       static_cast<double>(ex.bytes) / static_cast<double>(ex.sealed.size()));
  Line("A: RSS before authoring", "%8.1f MiB%s", rss_a,
       reset ? "   (peak reset via /proc/self/clear_refs)" : "   (could not reset the peak)");
  Line("A: peak RSS (VmHWM) while authoring", "%8.1f MiB", hwm_a);
  Line("B: RSS before receiving", "%8.1f MiB  (holds the sealed changes for B)", rss_b);
  Line("B: peak RSS (VmHWM) while receiving", "%8.1f MiB", hwm_b);
  Line("state hash A == B", "%8s", "yes");
  std::printf("\n");
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------
// Part 2: opening a review of many changes, with and without a snapshot

void BenchOpen(const std::string& scratch, size_t changes, size_t runs) {
  constexpr size_t kNotes = 1000;
  std::printf("== Open: a review of %zu one-op changes, snapshot every %zu, median of %zu runs ==\n", changes,
              kSnapshotEvery, runs);
  const std::string dir = scratch + "/open";
  auto vault = MakeVault(dir);
  std::string review, want;
  size_t log_entries = 0;
  Span build;
  {
    auto r = Must(Replica::Create(*vault, "Open benchmark"), "Replica::Create");
    auto ids = CreateNotes(*r, kNotes, 100);
    std::fprintf(stderr, "open: committing %zu changes...\n", changes);
    build = Time([&] {
      for (size_t i = 0; i < changes; ++i) Commit(*r, {SetOp(ids[(i / 2) % kNotes], i)});
    });
    want = r->StateHashHex();
    review = r->id();
    log_entries = r->change_count();
  }
  auto file_mib = [&](const char* name) {
    std::error_code ec;
    auto n = std::filesystem::file_size(dir + name, ec);
    return ec ? 0.0 : static_cast<double>(n) / (1 << 20);
  };
  const double db_mib = file_mib("/vault.db"), wal_mib = file_mib("/vault.db-wal");
  // Opens are timed as a person would meet them: the vault freshly opened and
  // unlocked (which also checkpoints the WAL on the way).
  vault.reset();
  vault = Must(Vault::Open(dir), "Vault::Open");
  Must(vault->Unlock(PassphraseBytes()), "Unlock");
  const RecordKey snap_key{review, "snapshot", "latest"};
  auto snapshot = Must(vault->Get(snap_key), "reading the snapshot (none was written?)");
  const uint64_t covered =
      nlohmann::json::from_cbor(snapshot.view().begin(), snapshot.view().end()).at("log").get<uint64_t>();

  // Alternate which goes first so neither always gets the warmer page cache.
  std::vector<double> with, without, with_cpu, without_cpu;
  for (size_t run = 0; run < runs; ++run) {
    for (int side = 0; side < 2; ++side) {
      bool use_snapshot = (side == 0) == (run % 2 == 0);
      std::fprintf(stderr, "open: run %zu/%zu, %s snapshot...\n", run + 1, runs,
                   use_snapshot ? "with" : "without");
      if (!use_snapshot) Must(vault->Delete(snap_key), "deleting the snapshot");
      std::unique_ptr<Replica> r;
      Span t = Time([&] { r = Must(Replica::Open(*vault, review), "Replica::Open"); });
      (use_snapshot ? with : without).push_back(t.wall);
      (use_snapshot ? with_cpu : without_cpu).push_back(t.cpu);
      if (r->StateHashHex() != want) Die("the opened review's state differs from the one written");
      if (r->change_count() != log_entries) Die("the opened review has a different number of changes");
      r.reset();
      if (!use_snapshot) Must(vault->Put(snap_key, snapshot.view()), "putting the snapshot back");
    }
  }
  TimeLine("build: Commit x N (snapshots included)", build, static_cast<double>(changes), "changes");
  Line("vault files after build: db, wal", "%8.1f MiB %7.1f MiB", db_mib, wal_mib);
  Line("snapshot record", "%8.1f MiB  covers %llu of %zu log entries",
       static_cast<double>(snapshot.size()) / (1 << 20), static_cast<unsigned long long>(covered),
       log_entries);
  Line("Open with snapshot", "%8.3f s wall %7.3f s CPU", Median(with), Median(with_cpu));
  Line("Open without snapshot (full replay)", "%8.3f s wall %7.3f s CPU  %8.0f changes/s wall",
       Median(without), Median(without_cpu), static_cast<double>(log_entries) / Median(without));
  Line("ratio without/with", "%8.1fx wall", Median(without) / Median(with));
  Line("state hash, both ways == as written", "%8s", "yes");
  std::printf("\n");
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------
// Part 3: commit throughput against raw Ed25519, and receive against verify

void BenchThroughput(const std::string& scratch, size_t count) {
  std::printf("== Throughput: %zu one-op changes, against raw Ed25519 in the same run ==\n", count);
  Devices d = MakeDevices(scratch + "/throughput");
  auto ids = CreateNotes(*d.a, 100, 100);
  std::fprintf(stderr, "throughput: A commits %zu changes...\n", count);
  Span commit = Time([&] {
    for (size_t i = 0; i < count; ++i) Commit(*d.a, {SetOp(ids[i % ids.size()], i)});
  });

  // The raw figures sign and verify the very messages A's changes signed,
  // under a fresh key: the same work with nothing around it.
  std::fprintf(stderr, "throughput: raw Ed25519...\n");
  Exported ex = Export(*d.a, true);
  const auto& msgs = ex.signed_messages;
  auto pair = Must(caseboard::crypto::Ed25519Generate(), "Ed25519Generate");
  // The limit is signing with a key already loaded, as the vault does.
  auto signer = Must(caseboard::crypto::Ed25519Signer::FromSeed(pair.seed.view()), "Ed25519Signer");
  std::vector<caseboard::crypto::Ed25519Signature> sigs(msgs.size());
  Span sign = Time([&] {
    for (size_t i = 0; i < msgs.size(); ++i) sigs[i] = Must(signer.Sign(msgs[i]), "sign");
  });
  Span verify = Time([&] {
    for (size_t i = 0; i < msgs.size(); ++i)
      Must(caseboard::crypto::Ed25519Verify(pair.public_key, msgs[i], sigs[i]), "verify");
  });

  std::fprintf(stderr, "throughput: B receives %zu changes...\n", ex.sealed.size());
  Span receive = ReceiveChecked(*d.b, ex.sealed, d.a->StateHashHex());
  // Raw and B's figures count every change in the log, the few setup ones too.
  const double n = static_cast<double>(count), n_all = static_cast<double>(msgs.size());
  auto pct = [](double a, double b) { return 100 * a / b; };

  size_t msg_bytes = 0;
  for (const auto& m : msgs) msg_bytes += m.size();
  Line("signed message size (mean)", "%8.0f B", static_cast<double>(msg_bytes) / n_all);
  TimeLine("A: Commit (seal+sign+store+apply)", commit, n, "changes");
  TimeLine("raw Ed25519Sign", sign, n_all, "signs");
  Line("commit rate / raw sign rate", "%8.1f %% wall %6.1f %% CPU", pct(n / commit.wall, n_all / sign.wall),
       pct(n / commit.cpu, n_all / sign.cpu));
  TimeLine("B: ReceiveAll (verify+open+apply+store)", receive, n_all, "changes");
  TimeLine("raw Ed25519Verify", verify, n_all, "verifies");
  // Both sides handle the same n_all changes, so the rate ratio is the time ratio inverted.
  double wall_pct = pct(verify.wall, receive.wall), cpu_pct = pct(verify.cpu, receive.cpu);
  Line("receive rate / raw verify rate", "%8.1f %% wall %6.1f %% CPU   (target >= 80 %%: %s)", wall_pct,
       cpu_pct, wall_pct >= 80 && cpu_pct >= 80 ? "met" : "NOT met");
  std::printf("\n");
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------

const char kUsage[] = R"(usage: review_bench [--ops] [--open] [--throughput] [options]
Parts: see the top of review_bench.cpp; all of them when none is given.
  --ops-count N        set ops in --ops (default 1000000)
  --ops-per-change N   ops in each change of --ops (default 100)
  --notes N            notes the ops of --ops are spread over (default 10000)
  --open-changes N     one-op changes in the review of --open (default 100000)
  --runs N             opens of each kind in --open, median reported (default 3)
  --throughput-count N changes committed, signatures made and checked (default 20000)
  --dir DIR            make the scratch folder (removed at the end) in DIR (default /tmp)
)";

}  // namespace

int main(int argc, char** argv) {
  SetProgram("review_bench");
  bool ops = false, open = false, throughput = false;
  const std::pair<const char*, bool*> switches[] = {
      {"--ops", &ops}, {"--open", &open}, {"--throughput", &throughput}};
  size_t ops_count = 1000000, ops_per_change = 100, notes = 10000, open_changes = 100000;
  size_t runs = 3, throughput_count = 20000;
  std::string base = "/tmp";
  const std::pair<const char*, size_t*> numbers[] = {
      {"--ops-count", &ops_count}, {"--ops-per-change", &ops_per_change},
      {"--notes", &notes},         {"--open-changes", &open_changes},
      {"--runs", &runs},           {"--throughput-count", &throughput_count}};

  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto number = std::find_if(std::begin(numbers), std::end(numbers), [&](auto& f) { return a == f.first; });
    auto on = std::find_if(std::begin(switches), std::end(switches), [&](auto& f) { return a == f.first; });
    if (number != std::end(numbers)) {
      char* end = nullptr;
      unsigned long long v = i + 1 < argc ? std::strtoull(argv[++i], &end, 10) : 0;
      if (!end || *end != '\0' || v == 0 || v > (1ull << 32)) Die(a + " needs a positive whole number");
      *number->second = static_cast<size_t>(v);
    } else if (on != std::end(switches)) {
      *on->second = true;
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
  if (!ops && !open && !throughput) ops = open = throughput = true;

  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  std::string templ = base + "/review_bench.XXXXXX";
  if (!mkdtemp(templ.data())) Die("cannot make a scratch folder in " + base + ": " + std::strerror(errno));
  g_scratch = templ;

  std::printf("review_bench: scratch folder %s\n\n", g_scratch.c_str());
  std::fflush(stdout);
  if (ops) BenchOps(g_scratch, ops_count, ops_per_change, notes);
  if (open) BenchOpen(g_scratch, open_changes, runs);
  if (throughput) BenchThroughput(g_scratch, throughput_count);

  std::filesystem::remove_all(g_scratch, ec);
  return 0;
}
