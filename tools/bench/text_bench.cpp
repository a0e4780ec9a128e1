// text_bench: the text CRDT on real editing traces, side by side with a plain
// gap buffer (no CRDT) replaying the same edits in the same run.
//
// For each sequential trace it reports: local replay (every patch as a local
// edit, keystrokes grouped into one batch per editing burst, as the app
// does), the gap-buffer floor and the ratio to it, merging the whole history
// into an empty replica as received from a peer, memory held after replay,
// the encoded state (snapshot) size and the total size of the burst batches,
// and reloading the snapshot. For friendsforever (two authors typing at once)
// it reports the concurrent replay and the merge of everything into a fresh
// replica. Compare with ../shared/bench/peers (node replay.mjs) run in the
// same session: ratios, not absolute times.
//
//   text_bench [--runs N] [--traces DIR] [--burst-gap-ms MS]
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench_util.h"
#include "caseboard/crdt/text.h"
#include "editing_trace.h"
#include "trace_replay.h"

using namespace caseboard;
using crdt::TextSequence;
using traces::EditingTrace;

namespace {

using Clock = std::chrono::steady_clock;
double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The physical floor: a gap buffer of code points, no ids, no history.
class GapBuffer {
 public:
  void Insert(size_t pos, std::string_view utf8) {
    MoveGap(pos);
    for (size_t i = 0; i < utf8.size();) {
      unsigned char c = static_cast<unsigned char>(utf8[i]);
      size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
      for (size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
      if (gap_start_ == gap_end_) Grow();
      buf_[gap_start_++] = cp;
      i += n;
    }
  }
  void Delete(size_t pos, size_t len) {
    MoveGap(pos);
    gap_end_ += len;
  }
  size_t size() const { return buf_.size() - (gap_end_ - gap_start_); }

 private:
  void MoveGap(size_t pos) {
    if (pos < gap_start_) {
      size_t n = gap_start_ - pos;
      std::memmove(&buf_[gap_end_ - n], &buf_[pos], n * sizeof(char32_t));
      gap_start_ -= n, gap_end_ -= n;
    } else if (pos > gap_start_) {
      size_t n = pos - gap_start_;
      std::memmove(&buf_[gap_start_], &buf_[gap_end_], n * sizeof(char32_t));
      gap_start_ += n, gap_end_ += n;
    }
  }
  void Grow() {
    size_t old = buf_.size(), extra = std::max<size_t>(1024, old);
    buf_.resize(old + extra);
    std::memmove(&buf_[gap_end_ + extra], &buf_[gap_end_], (old - gap_end_) * sizeof(char32_t));
    gap_end_ += extra;
  }
  std::vector<char32_t> buf_;
  size_t gap_start_ = 0, gap_end_ = 0;
};

size_t HeapInUse() { return mallinfo2().uordblks; }

struct Options {
  int runs = 5;
  std::string dir = traces::TracesDir();
  int64_t burst_gap_ms = 2000;       // a pause this long ends an editing burst
  int64_t burst_max_ms = 30 * 1000;  // and no burst lasts longer (as ReplicaOptions)
  // For traces whose timestamps do not spread out (automerge-paper's span
  // 0.3 s), a burst is this many keystrokes instead.
  size_t burst_patches = 100;
};

// Replays a sequential trace as local edits; returns the burst batches.
bool UsableTimes(const EditingTrace& t) {
  return !t.txns.empty() && t.txns.back().time_ms - t.txns.front().time_ms > 60 * 1000;
}

std::vector<Bytes> ReplayLocal(const EditingTrace& t, const Options& o, TextSequence& text) {
  std::vector<Bytes> batches;
  int64_t burst_start = 0, last = 0;
  size_t in_burst = 0;
  const bool by_time = UsableTimes(t);
  for (const auto& txn : t.txns) {
    bool end = by_time ? txn.time_ms - last >= o.burst_gap_ms || txn.time_ms - burst_start >= o.burst_max_ms
                       : in_burst >= o.burst_patches;
    if (end && text.has_local_edits()) {
      batches.push_back(text.TakeLocalEdits());
      in_burst = 0;
    }
    in_burst += txn.patches.size();
    if (!text.has_local_edits()) burst_start = txn.time_ms;
    last = txn.time_ms;
    bench::Must(traces::ApplyTxn(text, "author", txn), "replay");
  }
  if (text.has_local_edits()) batches.push_back(text.TakeLocalEdits());
  return batches;
}

void Sequential(const std::string& name, const Options& o) {
  EditingTrace t = bench::Must(traces::LoadEditingTrace(o.dir + "/" + name + ".json.gz"), "load trace");
  std::vector<double> gap_ms, local_ms, merge_ms, merge_one_ms, load_ms;
  std::vector<Bytes> batches;
  Bytes whole;
  size_t held = 0, batch_bytes = 0;
  Bytes encoded;
  TextSequence::Stats stats;
  for (int run = 0; run < o.runs; ++run) {
    auto t0 = Clock::now();
    GapBuffer gap;
    for (const auto& txn : t.txns)
      for (const auto& p : txn.patches) {
        if (p.del) gap.Delete(p.pos, p.del);
        if (!p.ins.empty()) gap.Insert(p.pos, p.ins);
      }
    gap_ms.push_back(Ms(Clock::now() - t0));
    if (gap.size() == 0) bench::Die("gap buffer replay went wrong");

    size_t heap0 = HeapInUse();
    auto t1 = Clock::now();
    auto text = std::make_unique<TextSequence>();
    batches = ReplayLocal(t, o, *text);
    local_ms.push_back(Ms(Clock::now() - t1));
    if (text->Text() != t.end_content) bench::Die(name + ": local replay does not match endContent");
    batch_bytes = 0;
    for (const Bytes& b : batches) batch_bytes += b.size();
    held = HeapInUse() - heap0 - [&] {
      size_t n = 0;
      for (const Bytes& b : batches) n += b.capacity();
      return n;
    }();
    stats = text->stats();
    encoded = text->Encode();

    auto t2 = Clock::now();
    TextSequence peer;
    for (const Bytes& b : batches) bench::Must(peer.Apply("author", b), "apply");
    merge_ms.push_back(Ms(Clock::now() - t2));
    if (peer.Text() != t.end_content) bench::Die(name + ": merged history does not match endContent");

    // The whole history as one batch, as a peer that has never seen it gets it.
    TextSequence whole_src;
    for (const auto& txn : t.txns) bench::Must(traces::ApplyTxn(whole_src, "author", txn), "replay");
    whole = whole_src.TakeLocalEdits();
    auto t4 = Clock::now();
    TextSequence fresh;
    bench::Must(fresh.Apply("author", whole), "apply");
    merge_one_ms.push_back(Ms(Clock::now() - t4));
    if (fresh.Text() != t.end_content) bench::Die(name + ": merged history does not match endContent");

    auto t3 = Clock::now();
    TextSequence loaded = bench::Must(TextSequence::Decode(encoded), "decode");
    load_ms.push_back(Ms(Clock::now() - t3));
    if (loaded.Text() != t.end_content) bench::Die(name + ": reloaded snapshot does not match");
  }
  double gap = bench::Median(gap_ms), local = bench::Median(local_ms);
  std::printf("%s: %zu patches, %zu characters typed, %zu left\n", name.c_str(), t.patch_count(), stats.chars,
              t.end_content.size());
  std::printf("  gap buffer (floor)          %9.2f ms\n", gap);
  std::printf("  local replay                %9.2f ms   %.1fx the gap buffer\n", local, local / gap);
  std::printf("  merge history into empty    %9.2f ms   as one batch of %.1f KB\n",
              bench::Median(merge_one_ms), whole.size() / 1024.0);
  std::printf("  ... as burst batches        %9.2f ms   (%zu bursts, by %s)\n", bench::Median(merge_ms),
              batches.size(), UsableTimes(t) ? "pauses in the trace's timestamps" : "100 keystrokes");
  std::printf("  reload snapshot             %9.2f ms\n", bench::Median(load_ms));
  std::printf("  memory after replay         %9.1f KB malloc'd (estimate %.1f KB; %zu runs in %zu blocks)\n",
              held / 1024.0, stats.heap_bytes / 1024.0, stats.runs, stats.blocks);
  std::printf("  encoded state (snapshot)    %9.1f KB\n", encoded.size() / 1024.0);
  std::printf("  burst batches, summed       %9.1f KB\n", batch_bytes / 1024.0);
}

void Concurrent(const std::string& name, const Options& o) {
  EditingTrace t = bench::Must(traces::LoadEditingTrace(o.dir + "/" + name + ".json.gz"), "load trace");
  std::vector<double> replay_ms, merge_ms;
  for (int run = 0; run < o.runs; ++run) {
    auto t0 = Clock::now();
    traces::ConcurrentReplay replay = bench::Must(traces::ReplayConcurrent(t), "replay");
    replay_ms.push_back(Ms(Clock::now() - t0));
    for (auto& r : replay.replicas)
      if (r.Text() != t.end_content) bench::Die(name + ": concurrent replay does not match endContent");
    const auto& batches = replay.batches;
    const size_t n = t.txns.size();

    auto t1 = Clock::now();
    TextSequence fresh;
    for (uint32_t i = 0; i < n; ++i)
      if (!batches[i].empty())
        bench::Must(fresh.Apply(traces::AgentName(t.txns[i].agent), batches[i]), "apply");
    merge_ms.push_back(Ms(Clock::now() - t1));
    if (fresh.Text() != t.end_content) bench::Die(name + ": merge does not match endContent");
  }
  std::printf("%s: %zu txns by %u agents, concurrent\n", name.c_str(), t.txns.size(), t.agents);
  std::printf("  replay, one replica per agent %7.2f ms (both replicas end at endContent)\n",
              bench::Median(replay_ms));
  std::printf("  merge all into a fresh replica %6.2f ms\n", bench::Median(merge_ms));
}

}  // namespace

int main(int argc, char** argv) {
  bench::SetProgram("text_bench");
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) bench::Die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--runs") {
      o.runs = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--traces") {
      o.dir = value();
    } else if (a == "--burst-gap-ms") {
      o.burst_gap_ms = std::atoll(value().c_str());
    } else if (a == "--help" || a == "-h") {
      std::printf("usage: text_bench [--runs N] [--traces DIR] [--burst-gap-ms MS]\n");
      return 0;
    } else {
      bench::Die("unknown option " + a + " (see --help)");
    }
  }
  std::printf("text_bench: median of %d runs\n", o.runs);
  Sequential("automerge-paper", o);
  Sequential("seph-blog1", o);
  Concurrent("friendsforever", o);
  return 0;
}
