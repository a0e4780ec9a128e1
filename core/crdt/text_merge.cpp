// TextSequence: merging a peer's edits. Inserts are placed by the FugueMax
// rule (the YjsMod integration); deletes mark tombstones; an edit whose
// origins have not arrived waits. See text.h.
#include <algorithm>

#include "crdt/text_impl.h"

namespace caseboard::crdt {

static constexpr uint64_t kUnsigned = UINT64_MAX;

void TextSequence::Impl::RecordMadeBy(uint32_t agent, uint32_t seq, uint32_t len, uint64_t change_seq) {
  AgentData& a = agents[agent];
  if (seq + len <= a.signed_end) return;  // known already
  if (seq > a.signed_end) a.made_by.emplace_back(a.signed_end, kUnsigned);
  uint32_t start = std::max(seq, a.signed_end);
  if (a.made_by.empty() || a.made_by.back().second != change_seq) a.made_by.emplace_back(start, change_seq);
  a.signed_end = seq + len;
}

bool TextSequence::Impl::Seen(CharId id, const Provenance& from) const {
  const AgentData& a = agents[id.agent];
  if (id.seq >= a.signed_end) return false;  // typed here, not yet signed: nobody else saw it
  auto it = std::upper_bound(a.made_by.begin(), a.made_by.end(), std::make_pair(id.seq, kUnsigned));
  uint64_t change = std::prev(it)->second;
  return change != kUnsigned && from.Seen(a.name) >= change;
}

uint64_t TextSequence::Provenance::Seen(const std::string& device) const {
  auto it = std::lower_bound(seen.begin(), seen.end(), device,
                             [](const auto& entry, const std::string& d) { return entry.first < d; });
  return it != seen.end() && it->first == device ? it->second : 0;
}

// An honest author's origins were neighbours in its copy: between them, here,
// there can only be characters it had not seen (typed concurrently).
bool TextSequence::Impl::PlausibleInsert(const TextEdit& e, const Provenance& from, const Loc& start,
                                         int64_t right_raw) {
  int64_t left_raw = e.left.none() ? -1 : static_cast<int64_t>(RawPos(LocateId(e.left)));
  if (right_raw <= left_raw) return false;
  Loc cur = start;
  for (int64_t i = left_raw + 1; i < right_raw && !IsEnd(cur); cur = NextRun(cur)) {
    const Run& o = blocks[cur.b]->runs[cur.r];
    // Within a run later characters come from the same or later changes, so
    // if the first here was not seen, none after it was.
    if (Seen(o.id(cur.k), from)) return false;
    i += o.len - cur.k;
  }
  return true;
}

bool TextSequence::Impl::Integrate(const TextEdit& e, const Provenance* from) {
  Loc start{0, 0, 0};
  int64_t left_raw = -1;
  if (!e.left.none()) {
    Loc ll = LocateId(e.left);
    const Run& lr = blocks[ll.b]->runs[ll.r];
    start = ll.k + 1 < lr.len ? Loc{ll.b, ll.r, ll.k + 1} : NextRun(ll);
    if (!(At(start) == e.right)) left_raw = static_cast<int64_t>(RawPos(ll));
  } else if (blocks[0]->runs.empty()) {
    start = End();
  }
  Loc dest = start;
  if (!(At(start) == e.right)) {
    // Something was inserted between the origins concurrently: find our
    // place among those siblings (YjsMod / FugueMax).
    int64_t right_raw = static_cast<int64_t>(e.right.none() ? raw_total : RawPos(LocateId(e.right)));
    if (from && !PlausibleInsert(e, *from, start, right_raw)) return false;
    const std::string& my_name = agents[e.agent].name;
    Loc cur = start;
    int64_t i = left_raw + 1;
    bool scanning = false;
    for (;;) {
      if (!scanning) dest = cur;
      if (IsEnd(cur) || i == right_raw) break;
      const Run& o = blocks[cur.b]->runs[cur.r];
      CharId oleft_id = o.left_of(cur.k);
      int64_t oleft = cur.k > 0         ? i - 1
                      : oleft_id.none() ? -1
                                        : static_cast<int64_t>(RawPos(LocateId(oleft_id)));
      if (oleft < left_raw) break;
      if (oleft == left_raw) {
        int64_t oright = static_cast<int64_t>(o.right.none() ? raw_total : RawPos(LocateId(o.right)));
        if (oright < right_raw) {
          scanning = true;
        } else if (oright == right_raw) {
          if (my_name < agents[o.agent].name) break;
          scanning = false;
        } else {
          scanning = false;
        }
      }
      // The rest of this run descends from its head: skip it, but stop at
      // our right origin if it lies inside.
      int64_t rest = o.len - cur.k;
      if (right_raw > i && right_raw < i + rest) {
        if (!scanning) dest = {cur.b, cur.r, static_cast<uint32_t>(cur.k + (right_raw - i))};
        break;
      }
      i += rest;
      cur = NextRun(cur);
    }
  }
  AgentData& a = agents[e.agent];
  a.chars += e.text;
  Loc l = InsertRun(dest, Run{e.agent, e.seq, static_cast<uint32_t>(e.text.size()), e.left, e.right, 0});
  SplitBlockIfFull(l.b, /*local=*/false);
  return true;
}

TextSequence::Impl::Applied TextSequence::Impl::ApplyEdit(const TextEdit& e, const Provenance* from) {
  cursor.valid = false;
  const AgentData& a = agents[e.agent];
  if (e.kind == TextEdit::kInsert) {
    uint32_t n = static_cast<uint32_t>(e.text.size());
    if (e.seq < a.chars.size()) {
      if (from && e.seq + n <= a.chars.size()) RecordMadeBy(e.agent, e.seq, n, from->change_seq);
      return Applied::kSkipped;
    }
    if (e.seq > a.chars.size()) return Applied::kWaiting;
    if ((!e.left.none() && !Exists(e.left)) || (!e.right.none() && !Exists(e.right)))
      return Applied::kWaiting;
    if (from && ((!e.left.none() && !Seen(e.left, *from)) || (!e.right.none() && !Seen(e.right, *from))))
      return Applied::kDropped;
    if (!Integrate(e, from)) return Applied::kDropped;
    if (from) RecordMadeBy(e.agent, e.seq, n, from->change_seq);
    return Applied::kDone;
  }
  if (static_cast<uint64_t>(e.seq) + e.len > a.chars.size()) return Applied::kWaiting;
  if (from && !Seen({e.agent, e.seq + e.len - 1}, *from)) return Applied::kDropped;
  uint32_t seq = e.seq, len = e.len;
  while (len > 0) {
    Loc l = LocateId({e.agent, seq});
    const Run& run = blocks[l.b]->runs[l.r];
    uint32_t n = std::min(run.len - l.k, len);
    if (!run.deleted) SplitBlockIfFull(MarkDeleted(l, n).b, /*local=*/false);
    seq += n;
    len -= n;
  }
  return Applied::kDone;
}

void TextSequence::Impl::RetryWaiting() {
  for (bool progress = true; progress && !waiting.empty();) {
    progress = false;
    for (size_t i = 0; i < waiting.size();) {
      Applied r = ApplyEdit(waiting[i], waiting[i].from.get());
      if (r == Applied::kWaiting) {
        ++i;
      } else {
        if (r == Applied::kDropped) ++dropped;
        waiting.erase(waiting.begin() + i);
        progress = true;
      }
    }
  }
}

Status TextSequence::Apply(const std::string& author, ByteView batch, const Provenance* from) {
  if (author.empty()) return Status::InvalidArgument("a text batch needs its author");
  std::vector<std::string> names;
  std::vector<TextEdit> edits;
  Impl& impl = *impl_;
  // Decoded whole before anything is interned: a refused batch leaves no trace.
  CB_RETURN_IF_ERROR(DecodeBatch(batch, &names, &edits));
  std::vector<uint32_t> agent_of{impl.Agent(author)};
  for (const std::string& name : names) agent_of.push_back(impl.Agent(name));
  for (TextEdit& e : edits) {
    e.agent = agent_of[e.agent];
    if (!e.left.none()) e.left.agent = agent_of[e.left.agent];
    if (!e.right.none()) e.right.agent = agent_of[e.right.agent];
  }
  bool progress = false;
  std::shared_ptr<const Provenance> kept;  // shared by this batch's waiting edits
  for (TextEdit& e : edits) {
    Impl::Applied r = impl.ApplyEdit(e, from);
    if (r == Impl::Applied::kWaiting) {
      if (from && !kept) kept = std::make_shared<const Provenance>(*from);
      e.from = kept;
      impl.waiting.push_back(std::move(e));
    } else if (r == Impl::Applied::kDropped)
      ++impl.dropped;
    else if (r == Impl::Applied::kDone)
      progress = true;
  }
  if (progress && !impl.waiting.empty()) impl.RetryWaiting();
  return Status::Ok();
}

size_t TextSequence::dropped() const { return impl_->dropped; }

}  // namespace caseboard::crdt
