// vault_bench: what the vault's encryption costs, measured.
//
// Three parts, each chosen by a flag (all of them when none is given):
//   --records     N records of 1 KiB written in batches of 1,000 with
//                 Vault::Write, read back with Vault::Get and Vault::Scan, and
//                 the same workload through plain SQLite (same table, same
//                 PRAGMAs, no encryption). The sides alternate; medians are
//                 reported with the ratio vault/plain.
//   --attachment  a large attachment streamed in from a generator and out to a
//                 counting sink: throughput, and peak RSS to show memory stays flat.
//   --unlock      Open+Unlock at the default scrypt cost.
//
// Build it in Release; a debug build measures the compiler, not the vault.
#include <sqlite3.h>
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "bench_util.h"
#include "caseboard/crypto/kdf.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"

namespace {

using caseboard::ByteView;
using caseboard::Result;
using caseboard::Status;
using caseboard::crypto::ScryptParams;
using caseboard::crypto::SecureBytes;
using caseboard::store::RecordKey;
using caseboard::store::Vault;
using caseboard::store::WriteBatch;
using Clock = std::chrono::steady_clock;
using namespace caseboard::bench;

constexpr size_t kRecordSize = 1024;
constexpr size_t kBatchSize = 1000;
constexpr char kReview[] = "review-bench";
constexpr char kKind[] = "note";
constexpr char kPassphrase[] = "correct horse battery staple";

// The records table exactly as core/store/schema.cpp makes it, and the vault's
// PRAGMAs exactly as core/store/vault.cpp sets them, so the plain side differs
// from the vault only in what the vault adds: sealing, opening, and its wrapper.
constexpr char kPlainPragmas[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
    "PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=ON;";
constexpr char kPlainSchema[] =
    "CREATE TABLE records(review TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,"
    " value BLOB NOT NULL, PRIMARY KEY(review, kind, id));";
// The same statements the vault prepares (vault_records.cpp).
constexpr char kPlainInsert[] =
    "INSERT INTO records(review, kind, id, value) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(review, kind, id) DO UPDATE SET value = excluded.value";
constexpr char kPlainSelect[] = "SELECT value FROM records WHERE review = ?1 AND kind = ?2 AND id = ?3";
constexpr char kPlainScan[] = "SELECT id, value FROM records WHERE review = ?1 AND kind = ?2 ORDER BY id";

// ---------------------------------------------------------------------------
// Small helpers

void SqlMust(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
    Die(std::string("plain SQLite, ") + what + ": " + sqlite3_errmsg(db));
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string JoinRuns(const std::vector<double>& v) {
  std::string out;
  char buf[32];
  for (double x : v) {
    std::snprintf(buf, sizeof buf, "%s%.3f", out.empty() ? "" : " ", x);
    out += buf;
  }
  return out;
}

// splitmix64: fast, and gives every record and every attachment chunk
// different bytes, as real notes and files would have.
uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void FillRandom(uint64_t& state, std::span<uint8_t> out) {
  size_t i = 0;
  for (; i + 8 <= out.size(); i += 8) {
    uint64_t w = SplitMix(state);
    std::memcpy(out.data() + i, &w, 8);
  }
  if (i < out.size()) {
    uint64_t w = SplitMix(state);
    std::memcpy(out.data() + i, &w, out.size() - i);
  }
}

// The payload of record `index`: the same on both sides and in every run.
void FillRecord(uint64_t index, std::span<uint8_t> out) {
  uint64_t state = index * 0x2545f4914f6cdd1dull + 1;
  FillRandom(state, out);
}

// A cheap fingerprint of everything read, compared with what was written, so
// a read that returned the wrong bytes (or was optimised away) is caught.
uint64_t Fingerprint(ByteView data) {
  uint64_t h = 0;
  size_t i = 0;
  for (; i + 8 <= data.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, data.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
  }
  for (; i < data.size(); ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

std::string RecordId(size_t index) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08zu", index);  // zero-padded: id order is index order
  return buf;
}

ByteView PassphraseBytes() {
  return {reinterpret_cast<const uint8_t*>(kPassphrase), std::strlen(kPassphrase)};
}

void RemoveDbFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

uint64_t DbFilesBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (const char* suffix : {"", "-wal"}) {
    auto n = std::filesystem::file_size(path + suffix, ec);
    if (!ec) total += n;
  }
  return total;
}

// ---------------------------------------------------------------------------
// Part 1: records, vault against plain SQLite

struct RecordTimes {
  double write = 0, get = 0, scan = 0;
};

// The expected fingerprint sum of all records, for checking reads.
uint64_t ExpectedFingerprint(size_t count) {
  std::vector<uint8_t> buf(kRecordSize);
  uint64_t sum = 0;
  for (size_t i = 0; i < count; ++i) {
    FillRecord(i, buf);
    sum += Fingerprint(buf);
  }
  return sum;
}

RecordTimes VaultRecords(const std::string& dir, size_t count, const std::vector<uint32_t>& read_order,
                         uint64_t expected) {
  // Test scrypt cost: this part is about records, not about unlocking.
  Vault::CreateOptions options;
  options.kdf = ScryptParams::ForTests();
  auto vault = Must(Vault::Create(dir, PassphraseBytes(), options), "creating the records vault");
  RecordTimes t;
  std::vector<uint8_t> buf(kRecordSize);

  // Building the WriteBatch is timed: it is part of how a caller writes.
  auto start = Clock::now();
  for (size_t first = 0; first < count; first += kBatchSize) {
    WriteBatch batch;
    for (size_t i = first; i < std::min(count, first + kBatchSize); ++i) {
      FillRecord(i, buf);
      batch.Put(RecordKey{kReview, kKind, RecordId(i)}, buf);
    }
    Must(vault->Write(batch), "vault Write");
  }
  t.write = SecondsSince(start);

  uint64_t sum = 0;
  start = Clock::now();
  for (uint32_t i : read_order) {
    SecureBytes value = Must(vault->Get(RecordKey{kReview, kKind, RecordId(i)}), "vault Get");
    sum += Fingerprint(value.view());
  }
  t.get = SecondsSince(start);
  if (sum != expected) Die("vault Get returned different bytes from those written");

  sum = 0;
  size_t seen = 0;
  start = Clock::now();
  Must(vault->Scan(kReview, kKind,
                   [&](const std::string&, SecureBytes value) {
                     sum += Fingerprint(value.view());
                     ++seen;
                     return true;
                   }),
       "vault Scan");
  t.scan = SecondsSince(start);
  if (sum != expected || seen != count) Die("vault Scan returned different records from those written");

  vault.reset();
  std::filesystem::remove_all(dir);
  return t;
}

RecordTimes PlainRecords(const std::string& path, size_t count, const std::vector<uint32_t>& read_order,
                         uint64_t expected) {
  sqlite3* db = nullptr;
  SqlMust(db,
          sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                          nullptr),
          "open");
  SqlMust(db, sqlite3_exec(db, kPlainPragmas, nullptr, nullptr, nullptr), "pragmas");
  SqlMust(db, sqlite3_exec(db, kPlainSchema, nullptr, nullptr, nullptr), "schema");
  sqlite3_stmt *insert_st = nullptr, *select_st = nullptr, *scan_st = nullptr;
  for (auto [sql, stmt] :
       {std::pair{kPlainInsert, &insert_st}, {kPlainSelect, &select_st}, {kPlainScan, &scan_st}})
    SqlMust(db, sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr), "prepare");

  RecordTimes t;
  std::vector<uint8_t> buf(kRecordSize);
  // Bindings are SQLITE_TRANSIENT (copied), as in the vault's wrapper, so the
  // two sides differ only in the vault's own work.
  auto bind_key = [](sqlite3_stmt* st, const std::string& id) {
    sqlite3_bind_text(st, 1, kReview, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, kKind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
  };

  auto start = Clock::now();
  for (size_t first = 0; first < count; first += kBatchSize) {
    SqlMust(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
    for (size_t i = first; i < std::min(count, first + kBatchSize); ++i) {
      FillRecord(i, buf);
      bind_key(insert_st, RecordId(i));
      sqlite3_bind_blob(insert_st, 4, buf.data(), static_cast<int>(buf.size()), SQLITE_TRANSIENT);
      SqlMust(db, sqlite3_step(insert_st), "insert");
      sqlite3_reset(insert_st);
      sqlite3_clear_bindings(insert_st);
    }
    SqlMust(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
  }
  t.write = SecondsSince(start);

  uint64_t sum = 0;
  start = Clock::now();
  for (uint32_t i : read_order) {
    bind_key(select_st, RecordId(i));
    if (sqlite3_step(select_st) != SQLITE_ROW) Die("plain SQLite: a record written is missing");
    auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(select_st, 0));
    sum += Fingerprint({data, static_cast<size_t>(sqlite3_column_bytes(select_st, 0))});
    sqlite3_reset(select_st);
    sqlite3_clear_bindings(select_st);
  }
  t.get = SecondsSince(start);
  if (sum != expected) Die("plain SQLite returned different bytes from those written");

  sum = 0;
  size_t seen = 0;
  start = Clock::now();
  sqlite3_bind_text(scan_st, 1, kReview, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(scan_st, 2, kKind, -1, SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(scan_st)) == SQLITE_ROW) {
    // Copy the id out as Vault::Scan does for its visitor.
    std::string id(reinterpret_cast<const char*>(sqlite3_column_text(scan_st, 0)),
                   sqlite3_column_bytes(scan_st, 0));
    auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(scan_st, 1));
    sum += Fingerprint({data, static_cast<size_t>(sqlite3_column_bytes(scan_st, 1))});
    seen += id.empty() ? 0 : 1;
  }
  SqlMust(db, rc, "scan");
  t.scan = SecondsSince(start);
  if (sum != expected || seen != count)
    Die("plain SQLite scan returned different records from those written");

  for (sqlite3_stmt* st : {insert_st, select_st, scan_st}) sqlite3_finalize(st);
  sqlite3_close_v2(db);
  RemoveDbFiles(path);
  return t;
}

void PrintTimeLine(const char* label, const std::vector<double>& runs, size_t count) {
  double m = Median(runs);
  std::printf("  %-34s %8.3f s  %8.2f us/record   runs: %s\n", label, m, m * 1e6 / static_cast<double>(count),
              JoinRuns(runs).c_str());
}

void PrintRatioLine(const char* label, const std::vector<double>& vault, const std::vector<double>& plain,
                    bool with_target) {
  double ratio = Median(vault) / Median(plain);
  std::printf(
      "  %-34s %8.2fx%s\n", label, ratio,
      with_target ? (ratio <= 1.3 ? "   (target <= 1.30x: met)" : "   (target <= 1.30x: NOT met)") : "");
}

void BenchRecords(const std::string& scratch, size_t count, int runs) {
  std::printf("== Records: %zu x %zu B, batches of %zu, median of %d runs (vault and plain alternate) ==\n",
              count, kRecordSize, kBatchSize, runs);
  uint64_t expected = ExpectedFingerprint(count);
  // Reads by key go in a shuffled order (the same for both sides), as lookups
  // from the UI would, rather than walking the B-tree in order.
  std::vector<uint32_t> read_order(count);
  std::iota(read_order.begin(), read_order.end(), 0u);
  std::shuffle(read_order.begin(), read_order.end(), std::mt19937_64(42));

  std::vector<double> vw, vg, vs, pw, pg, ps;
  for (int r = 0; r < runs; ++r) {
    // Swap which side goes first each run so neither always gets the warmer
    // page cache or the quieter disk.
    for (int side = 0; side < 2; ++side) {
      bool vault_now = (side == 0) == (r % 2 == 0);
      std::fprintf(stderr, "records: run %d/%d, %s...\n", r + 1, runs, vault_now ? "vault" : "plain");
      if (vault_now) {
        RecordTimes t = VaultRecords(scratch + "/records-vault", count, read_order, expected);
        vw.push_back(t.write);
        vg.push_back(t.get);
        vs.push_back(t.scan);
      } else {
        RecordTimes t = PlainRecords(scratch + "/records-plain.db", count, read_order, expected);
        pw.push_back(t.write);
        pg.push_back(t.get);
        ps.push_back(t.scan);
      }
    }
  }
  PrintTimeLine("write, vault (Write)", vw, count);
  PrintTimeLine("write, plain SQLite", pw, count);
  PrintRatioLine("write ratio vault/plain", vw, pw, true);
  PrintTimeLine("read by key, vault (Get)", vg, count);
  PrintTimeLine("read by key, plain SQLite", pg, count);
  PrintRatioLine("read-by-key ratio vault/plain", vg, pg, true);
  PrintTimeLine("read all, vault (Scan)", vs, count);
  PrintTimeLine("read all, plain SQLite", ps, count);
  PrintRatioLine("scan ratio vault/plain", vs, ps, false);
  std::printf("\n");
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------
// Part 2: one large attachment streamed in and out

// Generates `size` pseudo-random bytes on demand: the file never exists
// anywhere, so the RSS figures are the vault's alone.
class GeneratedSource {
 public:
  explicit GeneratedSource(uint64_t size) : remaining_(size) {}
  Result<size_t> Read(std::span<uint8_t> buf) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), remaining_));
    FillRandom(state_, buf.first(n));
    remaining_ -= n;
    return n;
  }

 private:
  uint64_t remaining_;
  uint64_t state_ = 0x5eed;
};

void BenchAttachment(const std::string& scratch, uint64_t mib) {
  const uint64_t size = mib << 20;
  const double mib_d = static_cast<double>(mib);
  std::printf("== Attachment: %llu MiB, streamed in %zu KiB chunks ==\n",
              static_cast<unsigned long long>(mib), Vault::kAttachmentChunkSize / 1024);

  // How fast the generator alone is, to show it is not what limits the figures below.
  {
    GeneratedSource src(size);
    std::vector<uint8_t> buf(Vault::kAttachmentChunkSize);
    volatile uint8_t sink = 0;  // keeps the compiler from skipping the generation
    auto start = Clock::now();
    for (;;) {
      size_t n = src.Read(buf).value();
      if (n == 0) break;
      sink = buf[n - 1];
    }
    double s = SecondsSince(start);
    (void)sink;
    std::printf("  %-34s %8.0f MiB/s\n", "source generator alone", mib_d / s);
  }

  Vault::CreateOptions options;
  options.kdf = ScryptParams::ForTests();
  const std::string dir = scratch + "/attachment-vault";
  auto vault = Must(Vault::Create(dir, PassphraseBytes(), options), "creating the attachment vault");

  bool reset = ResetPeakRss();
  long hwm_before = ProcStatusKiB("VmHWM");

  GeneratedSource src(size);
  auto start = Clock::now();
  auto info = Must(vault->PutAttachment(kReview, [&](std::span<uint8_t> buf) { return src.Read(buf); }),
                   "PutAttachment");
  double put_s = SecondsSince(start);
  long hwm_after_put = ProcStatusKiB("VmHWM");
  if (info.size != size) Die("PutAttachment stored a different size from the one streamed in");

  uint64_t received = 0;
  start = Clock::now();
  Must(vault->ReadAttachment(kReview, info.id,
                             [&](ByteView data) {
                               received += data.size();
                               return Status::Ok();
                             }),
       "ReadAttachment");
  double get_s = SecondsSince(start);
  long hwm_after_get = ProcStatusKiB("VmHWM");
  if (received != size) Die("ReadAttachment returned a different number of bytes from those stored");

  std::printf("  %-34s %8.2f s  %8.0f MiB/s\n", "write (PutAttachment)", put_s, mib_d / put_s);
  std::printf("  %-34s %8.2f s  %8.0f MiB/s\n", "read (ReadAttachment)", get_s, mib_d / get_s);
  std::printf("  %-34s %8.0f MiB\n", "vault file on disk (db + wal)",
              static_cast<double>(DbFilesBytes(dir + "/vault.db")) / (1 << 20));
  std::printf("  %-34s %8.1f MiB%s\n", "peak RSS (VmHWM) before", hwm_before / 1024.0,
              reset ? "   (peak reset via /proc/self/clear_refs)" : "   (could not reset the peak first)");
  std::printf("  %-34s %8.1f MiB\n", "peak RSS (VmHWM) after write", hwm_after_put / 1024.0);
  std::printf("  %-34s %8.1f MiB\n", "peak RSS (VmHWM) after read", hwm_after_get / 1024.0);
  std::printf("  %-34s %8.1f MiB\n", "peak RSS growth over the part", (hwm_after_get - hwm_before) / 1024.0);
  std::printf("\n");
  std::fflush(stdout);

  vault.reset();
  std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------
// Part 3: unlock at the default scrypt cost

void BenchUnlock(const std::string& scratch) {
  constexpr int kTries = 5;
  const ScryptParams params = ScryptParams::Default();
  std::printf("== Unlock at the default scrypt cost, %d tries ==\n", kTries);
  std::printf("  %-34s n=%llu (2^%d) r=%u p=%u\n", "scrypt parameters",
              static_cast<unsigned long long>(params.n), std::countr_zero(params.n), params.r, params.p);
  std::printf("  %-34s %8.0f MiB\n", "scrypt memory (128*n*r)",
              static_cast<double>(params.MemoryBytes()) / (1 << 20));

  const std::string dir = scratch + "/unlock-vault";
  Vault::CreateOptions options;
  options.kdf = params;
  auto start = Clock::now();
  Must(Vault::Create(dir, PassphraseBytes(), options).status(), "creating the unlock vault");
  double create_s = SecondsSince(start);  // the vault is closed again when the Result goes

  std::vector<double> total, unlock_only;
  for (int i = 0; i < kTries; ++i) {
    start = Clock::now();
    auto vault = Must(Vault::Open(dir), "opening the vault");
    auto opened = Clock::now();
    Must(vault->Unlock(PassphraseBytes()), "unlocking the vault");
    total.push_back(SecondsSince(start));
    unlock_only.push_back(SecondsSince(opened));
  }
  auto ms = [](double s) { return s * 1000; };
  std::printf("  %-34s %8.0f ms\n", "Create (one scrypt + setup)", ms(create_s));
  std::printf("  %-34s %8.0f ms min  %8.0f ms median\n", "Open+Unlock",
              ms(*std::min_element(total.begin(), total.end())), ms(Median(total)));
  std::printf("  %-34s %8.0f ms min  %8.0f ms median\n", "Unlock alone",
              ms(*std::min_element(unlock_only.begin(), unlock_only.end())), ms(Median(unlock_only)));
  std::printf("  %-34s %s\n", "Open+Unlock runs (s)", JoinRuns(total).c_str());
  std::printf("\n");
  std::fflush(stdout);
  std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------

const char kUsage[] = R"(usage: vault_bench [--records] [--attachment] [--unlock] [options]

Parts (all of them when none is given):
  --records            records through the vault against plain SQLite
  --attachment         one large attachment streamed in and out
  --unlock             Open+Unlock at the default scrypt cost

Options:
  --records-count N    records per run (default 100000)
  --runs N             runs of each side in --records, median reported (default 3)
  --attachment-mib N   attachment size in MiB (default 1024)
  --dir DIR            make the scratch folder inside DIR (default /tmp); the
                       scratch folder is removed at the end, DIR is left alone
)";

}  // namespace

int main(int argc, char** argv) {
  SetProgram("vault_bench");
  bool records = false, attachment = false, unlock = false;
  size_t records_count = 100000;
  int runs = 3;
  uint64_t attachment_mib = 1024;
  std::string base = "/tmp";

  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto number = [&](const char* flag) -> unsigned long long {
      if (i + 1 >= argc) Die(std::string(flag) + " needs a value");
      char* end = nullptr;
      unsigned long long v = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0' || v == 0) Die(std::string(flag) + " needs a positive whole number");
      return v;
    };
    if (a == "--records") {
      records = true;
    } else if (a == "--attachment") {
      attachment = true;
    } else if (a == "--unlock") {
      unlock = true;
    } else if (a == "--records-count") {
      records_count = number("--records-count");
    } else if (a == "--runs") {
      runs = static_cast<int>(number("--runs"));
    } else if (a == "--attachment-mib") {
      attachment_mib = number("--attachment-mib");
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
  if (!records && !attachment && !unlock) records = attachment = unlock = true;
  if (records_count > UINT32_MAX) Die("--records-count is too large");

  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  std::string templ = base + "/vault_bench.XXXXXX";
  if (!mkdtemp(templ.data())) Die("cannot make a scratch folder in " + base + ": " + std::strerror(errno));
  g_scratch = templ;

  std::printf("vault_bench: scratch folder %s, SQLite %s\n\n", g_scratch.c_str(), sqlite3_libversion());
  if (records) BenchRecords(g_scratch, records_count, runs);
  if (attachment) BenchAttachment(g_scratch, attachment_mib);
  if (unlock) BenchUnlock(g_scratch);

  std::filesystem::remove_all(g_scratch, ec);
  return 0;
}
