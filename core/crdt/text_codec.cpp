// Encodings of a TextSequence: the batch of edits one change carries, and the
// whole state for snapshots. Both are varint-packed; a decoder checks every
// count and id against what it has read so far, so hostile input gets an
// error, never a crash.
//
// Batch (v1):  0x01, names, edits
//   names: n, then n x (len, bytes). Agent ref 0 is the batch's author; ref i
//          is names[i-1].
//   edit:  kind (0 insert, 1 delete), then
//          insert: seq, origin left, origin right, byte length, UTF-8 text
//          delete: agent ref, seq, len
//   origin: 0 for none, or ref+1 followed by seq.
// State: 0x03, the body's size, then the body deflated: agent names, the
//   run count, each agent's typed text (every character, deleted ones too),
//   then the runs in document order column by column (flags, then only what
//   the flags do not imply), then the edits still waiting, which change
//   signed each agent's characters, and the count of dropped edits.
#include <algorithm>
#include <functional>

#include <zlib.h>

#include "crdt/text_impl.h"

namespace caseboard::crdt {

namespace {

constexpr uint8_t kBatchVersion = 1;
constexpr uint8_t kStateVersion = 4;
constexpr size_t kMaxName = 128;
constexpr uint64_t kMaxSeq = 0xFFFFFFF0u;

void PutVarint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

void PutString(Bytes& out, std::string_view s) {
  PutVarint(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void PutText(Bytes& out, const char32_t* cps, size_t n) {
  std::string utf8;
  utf8.reserve(n);
  for (size_t i = 0; i < n; ++i) AppendUtf8(utf8, cps[i]);
  PutString(out, utf8);
}

class Reader {
 public:
  explicit Reader(ByteView in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool done() const { return p_ == end_; }
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  bool Byte(uint8_t* v) {
    if (p_ == end_) return false;
    *v = *p_++;
    return true;
  }
  bool Varint(uint64_t* v, uint64_t max = kMaxSeq) {
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      uint8_t b = *p_++;
      x |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        *v = x;
        return x <= max;
      }
    }
    return false;
  }
  bool U32(uint32_t* v) {
    uint64_t x;
    if (!Varint(&x)) return false;
    *v = static_cast<uint32_t>(x);
    return true;
  }
  bool String(std::string* s, size_t max) {
    uint64_t n;
    if (!Varint(&n, max) || n > left()) return false;
    s->assign(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return true;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

Status Malformed(const char* what) { return Status::Corruption(std::string("malformed text data: ") + what); }

}  // namespace

// ---- Batches ----

Bytes TextSequence::Impl::EncodeBatch(const std::vector<TextEdit>& edits, uint32_t author) const {
  // Agent refs: 0 is the author, then every other agent the edits name.
  std::vector<uint32_t> names;
  auto ref = [&](uint32_t agent) -> uint64_t {
    if (agent == author) return 0;
    auto it = std::find(names.begin(), names.end(), agent);
    if (it != names.end()) return static_cast<uint64_t>(it - names.begin()) + 1;
    names.push_back(agent);
    return names.size();
  };
  Bytes body;
  auto put_origin = [&](CharId id) {
    if (id.none()) return PutVarint(body, 0);
    PutVarint(body, ref(id.agent) + 1);
    PutVarint(body, id.seq);
  };
  PutVarint(body, edits.size());
  for (const TextEdit& e : edits) {
    body.push_back(e.kind);
    if (e.kind == TextEdit::kInsert) {
      PutVarint(body, e.seq);
      put_origin(e.left);
      put_origin(e.right);
      if (e.text.empty())
        PutText(body, agents[e.agent].chars.data() + e.seq, e.len);
      else
        PutText(body, e.text.data(), e.text.size());
    } else {
      PutVarint(body, ref(e.agent));
      PutVarint(body, e.seq);
      PutVarint(body, e.len);
    }
  }
  Bytes out{kBatchVersion};
  PutVarint(out, names.size());
  for (uint32_t a : names) PutString(out, agents[a].name);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Status DecodeBatch(ByteView batch, std::vector<std::string>* names, std::vector<TextEdit>* edits) {
  Reader in(batch);
  uint8_t version;
  if (!in.Byte(&version) || version != kBatchVersion) return Malformed("unknown text batch version");
  uint64_t n;
  if (!in.Varint(&n, in.left())) return Malformed("bad agent count");
  for (uint64_t i = 0; i < n; ++i) {
    std::string name;
    if (!in.String(&name, kMaxName) || name.empty()) return Malformed("bad agent name");
    names->push_back(std::move(name));
  }
  const uint64_t refs = names->size() + 1;  // ref 0 is the author
  auto agent_ref = [&](uint64_t r, uint32_t* agent) {
    if (r >= refs) return false;
    *agent = static_cast<uint32_t>(r);
    return true;
  };
  auto origin = [&](CharId* id) {
    uint64_t r;
    if (!in.Varint(&r, refs)) return false;
    if (r == 0) {
      *id = {};
      return true;
    }
    return agent_ref(r - 1, &id->agent) && in.U32(&id->seq);
  };
  if (!in.Varint(&n, in.left())) return Malformed("bad edit count");
  for (uint64_t i = 0; i < n; ++i) {
    TextEdit e;
    uint8_t kind;
    if (!in.Byte(&kind)) return Malformed("truncated edit");
    if (kind == TextEdit::kInsert) {
      e.kind = TextEdit::kInsert;
      e.agent = 0;
      std::string utf8;
      if (!in.U32(&e.seq) || !origin(&e.left) || !origin(&e.right)) return Malformed("bad insert");
      if (!in.String(&utf8, in.left()) || utf8.empty()) return Malformed("bad inserted text");
      if (!DecodeUtf8(utf8, &e.text)) return Malformed("inserted text is not valid UTF-8");
      if (e.seq + e.text.size() > kMaxSeq) return Malformed("insert past the id limit");
    } else if (kind == TextEdit::kDelete) {
      e.kind = TextEdit::kDelete;
      uint64_t r;
      if (!in.Varint(&r, refs) || !agent_ref(r, &e.agent) || !in.U32(&e.seq) || !in.U32(&e.len) ||
          e.len == 0 || static_cast<uint64_t>(e.seq) + e.len > kMaxSeq)
        return Malformed("bad delete");
    } else {
      return Malformed("unknown edit kind");
    }
    edits->push_back(std::move(e));
  }
  if (!in.done()) return Malformed("trailing bytes after the edits");
  return Status::Ok();
}

Status TextSequence::CheckBatch(ByteView batch) {
  std::vector<std::string> names;
  std::vector<TextEdit> edits;
  return DecodeBatch(batch, &names, &edits);
}

Result<TextSequence::BatchSummary> TextSequence::Summarize(ByteView batch) {
  std::vector<std::string> names;
  std::vector<TextEdit> edits;
  CB_RETURN_IF_ERROR(DecodeBatch(batch, &names, &edits));
  BatchSummary sum;
  for (const TextEdit& e : edits)
    (e.kind == TextEdit::kInsert ? sum.inserted += e.text.size() : sum.deleted += e.len);
  return sum;
}

// ---- State ----

namespace {
enum RunFlags : uint8_t {
  kDeleted = 1,
  kLeftIsPrevious = 2,  // left origin is the last character of the run before
  kRightIsNext = 4,     // right origin is the first character of the run after
  kSameAgent = 8,       // same agent as the run before
  kRightNone = 16,      // right origin is the end
  kSeqFollows = 32,     // seq is where this agent's previous run in document order ended
};

// zlib's worst case expansion is about 1032:1; refuse to inflate more.
constexpr uint64_t kMaxInflateRatio = 1100;

Bytes Deflate(const Bytes& in) {
  uLongf size = compressBound(in.size());
  Bytes out(size);
  if (compress2(out.data(), &size, in.data(), in.size(), 6) != Z_OK) return {};
  out.resize(size);
  return out;
}

// The whole of `in` must be one deflate stream of exactly `expected` bytes.
bool Inflate(ByteView in, uint64_t expected, Bytes* out) {
  if (expected > in.size() * kMaxInflateRatio + 64) return false;
  out->resize(expected);
  uLongf size = expected;
  uLong consumed = in.size();
  return uncompress2(out->data(), &size, in.data(), &consumed) == Z_OK && size == expected &&
         consumed == in.size();
}

void PutOrigin(Bytes& out, CharId id) {
  PutVarint(out, id.none() ? 0 : id.agent + 1);
  if (!id.none()) PutVarint(out, id.seq);
}
}  // namespace

// The state is column-oriented (all run flags, then all lengths, ...) so that
// deflate finds the repetition, and deflated whole. Snapshots are encrypted
// at rest and never leave the device, so compressing before encrypting here
// exposes no length to anyone who could choose part of the text.
Bytes TextSequence::Encode() const {
  const Impl& impl = *impl_;
  std::vector<const Run*> runs;
  for (const auto& blk : impl.blocks)
    for (const Run& r : blk->runs) runs.push_back(&r);

  Bytes head, flags, agent_col, seq_col, len_col, left_col, right_col, text_col, tail;
  PutVarint(head, impl.agents.size());
  for (const AgentData& a : impl.agents) {
    PutString(head, a.name);
    PutText(text_col, a.chars.data(), a.chars.size());
  }
  PutVarint(head, runs.size());
  std::vector<uint32_t> next_seq(impl.agents.size(), 0);
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& r = *runs[i];
    const Run* prev = i ? runs[i - 1] : nullptr;
    const Run* next = i + 1 < runs.size() ? runs[i + 1] : nullptr;
    uint8_t f = r.deleted ? kDeleted : 0;
    if (prev ? r.left == prev->last() : r.left.none()) f |= kLeftIsPrevious;
    if (next && r.right == next->id(0)) f |= kRightIsNext;
    if (r.right.none()) f |= kRightNone;
    if (prev && prev->agent == r.agent) f |= kSameAgent;
    if (r.seq == next_seq[r.agent]) f |= kSeqFollows;
    flags.push_back(f);
    if (!(f & kSameAgent)) PutVarint(agent_col, r.agent);
    if (!(f & kSeqFollows)) PutVarint(seq_col, r.seq);
    PutVarint(len_col, r.len);
    if (!(f & kLeftIsPrevious)) PutOrigin(left_col, r.left);
    if (!(f & (kRightIsNext | kRightNone))) PutOrigin(right_col, r.right);
    next_seq[r.agent] = r.seq + r.len;
  }
  PutVarint(tail, impl.waiting.size());
  for (const TextEdit& e : impl.waiting) {
    // Waiting edits keep this state's agent indices.
    tail.push_back(e.kind);
    PutVarint(tail, e.agent);
    PutVarint(tail, e.seq);
    PutVarint(tail, e.len);
    PutOrigin(tail, e.left);
    PutOrigin(tail, e.right);
    PutText(tail, e.text.data(), e.text.size());
    tail.push_back(e.from ? 1 : 0);
    if (e.from) {
      PutVarint(tail, e.from->change_seq);
      PutVarint(tail, e.from->seen.size());
      for (const auto& [device, seq] : e.from->seen) {
        PutString(tail, device);
        PutVarint(tail, seq);
      }
    }
  }
  // Which change signed each character (0 for not yet signed).
  for (const AgentData& a : impl.agents) {
    PutVarint(tail, a.made_by.size());
    uint32_t prev = 0;
    for (const auto& [first, change] : a.made_by) {
      PutVarint(tail, first - prev);
      PutVarint(tail, change == UINT64_MAX ? 0 : change);
      prev = first;
    }
    PutVarint(tail, a.signed_end);
  }
  PutVarint(tail, impl.dropped);
  Bytes body = std::move(head);
  for (const Bytes* col : {&text_col, &flags, &agent_col, &len_col, &seq_col, &left_col, &right_col, &tail})
    body.insert(body.end(), col->begin(), col->end());
  Bytes out{kStateVersion};
  PutVarint(out, body.size());
  Bytes packed = Deflate(body);
  out.insert(out.end(), packed.begin(), packed.end());
  return out;
}

Result<TextSequence> TextSequence::Decode(ByteView encoded) {
  Reader outer(encoded);
  uint8_t version;
  uint64_t body_size;
  if (!outer.Byte(&version) || version != kStateVersion) return Malformed("unknown text state version");
  if (!outer.Varint(&body_size, UINT64_MAX)) return Malformed("bad state size");
  Bytes body;
  if (!Inflate(encoded.subspan(encoded.size() - outer.left()), body_size, &body))
    return Malformed("state does not inflate");

  TextSequence seq;
  Impl& impl = *seq.impl_;
  Reader in(body);
  uint64_t n;
  if (!in.Varint(&n, in.left())) return Malformed("bad agent count");
  for (uint64_t i = 0; i < n; ++i) {
    std::string name;
    if (!in.String(&name, kMaxName) || name.empty() || impl.agent_index.count(name))
      return Malformed("bad agent name");
    impl.Agent(name);
  }
  const uint32_t agent_count = static_cast<uint32_t>(impl.agents.size());
  uint64_t run_count;
  if (!in.Varint(&run_count, in.left())) return Malformed("bad run count");
  for (AgentData& a : impl.agents) {
    std::string utf8;
    if (!in.String(&utf8, in.left()) || !DecodeUtf8(utf8, &a.chars) || a.chars.size() > kMaxSeq)
      return Malformed("bad agent text");
  }
  auto read_origin = [&](CharId* id) {
    uint64_t r;
    if (!in.Varint(&r, agent_count)) return false;
    if (r == 0) return *id = {}, true;
    id->agent = static_cast<uint32_t>(r - 1);
    return in.U32(&id->seq) && impl.Exists(*id);
  };

  // Columns, each read in document order.
  std::vector<Run> runs(run_count);
  std::vector<uint8_t> flags(run_count);
  for (uint64_t i = 0; i < run_count; ++i)
    if (!in.Byte(&flags[i]) || flags[i] >= 64) return Malformed("bad run flags");
  for (uint64_t i = 0; i < run_count; ++i) {
    if (flags[i] & kSameAgent) {
      if (i == 0) return Malformed("first run has no agent");
      runs[i].agent = runs[i - 1].agent;
    } else if (!in.U32(&runs[i].agent) || runs[i].agent >= agent_count) {
      return Malformed("bad run agent");
    }
  }
  for (uint64_t i = 0; i < run_count; ++i)
    if (!in.U32(&runs[i].len) || runs[i].len == 0) return Malformed("bad run length");
  std::vector<uint32_t> next_seq(agent_count, 0);
  for (uint64_t i = 0; i < run_count; ++i) {
    Run& r = runs[i];
    if (flags[i] & kSeqFollows)
      r.seq = next_seq[r.agent];
    else if (!in.U32(&r.seq))
      return Malformed("bad run id");
    if (static_cast<uint64_t>(r.seq) + r.len > impl.agents[r.agent].chars.size())
      return Malformed("run outside its agent's text");
    next_seq[r.agent] = r.seq + r.len;
  }
  for (uint64_t i = 0; i < run_count; ++i) {
    if (flags[i] & kLeftIsPrevious)
      runs[i].left = i == 0 ? CharId{} : runs[i - 1].last();
    else if (!read_origin(&runs[i].left))
      return Malformed("bad left origin");
  }
  for (uint64_t i = 0; i < run_count; ++i) {
    Run& r = runs[i];
    r.deleted = flags[i] & kDeleted;
    if (flags[i] & kRightNone) continue;
    if (flags[i] & kRightIsNext) {
      if (i + 1 == run_count) return Malformed("last run's right origin cannot be the next run");
      r.right = runs[i + 1].id(0);
    } else if (!read_origin(&r.right) || r.right.none()) {
      return Malformed("bad right origin");
    }
  }

  // Every character must be in exactly one run.
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> spans(agent_count);
  for (const Run& r : runs) spans[r.agent].push_back({r.seq, r.len});
  for (uint32_t a = 0; a < agent_count; ++a) {
    std::sort(spans[a].begin(), spans[a].end());
    uint64_t expect = 0;
    for (auto [s, l] : spans[a]) {
      if (s != expect) return Malformed("runs do not cover each character exactly once");
      expect = static_cast<uint64_t>(s) + l;
    }
    if (expect != impl.agents[a].chars.size()) return Malformed("runs do not cover every character");
  }

  // Lay the runs out in blocks three-quarters full, leaving room to type.
  impl.blocks.clear();
  const size_t per_block = Impl::kMaxRuns * 3 / 4;
  for (size_t i = 0; i < runs.size() || impl.blocks.empty(); i += per_block) {
    auto blk = std::make_unique<Block>();
    blk->index = static_cast<uint32_t>(impl.blocks.size());
    blk->runs.reserve(Impl::kMaxRuns + 4);
    for (size_t j = i; j < std::min(runs.size(), i + per_block); ++j) {
      blk->runs.push_back(runs[j]);
      blk->vis += runs[j].visible();
      blk->raw += runs[j].len;
    }
    impl.vis_total += blk->vis;
    impl.raw_total += blk->raw;
    impl.blocks.push_back(std::move(blk));
  }
  impl.RebuildIndex();
  impl.vis_prefix.assign(impl.blocks.size(), 0);
  impl.raw_prefix.assign(impl.blocks.size(), 0);
  impl.prefix_valid = 1;

  if (!in.Varint(&n, in.left())) return Malformed("bad waiting count");
  for (uint64_t i = 0; i < n; ++i) {
    TextEdit e;
    uint8_t kind;
    std::string utf8;
    if (!in.Byte(&kind) || kind > TextEdit::kDelete || !in.U32(&e.agent) || e.agent >= agent_count ||
        !in.U32(&e.seq) || !in.U32(&e.len))
      return Malformed("bad waiting edit");
    e.kind = static_cast<TextEdit::Kind>(kind);
    if (e.kind == TextEdit::kDelete ? e.len == 0 || static_cast<uint64_t>(e.seq) + e.len > kMaxSeq
                                    : e.len != 0)
      return Malformed("bad waiting edit");
    // Waiting origins may name characters that have not arrived: no Exists check.
    uint64_t ref;
    for (CharId* id : {&e.left, &e.right}) {
      if (!in.Varint(&ref, agent_count)) return Malformed("bad waiting edit");
      *id = {};
      if (ref && (id->agent = static_cast<uint32_t>(ref - 1), !in.U32(&id->seq)))
        return Malformed("bad waiting edit");
    }
    if (!in.String(&utf8, in.left()) || !DecodeUtf8(utf8, &e.text)) return Malformed("bad waiting edit");
    if ((e.kind == TextEdit::kInsert) == e.text.empty() || e.seq + e.text.size() > kMaxSeq)
      return Malformed("bad waiting edit");
    uint8_t has_from;
    if (!in.Byte(&has_from) || has_from > 1) return Malformed("bad waiting edit");
    if (has_from) {
      auto from = std::make_shared<Provenance>();
      uint64_t count;
      if (!in.Varint(&from->change_seq, UINT64_MAX) || !in.Varint(&count, in.left()))
        return Malformed("bad waiting edit");
      for (uint64_t k = 0; k < count; ++k) {
        std::string device;
        uint64_t upto;
        if (!in.String(&device, kMaxName) || !in.Varint(&upto, UINT64_MAX) ||
            (!from->seen.empty() && from->seen.back().first >= device))
          return Malformed("bad waiting edit");
        from->seen.emplace_back(std::move(device), upto);
      }
      e.from = std::move(from);
    }
    impl.waiting.push_back(std::move(e));
  }
  for (AgentData& a : impl.agents) {
    uint64_t entries, prev = 0, end;
    if (!in.Varint(&entries, in.left())) return Malformed("bad signer list");
    for (uint64_t i = 0; i < entries; ++i) {
      uint64_t delta, change;
      if (!in.Varint(&delta) || !in.Varint(&change, UINT64_MAX) || (i > 0 && delta == 0) ||
          prev + delta > a.chars.size())
        return Malformed("bad signer list");
      prev += delta;
      a.made_by.emplace_back(static_cast<uint32_t>(prev), change == 0 ? UINT64_MAX : change);
    }
    if (!in.Varint(&end) || end > a.chars.size() || (entries > 0 && end <= prev) ||
        (entries > 0 && a.made_by.front().first != 0) || (entries == 0 && end != 0))
      return Malformed("bad signer list");
    a.signed_end = static_cast<uint32_t>(end);
  }
  uint64_t dropped;
  if (!in.Varint(&dropped, UINT64_MAX)) return Malformed("bad dropped count");
  impl.dropped = dropped;
  if (!in.done()) return Malformed("trailing bytes");
  return seq;
}

}  // namespace caseboard::crdt
