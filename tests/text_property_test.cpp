// The text CRDT as a randomized property test.
//
// Three to five replicas make random local inserts (1-8 characters, ASCII and
// two-, three- and four-byte UTF-8) and deletes, take their edits as batches
// now and then, and receive each other's batches in random order, late, early
// (before what they build on), duplicated and echoed back to their author;
// some restart from a snapshot or a copy. Every so often all replicas sync and
// then type concurrently at one shared position (forwards, backwards or in one
// insert). Every inserted character is a code point used nowhere else in the
// seed, so the final text says who typed what.
//
// Once every replica has every batch: all texts are identical with nothing
// waiting; exactly the characters never deleted are present; every run (one
// Insert call, a burst of keystrokes forwards or backwards, or one typist's
// run in a concurrent round) with none of its characters deleted and nothing
// later typed inside it is whole and in order (FugueMax does not interleave);
// no replica ever saw two characters in the other order; anchors of every
// character ever typed, deleted ones included, resolve alike everywhere;
// snapshots round-trip and keep merging; and fresh replicas that get every
// batch in shuffled or reversed order end with the same text. Each local edit
// is also checked against a plain string model as it is made.
//
// Environment:
//   CASEBOARD_TEST_SEED=N        replay one seed
//   CASEBOARD_TEXT_SEEDS=N       seeds 1..N (default 40)
//   CASEBOARD_TEXT_TRACE=1       print every operation of the seeds run to stderr
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/crdt/text.h"
#include "caseboard/status.h"

using caseboard::Bytes;
using caseboard::Status;
using caseboard::crdt::TextAnchor;
using caseboard::crdt::TextSequence;

namespace {

// A number from the environment, or nullopt if unset; fails the test if malformed.
std::optional<uint64_t> EnvNumber(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 0);
  REQUIRE_MESSAGE(*end == '\0', (std::string(name) + " must be a number, not '" + v + "'"));
  return static_cast<uint64_t>(n);
}

bool Tracing() {
  static const bool on = [] {
    const char* v = std::getenv("CASEBOARD_TEXT_TRACE");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}

// SplitMix64, and nothing from <random>: the same schedule on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return n ? static_cast<size_t>(Next() % n) : 0; }
  size_t Between(size_t lo, size_t hi) { return lo + Below(hi - lo + 1); }  // inclusive
  bool Percent(unsigned p) { return Below(100) < p; }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(i)]);
  }

 private:
  uint64_t s_;
};

std::string Utf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) caseboard::AppendUtf8(out, c);
  return out;
}

// Code points of text the sequence returned (checked to be valid UTF-8 first).
std::u32string CodePoints(const std::string& s) {
  std::u32string out;
  REQUIRE(caseboard::DecodeUtf8(s, &out));
  return out;
}

std::string Hex(char32_t c) {
  std::ostringstream s;
  s << "U+" << std::hex << std::uppercase << static_cast<uint32_t>(c);
  return s.str();
}

struct Stats {
  size_t seeds = 0, inserts = 0, deletes = 0, batches = 0, deliveries = 0, duplicates = 0, echoes = 0,
         waited = 0, restarts = 0, hot_rounds = 0, hot_runs_checked = 0, runs_checked = 0, chars = 0,
         max_blocks = 0, shuffled_waited = 0;
  void Add(const Stats& o) {
    seeds += o.seeds, inserts += o.inserts, deletes += o.deletes, batches += o.batches;
    deliveries += o.deliveries, duplicates += o.duplicates, echoes += o.echoes, waited += o.waited;
    restarts += o.restarts, hot_rounds += o.hot_rounds, hot_runs_checked += o.hot_runs_checked;
    runs_checked += o.runs_checked, chars += o.chars, max_blocks = std::max(max_blocks, o.max_blocks);
    shuffled_waited += o.shuffled_waited;
  }
  std::string Summary() const {
    std::ostringstream s;
    s << seeds << " seeds: " << inserts << " inserts, " << deletes << " deletes, " << batches << " batches, "
      << deliveries << " deliveries (" << duplicates << " duplicates, " << echoes << " echoes, " << waited
      << " left edits waiting), " << restarts << " restarts, " << hot_rounds << " concurrent rounds, "
      << hot_runs_checked << " concurrent runs and " << runs_checked << " other runs checked whole, " << chars
      << " characters, up to " << max_blocks << " blocks";
    return s.str();
  }
};

class Sim {
 public:
  explicit Sim(uint64_t seed) : seed_(seed), rng_(seed) {
    size_t n = rng_.Between(3, 5);
    for (size_t i = 0; i < n; ++i) {
      // Random names, so that which replica wins a tie differs from seed to seed.
      std::string name = "dev-";
      for (int k = 0; k < 6; ++k) name.push_back(static_cast<char>('a' + rng_.Below(26)));
      name += "-" + std::to_string(i);
      reps_.emplace_back();
      reps_.back().name = name;
      reps_.back().weight = rng_.Between(1, 4);
    }
  }

  Stats Go() {
    stats_.seeds = 1;
    // Every fifth seed runs long, for a text of many blocks.
    const size_t steps = seed_ % 5 == 0 ? rng_.Between(1200, 1600) : rng_.Between(200, 450);
    Trace("seed " + std::to_string(seed_) + ": " + std::to_string(reps_.size()) + " replicas, " +
          std::to_string(steps) + " steps");
    for (size_t step = 0; step < steps; ++step) {
      if (step % 40 == 20) {
        HotRound();
        continue;
      }
      size_t r = rng_.Below(reps_.size());
      size_t op = rng_.Below(100);
      if (op < 26) {
        RandomInsert(r);
      } else if (op < 32) {
        TypeBurst(r);
      } else if (op < 42) {
        RandomDelete(r);
      } else if (op < 46) {
        DeleteBurst(r);
      } else if (op < 58) {
        Take(r);
      } else if (op < 92) {
        Deliver(PickReceiver(), rng_.Between(1, 3));
      } else if (op < 95) {
        Restart(r);
      } else {
        HotRound();
      }
    }
    for (size_t r = 0; r < reps_.size(); ++r) Take(r);
    Flush();
    FinalChecks();
    return stats_;
  }

  const std::vector<std::string>& problems() const { return problems_; }

 private:
  struct Replica {
    std::string name;
    TextSequence text;
    std::u32string view;  // text.Text() as code points, after every operation
    uint32_t next_seq = 0;
    size_t weight = 1;                 // how often it receives
    std::vector<size_t> inbox;         // log entries not yet delivered
    std::vector<size_t> delivered;     // log entries delivered (for duplicates)
    std::vector<std::u32string> seen;  // views it had, for the order check
  };
  struct CharRec {
    size_t run;
    size_t author;
    uint32_t seq;
    size_t index = SIZE_MAX;  // in its run's final order; SIZE_MAX while the run is being typed
  };
  struct RunRec {
    size_t replica = 0;
    std::string how;
    std::u32string chars;  // in the order its typist saw them when done
    bool hot = false;
    bool split = false;  // someone typed inside it afterwards
  };
  struct LogEntry {
    size_t author;
    Bytes bytes;
  };

  void Trace(const std::string& line) {
    if (Tracing()) std::cerr << "[text seed " << seed_ << "] " << line << "\n";
  }

  void Problem(const std::string& what) {
    if (problems_.size() < 20) problems_.push_back(what);
  }

  char32_t NewChar() {
    for (;;) {
      size_t c = rng_.Below(10);
      if (c < 3 && next_ascii_ < 0x7F) return next_ascii_++;
      if (c < 5 && next_2byte_ < 0x800) return next_2byte_++;
      if (c < 8 && next_3byte_ < 0xA000) return next_3byte_++;
      if (c >= 8 && next_4byte_ < 0x2A6E0) return next_4byte_++;
    }
  }

  void Refresh(Replica& r) {
    std::string text = r.text.Text();
    if (!caseboard::IsValidUtf8(text)) Problem(r.name + ": Text() is not valid UTF-8");
    r.view = CodePoints(text);
    if (r.view.size() != r.text.size())
      Problem(r.name + ": size() " + std::to_string(r.text.size()) + " but Text() has " +
              std::to_string(r.view.size()) + " code points");
  }

  // Marks the runs a local insert at `pos` of `view` lands inside (other than `run`, being typed).
  void MarkSplits(const std::u32string& view, size_t pos, size_t run) {
    auto check = [&](char32_t c, bool left) {
      auto it = chars_.find(c);
      if (it == chars_.end()) return Problem("unknown character " + Hex(c) + " in a view");
      const CharRec& rec = it->second;
      if (rec.run == run || rec.index == SIZE_MAX) return;
      RunRec& other = runs_[rec.run];
      if (left ? rec.index + 1 < other.chars.size() : rec.index > 0) other.split = true;
    };
    if (pos > 0) check(view[pos - 1], true);
    if (pos < view.size()) check(view[pos], false);
  }

  // Replica `ri` inserts `n` new characters at `pos`, as part of run `run`.
  void Insert(size_t ri, size_t pos, size_t n, size_t run) {
    Replica& r = reps_[ri];
    std::u32string s;
    for (size_t k = 0; k < n; ++k) s.push_back(NewChar());
    MarkSplits(r.view, pos, run);
    Trace(r.name + " inserts " + std::to_string(n) + " at " + std::to_string(pos) + " (run " +
          std::to_string(run) + ", " + Hex(s[0]) + "..)");
    Status st = r.text.Insert(r.name, pos, Utf8(s));
    REQUIRE_MESSAGE(st.ok(), r.name, " insert at ", pos, ": ", st.message());
    ++stats_.inserts;
    for (char32_t c : s) chars_[c] = CharRec{run, ri, r.next_seq++, SIZE_MAX};
    std::u32string expect = r.view;
    expect.insert(pos, s);
    Refresh(r);
    if (r.view != expect)
      Problem(r.name + ": a local insert at " + std::to_string(pos) + " did not land there");
  }

  // Records run `run`'s characters as its typist sees them, now that it is typed.
  void FinishRun(size_t run, size_t pos, size_t n) {
    RunRec& rec = runs_[run];
    const std::u32string& view = reps_[rec.replica].view;
    rec.chars = view.substr(pos, n);
    for (size_t k = 0; k < rec.chars.size(); ++k) {
      CharRec& c = chars_.at(rec.chars[k]);
      if (c.run != run) Problem("run " + std::to_string(run) + " is not where it was typed");
      c.index = k;
    }
  }

  size_t NewRun(size_t ri, std::string how, bool hot) {
    RunRec rec;
    rec.replica = ri;
    rec.how = std::move(how);
    rec.hot = hot;
    runs_.push_back(std::move(rec));
    return runs_.size() - 1;
  }

  void RandomInsert(size_t ri) {
    Replica& r = reps_[ri];
    size_t pos = rng_.Percent(10) ? r.view.size() : rng_.Below(r.view.size() + 1);
    size_t n = rng_.Between(1, 8);
    size_t run = NewRun(ri, "in one insert", false);
    Insert(ri, pos, n, run);
    FinishRun(run, pos, n);
  }

  // Keystrokes: 2-8 characters typed one at a time, forwards or each before the last.
  void TypeBurst(size_t ri) {
    Replica& r = reps_[ri];
    size_t pos = rng_.Below(r.view.size() + 1);
    size_t n = rng_.Between(2, 8);
    bool forwards = rng_.Percent(70);
    size_t run = NewRun(ri, forwards ? "as keystrokes forwards" : "as keystrokes backwards", false);
    for (size_t k = 0; k < n; ++k) Insert(ri, forwards ? pos + k : pos, 1, run);
    FinishRun(run, pos, n);
  }

  // Backspace or forward-delete, one character at a time.
  void DeleteBurst(size_t ri) {
    Replica& r = reps_[ri];
    if (r.view.empty()) return;
    size_t pos = rng_.Below(r.view.size());
    bool backspace = rng_.Percent(50);
    for (size_t n = rng_.Between(2, 10); n > 0 && !r.view.empty() && pos < r.view.size(); --n) {
      DeleteAt(ri, pos, 1);
      if (backspace) {
        if (pos == 0) break;
        --pos;
      }
    }
  }

  void RandomDelete(size_t ri) {
    Replica& r = reps_[ri];
    if (r.view.empty()) return;
    size_t pos = rng_.Below(r.view.size());
    size_t max = rng_.Percent(10) ? 30 : 4;  // now and then a selection
    DeleteAt(ri, pos, rng_.Between(1, std::min<size_t>(max, r.view.size() - pos)));
  }

  void DeleteAt(size_t ri, size_t pos, size_t len) {
    Replica& r = reps_[ri];
    Trace(r.name + " deletes " + std::to_string(len) + " at " + std::to_string(pos));
    for (size_t k = 0; k < len; ++k) deleted_.insert(r.view[pos + k]);
    Status st = r.text.Delete(r.name, pos, len);
    REQUIRE_MESSAGE(st.ok(), r.name, " delete ", len, " at ", pos, ": ", st.message());
    ++stats_.deletes;
    std::u32string expect = r.view;
    expect.erase(pos, len);
    Refresh(r);
    if (r.view != expect)
      Problem(r.name + ": a local delete at " + std::to_string(pos) + " deleted elsewhere");
  }

  void Take(size_t ri) {
    Replica& r = reps_[ri];
    if (!r.text.has_local_edits()) return;
    Bytes batch = r.text.TakeLocalEdits();
    if (batch.empty()) return Problem(r.name + ": has_local_edits() but an empty batch");
    if (r.text.has_local_edits()) Problem(r.name + ": local edits left after TakeLocalEdits");
    Status check = TextSequence::CheckBatch(batch);
    if (!check.ok()) Problem(r.name + ": CheckBatch refused its own batch: " + check.message());
    log_.push_back(LogEntry{ri, std::move(batch)});
    ++stats_.batches;
    Trace(r.name + " takes batch " + std::to_string(log_.size() - 1));
    for (size_t j = 0; j < reps_.size(); ++j)
      if (j != ri || rng_.Percent(10)) reps_[j].inbox.push_back(log_.size() - 1);
    r.seen.push_back(r.view);
  }

  size_t PickReceiver() {
    size_t total = 0;
    for (const Replica& r : reps_) total += r.weight;
    size_t x = rng_.Below(total);
    for (size_t i = 0; i < reps_.size(); ++i) {
      if (x < reps_[i].weight) return i;
      x -= reps_[i].weight;
    }
    return 0;
  }

  void ApplyEntry(size_t ri, size_t entry, bool duplicate) {
    Replica& r = reps_[ri];
    const LogEntry& e = log_[entry];
    const bool echo = e.author == ri;
    const char* what = duplicate ? " gets again batch " : echo ? " gets its own batch " : " gets batch ";
    Trace(r.name + what + std::to_string(entry));
    const std::u32string before = r.view;
    Status st = r.text.Apply(reps_[e.author].name, e.bytes);
    REQUIRE_MESSAGE(st.ok(), r.name, " applying batch ", entry, ": ", st.message());
    Refresh(r);
    r.seen.push_back(r.view);
    if (r.text.waiting() > 0) ++stats_.waited;
    if (duplicate || echo) {
      ++(duplicate ? stats_.duplicates : stats_.echoes);
      if (r.view != before)
        Problem(r.name + ": a batch applied again changed the text (batch " + std::to_string(entry) + ")");
    } else {
      ++stats_.deliveries;
      r.delivered.push_back(entry);
    }
  }

  // Delivers up to `count` random batches from `ri`'s inbox, maybe with a duplicate.
  void Deliver(size_t ri, size_t count) {
    Replica& r = reps_[ri];
    for (size_t k = 0; k < count && !r.inbox.empty(); ++k) {
      size_t i = rng_.Below(r.inbox.size());
      size_t entry = r.inbox[i];
      r.inbox.erase(r.inbox.begin() + static_cast<ptrdiff_t>(i));
      ApplyEntry(ri, entry, false);
    }
    if (!r.delivered.empty() && rng_.Percent(15))
      ApplyEntry(ri, r.delivered[rng_.Below(r.delivered.size())], true);
  }

  // Everyone gets everything still in flight, in random order.
  void Flush() {
    for (;;) {
      std::vector<size_t> busy;
      for (size_t i = 0; i < reps_.size(); ++i)
        if (!reps_[i].inbox.empty()) busy.push_back(i);
      if (busy.empty()) break;
      Deliver(busy[rng_.Below(busy.size())], 1);
    }
    for (size_t i = 0; i < reps_.size(); ++i) {
      if (reps_[i].text.waiting() != 0)
        Problem(reps_[i].name + ": " + std::to_string(reps_[i].text.waiting()) +
                " edits waiting after a sync");
      if (reps_[i].view != reps_[0].view && !diverged_) {
        diverged_ = true;  // reported once: the later checks say more
        Problem(reps_[i].name + " and " + reps_[0].name + " differ after a sync (batch " +
                std::to_string(log_.size()) + "): " + Diff(reps_[i].view, reps_[0].view));
      }
    }
  }

  // Where two texts part, with a little context.
  static std::string Diff(const std::u32string& a, const std::u32string& b) {
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    size_t from = i < 8 ? 0 : i - 8;
    return "from code point " + std::to_string(i) + ": ..." + Utf8(a.substr(from, 24)) + "... vs ..." +
           Utf8(b.substr(from, 24)) + "...";
  }

  // A restart: from a snapshot (only without unsent edits, which snapshots do not hold) or a copy.
  void Restart(size_t ri) {
    Replica& r = reps_[ri];
    ++stats_.restarts;
    if (!r.text.has_local_edits() && rng_.Percent(60)) {
      Trace(r.name + " restarts from a snapshot");
      Bytes encoded = r.text.Encode();
      auto decoded = TextSequence::Decode(encoded);
      REQUIRE_MESSAGE(decoded.ok(), r.name, " decoding its snapshot: ", decoded.status().message());
      if (decoded->Encode() != encoded) Problem(r.name + ": a decoded snapshot encodes differently");
      if (decoded->waiting() != r.text.waiting()) Problem(r.name + ": a snapshot lost waiting edits");
      r.text = std::move(decoded).value();
    } else if (rng_.Percent(50)) {
      Trace(r.name + " restarts from a copy");
      TextSequence copy(r.text);
      r.text = std::move(copy);
    } else {
      Trace(r.name + " restarts from an assigned copy");
      TextSequence copy;
      copy = r.text;
      r.text = std::move(copy);
    }
    const std::u32string before = r.view;
    Refresh(r);
    if (r.view != before) Problem(r.name + ": a restart changed the text");
  }

  // Everyone syncs, then some replicas type at one shared position at once.
  void HotRound() {
    for (size_t r = 0; r < reps_.size(); ++r) Take(r);
    Flush();
    ++stats_.hot_rounds;
    const size_t size = reps_[0].view.size();
    size_t pos = rng_.Percent(20) ? 0 : rng_.Percent(25) ? size : rng_.Below(size + 1);
    std::vector<size_t> who(reps_.size());
    for (size_t i = 0; i < who.size(); ++i) who[i] = i;
    rng_.Shuffle(who);
    who.resize(rng_.Between(2, reps_.size()));
    Trace("concurrent round at " + std::to_string(pos));
    for (size_t ri : who) {
      size_t n = rng_.Between(1, 8);
      size_t how = rng_.Below(3);
      size_t run = NewRun(ri, how == 0 ? "forwards" : how == 1 ? "backwards" : "in one insert", true);
      for (size_t k = 0; k < n; ++k) {
        if (how == 0) Insert(ri, pos + k, 1, run);
        if (how == 1) Insert(ri, pos, 1, run);
      }
      if (how == 2) Insert(ri, pos, n, run);
      FinishRun(run, pos, n);
    }
    for (size_t ri : who) Take(ri);
  }

  size_t PosOf(char32_t c) const {
    auto it = pos_.find(c);
    return it == pos_.end() ? SIZE_MAX : it->second;
  }

  std::string Describe(const RunRec& run, const std::u32string& text) {
    std::ostringstream s;
    s << (run.hot ? "concurrent run typed " : "run typed ") << run.how << " by " << reps_[run.replica].name
      << " is not whole: its characters are at";
    for (char32_t c : run.chars)
      s << " " << (PosOf(c) == SIZE_MAX ? std::string("-") : std::to_string(PosOf(c)));
    size_t first = PosOf(run.chars[0]);
    size_t from = first == SIZE_MAX || first < 4 ? 0 : first - 4;
    s << " of " << text.size() << " (" << Utf8(run.chars) << " in ..."
      << Utf8(text.substr(from, run.chars.size() * 3 + 8)) << "...)";
    return s.str();
  }

  void FinalChecks() {
    const std::u32string& text = reps_[0].view;
    for (size_t i = 0; i < reps_.size(); ++i) {
      Replica& r = reps_[i];
      stats_.max_blocks = std::max(stats_.max_blocks, r.text.stats().blocks);
      if (r.text.waiting() != 0) Problem(r.name + ": edits still waiting at the end");
      if (r.view != text)
        Problem(r.name + " ended with a different text than " + reps_[0].name + ": " + Diff(r.view, text));
    }
    // The checks below look at the first replica's text, even if the others differ.

    // Exactly the characters nobody deleted, each once.
    for (size_t i = 0; i < text.size(); ++i) {
      if (!chars_.count(text[i])) Problem("a character nobody typed: " + Hex(text[i]));
      if (deleted_.count(text[i])) Problem("a deleted character is back: " + Hex(text[i]));
      if (!pos_.emplace(text[i], i).second) Problem("a character twice: " + Hex(text[i]));
    }
    for (const auto& [c, rec] : chars_)
      if (!deleted_.count(c) && !pos_.count(c)) Problem("a character nobody deleted is missing: " + Hex(c));
    stats_.chars = chars_.size();

    // No interleaving: runs intact since typed are whole and in order.
    for (const RunRec& run : runs_) {
      if (run.split) continue;
      if (std::any_of(run.chars.begin(), run.chars.end(), [&](char32_t c) { return deleted_.count(c) > 0; }))
        continue;
      ++(run.hot ? stats_.hot_runs_checked : stats_.runs_checked);
      size_t first = PosOf(run.chars[0]);
      for (size_t k = 1; k < run.chars.size(); ++k) {
        if (first == SIZE_MAX || PosOf(run.chars[k]) != first + k) {
          Problem(Describe(run, text));
          break;
        }
      }
    }

    // Order: two characters some replica saw one way round are in that order at the end.
    for (const Replica& r : reps_) {
      bool order_ok = true;  // one report per replica
      for (size_t v = 0; v < r.seen.size() && order_ok; ++v) {
        const std::u32string& view = r.seen[v];
        size_t last = 0;
        bool any = false;
        for (char32_t c : view) {
          auto it = pos_.find(c);
          if (it == pos_.end()) continue;
          if (any && it->second <= last) {
            Problem(r.name + " once saw " + Hex(c) + " after a character it ends up before");
            order_ok = false;
            break;
          }
          last = it->second;
          any = true;
        }
      }
    }

    // Snapshots: exact round trip.
    std::vector<TextSequence> decoded;
    for (const Replica& r : reps_) {
      Bytes encoded = r.text.Encode();
      auto d = TextSequence::Decode(encoded);
      REQUIRE_MESSAGE(d.ok(), r.name, " decoding its final snapshot: ", d.status().message());
      if (d->Text() != r.text.Text()) Problem(r.name + ": its snapshot decodes to another text");
      if (d->Encode() != encoded) Problem(r.name + ": its decoded snapshot encodes differently");
      decoded.push_back(std::move(d).value());
    }

    // Fresh replicas that get every batch, shuffled with duplicates, or newest first.
    std::vector<size_t> order(log_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    rng_.Shuffle(order);
    for (size_t i = 0, n = order.size() / 8; i < n; ++i) order.push_back(order[rng_.Below(order.size())]);
    rng_.Shuffle(order);
    TextSequence shuffled, reversed;
    size_t shuffled_waited = 0;
    for (size_t i : order) {
      REQUIRE(shuffled.Apply(reps_[log_[i].author].name, log_[i].bytes).ok());
      shuffled_waited = std::max(shuffled_waited, shuffled.waiting());
    }
    for (size_t i = log_.size(); i-- > 0;)
      REQUIRE(reversed.Apply(reps_[log_[i].author].name, log_[i].bytes).ok());
    if (shuffled.Text() != Utf8(text)) Problem("a fresh replica given every batch, shuffled, differs");
    if (reversed.Text() != Utf8(text)) Problem("a fresh replica given every batch, newest first, differs");
    if (shuffled.waiting() || reversed.waiting()) Problem("a fresh replica has edits waiting at the end");
    if (shuffled_waited > 0) ++stats_.shuffled_waited;

    // Anchors: every character ever typed resolves to the same place everywhere,
    // just after itself if it is visible.
    std::vector<const TextSequence*> all;
    std::vector<std::string> names;
    for (const Replica& r : reps_) all.push_back(&r.text), names.push_back(r.name);
    for (const Replica& r : reps_) names.push_back(r.name + " decoded");
    for (const TextSequence& d : decoded) all.push_back(&d);
    all.push_back(&shuffled), names.push_back("the shuffled replay");
    all.push_back(&reversed), names.push_back("the newest-first replay");
    for (const auto& [c, rec] : chars_) {
      TextAnchor anchor{reps_[rec.author].name, rec.seq};
      size_t p = all[0]->PositionOf(anchor);
      auto it = pos_.find(c);
      if (it != pos_.end() && p != it->second + 1)
        Problem("the anchor of visible " + Hex(c) + " resolves to " + std::to_string(p) + ", not " +
                std::to_string(it->second + 1));
      if (p > text.size()) Problem("an anchor resolves past the end");
      for (size_t k = 1; k < all.size(); ++k)
        if (all[k]->PositionOf(anchor) != p) {
          Problem("the anchor of " + Hex(c) + (it == pos_.end() ? " (deleted)" : "") + " resolves to " +
                  std::to_string(all[k]->PositionOf(anchor)) + " on " + names[k] + ", to " +
                  std::to_string(p) + " on " + names[0]);
          break;
        }
    }
    for (size_t i = 0; i < text.size(); ++i) {
      const CharRec& rec = chars_.at(text[i]);
      if (!(reps_[0].text.AnchorAt(i + 1) == TextAnchor{reps_[rec.author].name, rec.seq}))
        Problem("AnchorAt(" + std::to_string(i + 1) + ") does not name " + Hex(text[i]));
    }

    // Everything keeps merging: one more concurrent edit each, taken by all,
    // snapshots and fresh replicas included.
    std::vector<Bytes> last;
    for (size_t i = 0; i < reps_.size(); ++i) {
      Replica& r = reps_[i];
      size_t n = r.text.size();
      if (n > 0 && rng_.Percent(50)) REQUIRE(r.text.Delete(r.name, rng_.Below(n), 1).ok());
      REQUIRE(r.text.Insert(r.name, rng_.Below(r.text.size() + 1), Utf8(std::u32string(1, NewChar()))).ok());
      last.push_back(r.text.TakeLocalEdits());
    }
    std::vector<TextSequence*> targets;
    for (Replica& r : reps_) targets.push_back(&r.text);
    for (TextSequence& d : decoded) targets.push_back(&d);
    targets.push_back(&shuffled);
    targets.push_back(&reversed);
    for (size_t t = 0; t < targets.size(); ++t)
      for (size_t k = 0; k < last.size(); ++k) {
        size_t i = (k + t) % last.size();  // a different order for each
        REQUIRE(targets[t]->Apply(reps_[i].name, last[i]).ok());
      }
    const std::string final_text = targets[0]->Text();
    for (size_t t = 1; t < targets.size(); ++t)
      if (targets[t]->Text() != final_text) {
        Problem("after one more edit each, replica " + std::to_string(t) + " differs");
        break;
      }
  }

  uint64_t seed_;
  Rng rng_;
  std::vector<Replica> reps_;
  std::vector<LogEntry> log_;
  std::vector<RunRec> runs_;
  std::unordered_map<char32_t, CharRec> chars_;
  std::unordered_set<char32_t> deleted_;
  std::unordered_map<char32_t, size_t> pos_;  // final position of each visible character
  std::vector<std::string> problems_;
  bool diverged_ = false;
  Stats stats_;
  char32_t next_ascii_ = 0x21, next_2byte_ = 0x100, next_3byte_ = 0x4E00, next_4byte_ = 0x20000;
};

Stats RunSeed(uint64_t seed) {
  INFO("seed ", seed, " (replay with CASEBOARD_TEST_SEED=", seed, ", trace with CASEBOARD_TEXT_TRACE=1)");
  Sim sim(seed);
  Stats s = sim.Go();
  std::ostringstream report;
  for (const std::string& p : sim.problems()) report << "\n  " << p;
  CHECK_MESSAGE(sim.problems().empty(), "seed ", seed, ":", report.str());
  REQUIRE(sim.problems().empty());  // stops at the first failing seed
  return s;
}

TEST_CASE("text replicas converge without interleaving: random edits, random delivery") {
  Stats total;
  if (auto one = EnvNumber("CASEBOARD_TEST_SEED")) {
    total.Add(RunSeed(*one));
  } else {
    uint64_t count = EnvNumber("CASEBOARD_TEXT_SEEDS").value_or(40);
    for (uint64_t seed = 1; seed <= count; ++seed) total.Add(RunSeed(seed));
  }
  MESSAGE(total.Summary());
  // Not vacuous: the schedule made the cases the checks are about (a single
  // replayed seed may miss some).
  if (total.seeds >= 10) {
    CHECK(total.hot_runs_checked > 0);
    CHECK(total.runs_checked > 0);
    CHECK(total.waited > 0);
    CHECK(total.shuffled_waited > 0);
    CHECK(total.duplicates > 0);
    CHECK(total.echoes > 0);
    CHECK(total.restarts > 0);
    CHECK(total.max_blocks > 1);
  }
}

}  // namespace
