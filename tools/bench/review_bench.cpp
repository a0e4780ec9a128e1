// review_bench: what the review engine costs, measured.
//
// Three parts, each chosen by a flag (all of them when none is given):
//   --ops         device A authors N "set" ops (default 1,000,000) in changes of
//                 100 over 10,000 notes with Replica::Commit; device B, a member,
//                 then takes them all in one ReceiveAll. Time of each side, and
//                 peak RSS of each.
//   --open        a review of 100,000 one-op changes opened from the vault with
//                 its latest snapshot and without one (the record deleted, then
//                 put back), alternating, median of --runs. Both must give the
//                 same state hash.
//   --throughput  one-op changes committed in a loop (seal + sign + store),
//                 against raw Ed25519Sign on messages of the same size in the
//                 same run, the limit; and B's receive rate against raw
//                 Ed25519Verify, the limit on that side.
//
// Vaults use the test scrypt cost: unlocking is vault_bench's business.
// Build it in Release; a debug build measures the compiler, not the engine.
#include <stdlib.h>  // mkdtemp

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

constexpr char kPassphrase[] = "correct horse battery staple";

// ---------------------------------------------------------------------------
// Small helpers (as in vault_bench)

std::string g_scratch;  // removed on the way out, also when a step fails

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "review_bench: %s\n", what.c_str());
  if (!g_scratch.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(g_scratch, ec);
  }
  std::exit(1);
}

void Must(const Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(r).value();
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Peak (VmHWM) or current (VmRSS) resident set size from /proc/self/status, in MiB.
double ProcStatusMiB(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
      return std::stod(line.substr(n + 1)) / 1024;
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so each stage's peak is its own.
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

void Line(const char* label, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void Line(const char* label, const char* fmt, ...) {
  std::printf("  %-40s ", label);
  va_list args;
  va_start(args, fmt);
  std::vprintf(fmt, args);
  va_end(args);
  std::printf("\n");
}

// ---------------------------------------------------------------------------
// Reviews and devices

std::unique_ptr<Vault> MakeVault(const std::string& dir) {
  Vault::CreateOptions options;
  options.kdf = ScryptParams::ForTests();
  ByteView pass{reinterpret_cast<const uint8_t*>(kPassphrase), std::strlen(kPassphrase)};
  return Must(Vault::Create(dir, pass, options), "creating a vault");
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
  uint64_t state = i;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%016llx%08zx", static_cast<unsigned long long>(SplitMix(state)), i);
  return buf;
}

// The value of op number i: a title, or a paragraph-sized body, never twice the same.
std::string Value(size_t i, bool body) {
  static const char kText[] =
      "Agency records show the family was known to services from the first referral onwards; "
      "the panel asked why the concerns raised by the school were not shared at the time.";
  char head[48];
  std::snprintf(head, sizeof head, body ? "Revision %zu. " : "Note title %zu", i);
  return body ? head + std::string(kText, 40 + i % 80) : std::string(head);
}

Op SetOp(const std::string& id, size_t i) {
  bool body = i % 2;
  return {{"o", "set"}, {"e", id}, {"t", "note"}, {"f", body ? "body" : "title"}, {"v", Value(i, body)}};
}

// Creates `count` notes, `per_change` creations to a change (setup, not timed).
std::vector<std::string> CreateNotes(Replica& r, size_t count, size_t per_change) {
  std::vector<std::string> ids;
  std::vector<Op> ops;
  for (size_t i = 0; i < count; ++i) {
    ids.push_back(NoteId(i));
    ops.push_back({{"o", "create"}, {"e", ids.back()}, {"t", "note"}});
    if (ops.size() == per_change || i + 1 == count) {
      Must(r.Commit("general", std::move(ops)).status(), "committing note creations");
      ops.clear();
    }
  }
  return ids;
}

// Every change A stored, in its order: what a sync or an export would carry.
std::vector<Bytes> AllSealed(const Replica& r, size_t* bytes) {
  std::vector<Bytes> out;
  *bytes = 0;
  Must(r.ForEachChange([&](const caseboard::crdt::Change& c) {
    out.push_back(c.sealed);
    *bytes += c.sealed.size();
    return Status::Ok();
  }),
       "ForEachChange");
  return out;
}

// B takes everything; each change must be applied (or, for the one A wrote
// before adding B, unreadable until the membership change brings B its key),
// and B must end in A's state.
double ReceiveChecked(Replica& b, const std::vector<Bytes>& sealed, const std::string& want_hash) {
  auto start = Clock::now();
  auto results = Must(b.ReceiveAll(sealed), "B's ReceiveAll");
  double s = SecondsSince(start);
  for (const auto& r : results)
    if (r.outcome != Outcome::kApplied && r.outcome != Outcome::kUnreadable)
      Die("B did not apply change " + r.hash + ": " + OutcomeName(r.outcome) + ", " + r.reason);
  if (!b.Problems().empty()) Die("B has problems after receiving: " + b.Problems().front().reason);
  if (b.StateHashHex() != want_hash) Die("B's state differs from A's after receiving everything");
  return s;
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
  double rss_before = ProcStatusMiB("VmRSS");
  std::fprintf(stderr, "ops: A commits %zu changes...\n", changes);
  // Only the Commit calls are timed; building the ops JSON is the caller's.
  double author_s = 0;
  for (size_t c = 0, i = 0; c < changes; ++c) {
    std::vector<Op> ops;
    for (; ops.size() < per_change && i < total_ops; ++i) ops.push_back(SetOp(ids[(i / 2) % notes], i));
    auto start = Clock::now();
    Must(d.a->Commit("general", std::move(ops)).status(), "A's Commit");
    author_s += SecondsSince(start);
  }
  double hwm_author = ProcStatusMiB("VmHWM");
  const std::string want = d.a->StateHashHex();
  size_t sealed_bytes = 0;
  auto sealed = AllSealed(*d.a, &sealed_bytes);
  d.a.reset();  // A's memory is not part of B's figures

  ResetPeakRss();
  double rss_before_b = ProcStatusMiB("VmRSS");
  std::fprintf(stderr, "ops: B receives %zu changes...\n", sealed.size());
  double receive_s = ReceiveChecked(*d.b, sealed, want);
  double hwm_b = ProcStatusMiB("VmHWM");

  const double ops_d = static_cast<double>(total_ops), ch_d = static_cast<double>(changes);
  Line("A: author (Commit: seal+sign+store+apply)", "%8.2f s  %9.0f ops/s  %7.0f changes/s", author_s,
       ops_d / author_s, ch_d / author_s);
  Line("B: ReceiveAll (verify+open+apply+store)", "%8.2f s  %9.0f ops/s  %7.0f changes/s   (%zu changes)",
       receive_s, ops_d / receive_s, static_cast<double>(sealed.size()) / receive_s, sealed.size());
  Line("sealed changes, total", "%8.1f MiB  (%.0f B/change)", static_cast<double>(sealed_bytes) / (1 << 20),
       static_cast<double>(sealed_bytes) / static_cast<double>(sealed.size()));
  Line("A: RSS before authoring", "%8.1f MiB%s", rss_before,
       reset ? "   (peak reset via /proc/self/clear_refs)" : "   (could not reset the peak)");
  Line("A: peak RSS (VmHWM) while authoring", "%8.1f MiB", hwm_author);
  Line("B: RSS before receiving", "%8.1f MiB  (includes the sealed changes held for it)", rss_before_b);
  Line("B: peak RSS (VmHWM) while receiving", "%8.1f MiB", hwm_b);
  Line("state hash A == B", "yes");
  std::printf("\n");
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------
// Part 2: opening a review of many changes, with and without a snapshot

void BenchOpen(const std::string& scratch, size_t changes, int runs) {
  constexpr size_t kNotes = 1000;
  std::printf("== Open: a review of %zu one-op changes, snapshot_every=%zu, median of %d runs ==\n", changes,
              caseboard::review::ReplicaOptions{}.snapshot_every, runs);
  auto vault = MakeVault(scratch + "/open");
  std::string review, want;
  size_t log_entries = 0;
  double build_s = 0;
  {
    auto r = Must(Replica::Create(*vault, "Open benchmark"), "Replica::Create");
    auto ids = CreateNotes(*r, kNotes, 100);
    std::fprintf(stderr, "open: committing %zu changes...\n", changes);
    auto start = Clock::now();
    for (size_t i = 0; i < changes; ++i)
      Must(r->Commit("general", {SetOp(ids[(i / 2) % kNotes], i)}).status(), "Commit");
    build_s = SecondsSince(start);
    want = r->StateHashHex();
    review = r->id();
    log_entries = r->change_count();
  }
  const RecordKey snap_key{review, "snapshot", "latest"};
  auto snapshot = Must(vault->Get(snap_key), "reading the snapshot (none was written?)");
  auto snap_json = nlohmann::json::from_cbor(snapshot.view().begin(), snapshot.view().end());
  const uint64_t covered = snap_json.at("log").get<uint64_t>();

  // Alternate which comes first so neither always gets the warmer page cache.
  std::vector<double> with, without;
  for (int run = 0; run < runs; ++run) {
    for (int side = 0; side < 2; ++side) {
      bool use_snapshot = (side == 0) == (run % 2 == 0);
      std::fprintf(stderr, "open: run %d/%d, %s snapshot...\n", run + 1, runs,
                   use_snapshot ? "with" : "without");
      if (!use_snapshot) Must(vault->Delete(snap_key), "deleting the snapshot");
      auto start = Clock::now();
      auto r = Must(Replica::Open(*vault, review), "Replica::Open");
      (use_snapshot ? with : without).push_back(SecondsSince(start));
      if (r->StateHashHex() != want) Die("the opened review's state differs from the one written");
      if (r->change_count() != log_entries) Die("the opened review has a different number of changes");
      r.reset();
      if (!use_snapshot) Must(vault->Put(snap_key, snapshot.view()), "putting the snapshot back");
    }
  }
  const double n = static_cast<double>(changes);
  Line("build (Commit x N, snapshots included)", "%8.2f s  %7.0f changes/s", build_s, n / build_s);
  Line("snapshot record", "%8.1f MiB  covers %llu of %zu log entries",
       static_cast<double>(snapshot.size()) / (1 << 20), static_cast<unsigned long long>(covered),
       log_entries);
  Line("Open with snapshot", "%8.3f s  (min %.3f)", Median(with),
       *std::min_element(with.begin(), with.end()));
  Line("Open without snapshot (full replay)", "%8.3f s  (min %.3f)  %7.0f changes/s", Median(without),
       *std::min_element(without.begin(), without.end()), n / Median(without));
  Line("ratio without/with", "%8.1fx", Median(without) / Median(with));
  Line("state hash, both ways == written", "yes");
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
  auto start = Clock::now();
  for (size_t i = 0; i < count; ++i)
    Must(d.a->Commit("general", {SetOp(ids[i % ids.size()], i)}).status(), "A's Commit");
  const double commit_s = SecondsSince(start);

  // The raw figures sign messages of the size Ed25519 really signs here:
  // context + header + body, each with a 4-byte length (crdt/change.cpp).
  size_t sealed_bytes = 0, signed_bytes = 0, n_changes = 0;
  Must(d.a->ForEachChange([&](const caseboard::crdt::Change& c) {
    signed_bytes += std::strlen("caseboard/change/v1") + 12 + c.header_bytes.size() + c.body.size();
    ++n_changes;
    return Status::Ok();
  }),
       "ForEachChange");
  const size_t msg_size = signed_bytes / n_changes;
  auto sealed = AllSealed(*d.a, &sealed_bytes);

  std::fprintf(stderr, "throughput: raw Ed25519...\n");
  auto pair = Must(caseboard::crypto::Ed25519Generate(), "Ed25519Generate");
  std::vector<Bytes> messages(count, Bytes(msg_size));
  uint64_t state = 7;
  for (auto& m : messages)
    for (auto& b : m) b = static_cast<uint8_t>(SplitMix(state));
  std::vector<caseboard::crypto::Ed25519Signature> sigs(count);
  start = Clock::now();
  for (size_t i = 0; i < count; ++i)
    sigs[i] = Must(caseboard::crypto::Ed25519Sign(pair.seed, messages[i]), "sign");
  const double sign_s = SecondsSince(start);
  start = Clock::now();
  for (size_t i = 0; i < count; ++i)
    Must(caseboard::crypto::Ed25519Verify(pair.public_key, messages[i], sigs[i]), "verify");
  const double verify_s = SecondsSince(start);

  std::fprintf(stderr, "throughput: B receives %zu changes...\n", sealed.size());
  const double receive_s = ReceiveChecked(*d.b, sealed, d.a->StateHashHex());

  const double n = static_cast<double>(count);
  const double commit_rate = n / commit_s, sign_rate = n / sign_s, verify_rate = n / verify_s;
  const double receive_rate = static_cast<double>(sealed.size()) / receive_s;
  Line("signed message size (mean)", "%8zu B", msg_size);
  Line("A: Commit (seal+sign+store+apply)", "%8.2f s  %8.0f changes/s", commit_s, commit_rate);
  Line("raw Ed25519Sign", "%8.2f s  %8.0f signs/s", sign_s, sign_rate);
  Line("commit rate / raw sign rate", "%8.1f %%", 100 * commit_rate / sign_rate);
  Line("B: ReceiveAll", "%8.2f s  %8.0f changes/s   (%zu changes)", receive_s, receive_rate, sealed.size());
  Line("raw Ed25519Verify", "%8.2f s  %8.0f verifies/s", verify_s, verify_rate);
  double pct = 100 * receive_rate / verify_rate;
  Line("receive rate / raw verify rate", "%8.1f %%   (target >= 80 %%: %s)", pct,
       pct >= 80 ? "met" : "NOT met");
  std::printf("\n");
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------

const char kUsage[] = R"(usage: review_bench [--ops] [--open] [--throughput] [options]

Parts (all of them when none is given):
  --ops                set ops authored on device A, received by device B
  --open               open a review from the vault, with and without a snapshot
  --throughput         one-op commits against raw Ed25519 sign; receive against verify

Options:
  --ops-count N        set ops in --ops (default 1000000)
  --ops-per-change N   ops in each change of --ops (default 100)
  --notes N            notes the ops of --ops are spread over (default 10000)
  --open-changes N     one-op changes in the review of --open (default 100000)
  --runs N             opens of each kind in --open, median reported (default 3)
  --throughput-count N changes committed, signatures made and checked (default 20000)
  --dir DIR            make the scratch folder inside DIR (default /tmp); the
                       scratch folder is removed at the end, DIR is left alone
)";

}  // namespace

int main(int argc, char** argv) {
  bool ops = false, open = false, throughput = false;
  size_t ops_count = 1000000, ops_per_change = 100, notes = 10000, open_changes = 100000;
  size_t throughput_count = 20000;
  int runs = 3;
  std::string base = "/tmp";

  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto number = [&](const char* flag) -> size_t {
      if (i + 1 >= argc) Die(std::string(flag) + " needs a value");
      char* end = nullptr;
      unsigned long long v = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0' || v == 0 || v > (1ull << 32))
        Die(std::string(flag) + " needs a positive whole number");
      return static_cast<size_t>(v);
    };
    if (a == "--ops") {
      ops = true;
    } else if (a == "--open") {
      open = true;
    } else if (a == "--throughput") {
      throughput = true;
    } else if (a == "--ops-count") {
      ops_count = number("--ops-count");
    } else if (a == "--ops-per-change") {
      ops_per_change = number("--ops-per-change");
    } else if (a == "--notes") {
      notes = number("--notes");
    } else if (a == "--open-changes") {
      open_changes = number("--open-changes");
    } else if (a == "--runs") {
      runs = static_cast<int>(number("--runs"));
    } else if (a == "--throughput-count") {
      throughput_count = number("--throughput-count");
    } else if (a == "--dir") {
      if (i + 1 >= argc) Die("--dir needs a value");
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
