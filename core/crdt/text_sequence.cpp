// TextSequence: runs of characters in blocks, positions, and local edits.
// Merging a peer's edits is in text_merge.cpp, encodings in text_codec.cpp;
// see text.h for the model and text_impl.h for the layout.
#include <algorithm>
#include <cassert>

#include "crdt/text_impl.h"

namespace caseboard::crdt {

TextSequence::Impl::Impl() {
  blocks.push_back(std::make_unique<Block>());
  vis_prefix.assign(1, 0);
  raw_prefix.assign(1, 0);
}

// Names are short (device ids); comparing inline beats a call to memcmp on
// every keystroke.
static bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

uint32_t TextSequence::Impl::Agent(std::string_view name) {
  // Edits come in long streams by one author: skip the hash for those.
  if (last_agent < agents.size() && SameName(agents[last_agent].name, name)) return last_agent;
  auto [it, inserted] = agent_index.try_emplace(std::string(name), static_cast<uint32_t>(agents.size()));
  if (inserted) {
    agents.emplace_back();
    agents.back().name = std::string(name);
  }
  return last_agent = it->second;
}

// ---- Positions ----

void TextSequence::Impl::EnsurePrefix(size_t b) {
  for (size_t i = prefix_valid; i <= b; ++i) {
    vis_prefix[i] = vis_prefix[i - 1] + blocks[i - 1]->vis;
    raw_prefix[i] = raw_prefix[i - 1] + blocks[i - 1]->raw;
  }
  if (b + 1 > prefix_valid) prefix_valid = b + 1;
}

Loc TextSequence::Impl::End() const {
  uint32_t b = static_cast<uint32_t>(blocks.size() - 1);
  return {b, static_cast<uint32_t>(blocks[b]->runs.size()), 0};
}

Loc TextSequence::Impl::LocateVisible(uint64_t pos) {
  if (pos >= vis_total) return End();
  // Typing and deleting happen next to the last edit: walk from there, a few
  // blocks at most, before searching the whole text.
  if (cursor.valid) {
    uint32_t b = cursor.loc.b;
    uint64_t acc = cursor.vis;
    if (pos >= acc) {
      uint32_t r = cursor.loc.r;
      for (int hops = 0; hops < 8 && b < blocks.size(); ++hops, ++b, r = 0) {
        const auto& runs = blocks[b]->runs;
        for (; r < runs.size(); ++r) {
          uint32_t v = runs[r].visible();
          if (pos < acc + v) return {b, r, static_cast<uint32_t>(pos - acc)};
          acc += v;
        }
      }
    } else {
      uint32_t r = cursor.loc.r;
      for (int hops = 0; hops < 8; ++hops) {
        const auto& runs = blocks[b]->runs;
        while (r-- > 0) {
          uint32_t v = runs[r].visible();
          acc -= v;
          if (v && pos >= acc) return {b, r, static_cast<uint32_t>(pos - acc)};
        }
        if (b == 0) break;
        r = static_cast<uint32_t>(blocks[--b]->runs.size());
      }
    }
  }
  EnsurePrefix(blocks.size() - 1);
  // The last block starting at or before pos holds it (pos < vis_total).
  size_t b = std::upper_bound(vis_prefix.begin(), vis_prefix.end(), pos) - vis_prefix.begin() - 1;
  uint64_t acc = vis_prefix[b];
  const auto& runs = blocks[b]->runs;
  for (uint32_t r = 0; r < runs.size(); ++r) {
    uint32_t v = runs[r].visible();
    if (pos < acc + v) return {static_cast<uint32_t>(b), r, static_cast<uint32_t>(pos - acc)};
    acc += v;
  }
  assert(false && "visible position not found");
  return End();
}

Loc TextSequence::Impl::LocateId(CharId id) {
  if (!index_valid) RebuildIndex();
  const auto& where = agents[id.agent].where;
  auto it = where.upper_bound(id.seq);
  assert(it != where.begin());
  const Block& blk = *std::prev(it)->second;
  for (uint32_t r = 0; r < blk.runs.size(); ++r) {
    const Run& run = blk.runs[r];
    if (run.agent == id.agent && id.seq >= run.seq && id.seq < run.seq + run.len)
      return {blk.index, r, id.seq - run.seq};
  }
  assert(false && "character id not in its indexed block");
  return End();
}

uint64_t TextSequence::Impl::RawPos(const Loc& l) {
  if (IsEnd(l)) return raw_total;
  EnsurePrefix(l.b);
  uint64_t pos = raw_prefix[l.b];
  const auto& runs = blocks[l.b]->runs;
  for (uint32_t r = 0; r < l.r; ++r) pos += runs[r].len;
  return pos + l.k;
}

CharId TextSequence::Impl::Before(const Loc& l) const {
  if (l.k > 0) return blocks[l.b]->runs[l.r].id(l.k - 1);
  if (l.r > 0) return blocks[l.b]->runs[l.r - 1].last();
  for (uint32_t b = l.b; b-- > 0;)
    if (!blocks[b]->runs.empty()) return blocks[b]->runs.back().last();
  return {};
}

CharId TextSequence::Impl::At(const Loc& l) const {
  return IsEnd(l) ? CharId{} : blocks[l.b]->runs[l.r].id(l.k);
}

Loc TextSequence::Impl::NextRun(Loc l) const {
  if (l.r + 1 < blocks[l.b]->runs.size()) return {l.b, l.r + 1, 0};
  if (l.b + 1 < blocks.size()) return {l.b + 1, 0, 0};
  return End();
}

// ---- Structure ----

void TextSequence::Impl::MapRange(uint32_t agent, uint32_t seq, uint32_t len, Block* block) {
  if (!index_valid) return;  // rebuilt whole when next needed
  auto& where = agents[agent].where;
  uint32_t end = seq + len;
  Block* after = nullptr;  // who holds `end` now, to keep it so
  if (end < agents[agent].chars.size()) after = std::prev(where.upper_bound(end))->second;
  where.erase(where.lower_bound(seq), where.upper_bound(end));
  auto next = where.lower_bound(seq);
  if (next == where.begin() || std::prev(next)->second != block) where.emplace_hint(next, seq, block);
  if (after && after != block) where.emplace(end, after);
}

void TextSequence::Impl::RebuildIndex() {
  std::vector<std::vector<std::pair<uint32_t, Block*>>> starts(agents.size());
  for (const auto& blk : blocks)
    for (const Run& r : blk->runs) starts[r.agent].push_back({r.seq, blk.get()});
  for (uint32_t a = 0; a < agents.size(); ++a) {
    std::sort(starts[a].begin(), starts[a].end());
    auto& where = agents[a].where;
    where.clear();
    for (auto [seq, blk] : starts[a])
      if (where.empty() || std::prev(where.end())->second != blk) where.emplace_hint(where.end(), seq, blk);
  }
  index_valid = true;
}

Loc TextSequence::Impl::SplitAt(Loc l) {
  if (l.k == 0 || IsEnd(l)) return l;
  auto& runs = blocks[l.b]->runs;
  Run tail = runs[l.r];
  tail.seq += l.k;
  tail.len -= l.k;
  tail.left = runs[l.r].id(l.k - 1);
  runs[l.r].len = l.k;
  runs.insert(runs.begin() + l.r + 1, tail);
  return {l.b, l.r + 1, 0};
}

bool TextSequence::Impl::TryMerge(uint32_t b, uint32_t r) {
  auto& runs = blocks[b]->runs;
  if (r == 0 || r >= runs.size() || !Continues(runs[r - 1], runs[r])) return false;
  runs[r - 1].len += runs[r].len;
  runs.erase(runs.begin() + r);
  return true;
}

Loc TextSequence::Impl::InsertRun(Loc at, const Run& run) {
  at = SplitAt(at);
  if (at.r == 0 && at.b > 0) at = {at.b - 1, static_cast<uint32_t>(blocks[at.b - 1]->runs.size()), 0};
  Block& blk = *blocks[at.b];
  blk.runs.insert(blk.runs.begin() + at.r, run);
  blk.vis += run.visible();
  blk.raw += run.len;
  vis_total += run.visible();
  raw_total += run.len;
  Touch(at.b);
  MapRange(run.agent, run.seq, run.len, &blk);
  Loc result = at;
  TryMerge(at.b, at.r + 1);
  if (at.r > 0 && Continues(blk.runs[at.r - 1], blk.runs[at.r])) {
    result = {at.b, at.r - 1, blk.runs[at.r - 1].len};
    TryMerge(at.b, at.r);
  }
  return result;
}

Loc TextSequence::Impl::MarkDeleted(Loc l, uint32_t n) {
  Block& blk = *blocks[l.b];
  auto& runs = blk.runs;
  blk.vis -= n;
  vis_total -= n;
  Touch(l.b);
  Run& run = runs[l.r];
  // Backspacing and deleting forwards grow a deleted neighbour that the
  // span continues, instead of splitting and merging runs.
  if (l.k > 0 && l.k + n == run.len && l.r + 1 < runs.size()) {
    Run& next = runs[l.r + 1];
    if (next.deleted && next.agent == run.agent && next.seq == run.seq + run.len && next.left == run.last() &&
        next.right == run.right) {
      next.seq -= n;
      next.len += n;
      next.left = run.left_of(l.k);
      run.len -= n;
      return {l.b, l.r + 1, 0};
    }
  }
  if (l.k == 0 && n < run.len && l.r > 0) {
    Run& prev = runs[l.r - 1];
    if (prev.deleted && run.agent == prev.agent && run.seq == prev.seq + prev.len &&
        run.left == prev.last() && run.right == prev.right) {
      uint32_t at = prev.len;
      prev.len += n;
      run.seq += n;
      run.len -= n;
      run.left = {run.agent, run.seq - 1};
      return {l.b, l.r - 1, at};
    }
  }
  l = SplitAt(l);
  if (n < runs[l.r].len) SplitAt({l.b, l.r, n});
  runs[l.r].deleted = 1;
  TryMerge(l.b, l.r + 1);
  if (l.r > 0) {
    uint32_t at = runs[l.r - 1].len;
    if (TryMerge(l.b, l.r)) return {l.b, l.r - 1, at};
  }
  return l;
}

void TextSequence::Impl::SplitBlockIfFull(uint32_t b, bool by_local_edit) {
  Block& old = *blocks[b];
  if (old.runs.size() <= kMaxRuns) return;
  auto fresh = std::make_unique<Block>();
  size_t half = old.runs.size() / 2;
  fresh->runs.reserve(kMaxRuns + 4);
  fresh->runs.assign(old.runs.begin() + half, old.runs.end());
  old.runs.resize(half);
  for (const Run& r : fresh->runs) {
    fresh->vis += r.visible();
    fresh->raw += r.len;
  }
  old.vis -= fresh->vis;
  old.raw -= fresh->raw;
  Block* moved = fresh.get();
  blocks.insert(blocks.begin() + b + 1, std::move(fresh));
  for (size_t i = b + 1; i < blocks.size(); ++i) blocks[i]->index = static_cast<uint32_t>(i);
  vis_prefix.insert(vis_prefix.begin() + b + 1, 0);
  raw_prefix.insert(raw_prefix.begin() + b + 1, 0);
  Touch(b);
  // Typing never looks characters up by id, so a local edit lets the id
  // index lapse (rebuilt whole when a peer's edit or an anchor needs it)
  // rather than re-map every moved run; merging keeps it current.
  if (by_local_edit)
    index_valid = false;
  else
    for (const Run& r : moved->runs) MapRange(r.agent, r.seq, r.len, moved);
  cursor.valid = false;
}

// ---- Local edits ----

// Local inserts record only their id span: the characters are in the
// agent's text already, and TakeLocalEdits copies them out once.
void TextSequence::Impl::RecordInsert(uint32_t agent, uint32_t seq, uint32_t len, CharId left, CharId right) {
  if (!local.empty()) {
    TextEdit& p = local.back();
    if (p.kind == TextEdit::kInsert && p.seq + p.len == seq && left == CharId{agent, seq - 1} &&
        right == p.right) {
      p.len += len;
      return;
    }
  }
  local.push_back(TextEdit{TextEdit::kInsert, agent, seq, len, left, right, {}, nullptr});
}

void TextSequence::Impl::RecordDelete(uint32_t agent, uint32_t seq, uint32_t len) {
  if (!local.empty()) {
    TextEdit& p = local.back();
    if (p.kind == TextEdit::kDelete && p.agent == agent) {
      if (p.seq + p.len == seq) {
        p.len += len;
        return;
      }
      if (seq + len == p.seq) {
        p.seq = seq;
        p.len += len;
        return;
      }
    }
  }
  local.push_back(TextEdit{TextEdit::kDelete, agent, seq, len, {}, {}, {}, nullptr});
}

static Status PastEnd(uint64_t pos, uint64_t size) {
  return Status::InvalidArgument("position " + std::to_string(pos) + " is past the end of the text (" +
                                 std::to_string(size) + " characters)");
}

Status TextSequence::Impl::LocalInsert(uint32_t agent, uint64_t pos, std::u32string_view text) {
  if (pos > vis_total) return PastEnd(pos, vis_total);
  if (text.empty()) return Status::Ok();
  AgentData& a = agents[agent];
  if (a.chars.size() + text.size() > 0xFFFFFFF0u)
    return Status::InvalidArgument("this text has reached its size limit");
  Loc at = LocateVisible(pos);
  CharId left = Before(at), right = At(at);
  uint32_t seq = static_cast<uint32_t>(a.chars.size());
  uint32_t n = static_cast<uint32_t>(text.size());
  a.chars += text;
  RecordInsert(agent, seq, n, left, right);

  // Typing on from the end of one's own run (the common case) grows that run.
  if (at.k == 0 && !left.none() && left.agent == agent && left.seq + 1 == seq) {
    Loc prev = at.r > 0 ? Loc{at.b, at.r - 1, 0} : Loc{};
    bool found = at.r > 0;
    for (uint32_t b = at.b; !found && b-- > 0;)
      if (!blocks[b]->runs.empty())
        prev = {b, static_cast<uint32_t>(blocks[b]->runs.size() - 1), 0}, found = true;
    Run& p = blocks[prev.b]->runs[prev.r];
    if (!p.deleted && p.right == right) {
      uint32_t old_len = p.len;
      p.len += n;
      blocks[prev.b]->vis += n;
      blocks[prev.b]->raw += n;
      vis_total += n;
      raw_total += n;
      Touch(prev.b);
      MapRange(agent, seq, n, blocks[prev.b].get());
      cursor = {true, prev, pos - old_len};
      return Status::Ok();
    }
  }
  size_t block_count = blocks.size();
  Loc l = InsertRun(at, Run{agent, seq, n, left, right, 0});
  SplitBlockIfFull(l.b, /*local=*/true);
  if (blocks.size() == block_count) cursor = {true, {l.b, l.r, 0}, pos - l.k};
  return Status::Ok();
}

Status TextSequence::Impl::LocalDelete(uint64_t pos, uint64_t len) {
  if (pos > vis_total || len > vis_total - pos)
    return Status::InvalidArgument("cannot delete " + std::to_string(len) + " characters at " +
                                   std::to_string(pos) + ": the text has " + std::to_string(vis_total));
  while (len > 0) {
    Loc l = LocateVisible(pos);
    const Run& run = blocks[l.b]->runs[l.r];
    uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(run.len - l.k, len));
    RecordDelete(run.agent, run.seq + l.k, n);
    Loc d = MarkDeleted(l, n);
    len -= n;
    size_t block_count = blocks.size();
    SplitBlockIfFull(d.b, /*local=*/true);
    // The deleted run sits at `pos` (it takes no visible room).
    if (blocks.size() == block_count) cursor = {true, {d.b, d.r, 0}, pos};
  }
  return Status::Ok();
}

// ---- TextSequence ----

TextSequence::TextSequence() : impl_(std::make_unique<Impl>()) {}
TextSequence::~TextSequence() = default;
TextSequence::TextSequence(TextSequence&&) noexcept = default;
TextSequence& TextSequence::operator=(TextSequence&&) noexcept = default;

TextSequence::TextSequence(const TextSequence& other) : impl_(std::make_unique<Impl>()) { *this = other; }

TextSequence& TextSequence::operator=(const TextSequence& other) {
  if (this == &other) return *this;
  auto copy = std::make_unique<Impl>();
  const Impl& o = *other.impl_;
  copy->agents.reserve(o.agents.size());
  copy->agents = o.agents;
  for (AgentData& a : copy->agents) a.where.clear();  // points into o's blocks: rebuilt below
  copy->agent_index = o.agent_index;
  copy->blocks.clear();
  for (const auto& blk : o.blocks) copy->blocks.push_back(std::make_unique<Block>(*blk));
  copy->RebuildIndex();
  copy->vis_prefix = o.vis_prefix;
  copy->raw_prefix = o.raw_prefix;
  copy->prefix_valid = o.prefix_valid;
  copy->vis_total = o.vis_total;
  copy->raw_total = o.raw_total;
  copy->local = o.local;
  copy->local_agent = o.local_agent;
  copy->waiting = o.waiting;
  copy->dropped = o.dropped;
  impl_ = std::move(copy);
  return *this;
}

size_t TextSequence::size() const { return impl_->vis_total; }

std::string TextSequence::Text() const {
  std::string out;
  out.reserve(impl_->vis_total);
  for (const auto& blk : impl_->blocks)
    for (const Run& r : blk->runs) {
      if (r.deleted) continue;
      const std::u32string& chars = impl_->agents[r.agent].chars;
      for (uint32_t k = 0; k < r.len; ++k) AppendUtf8(out, chars[r.seq + k]);
    }
  return out;
}

static Status CheckLocalAuthor(TextSequence::Impl& impl, uint32_t agent) {
  if (impl.local_agent != kNoAgent && impl.local_agent != agent)
    return Status::InvalidArgument("local edits by two devices in one batch; take the first batch first");
  impl.local_agent = agent;
  return Status::Ok();
}

Status TextSequence::Insert(const std::string& agent, size_t pos, std::string_view text) {
  std::u32string& cps = impl_->scratch;
  cps.clear();
  if (text.size() == 1 && static_cast<unsigned char>(text[0]) < 0x80)
    cps.push_back(static_cast<unsigned char>(text[0]));  // a keystroke
  else if (!DecodeUtf8(text, &cps))
    return Status::InvalidArgument("the text to insert is not valid UTF-8");
  if (agent.empty()) return Status::InvalidArgument("an edit needs its author");
  if (pos > impl_->vis_total) return PastEnd(pos, impl_->vis_total);
  uint32_t a = impl_->Agent(agent);
  CB_RETURN_IF_ERROR(CheckLocalAuthor(*impl_, a));
  return impl_->LocalInsert(a, pos, cps);
}

Status TextSequence::Delete(const std::string& agent, size_t pos, size_t len) {
  if (agent.empty()) return Status::InvalidArgument("an edit needs its author");
  if (pos > impl_->vis_total || len > impl_->vis_total - pos) return impl_->LocalDelete(pos, len);
  if (len == 0) return Status::Ok();
  CB_RETURN_IF_ERROR(CheckLocalAuthor(*impl_, impl_->Agent(agent)));
  return impl_->LocalDelete(pos, len);
}

bool TextSequence::has_local_edits() const { return !impl_->local.empty(); }

Bytes TextSequence::TakeLocalEdits() {
  if (impl_->local.empty()) return {};
  Bytes out = impl_->EncodeBatch(impl_->local, impl_->local_agent);
  impl_->local.clear();
  impl_->local_agent = kNoAgent;
  return out;
}

size_t TextSequence::waiting() const { return impl_->waiting.size(); }

TextAnchor TextSequence::AnchorAt(size_t pos) const {
  if (pos == 0) return {};
  pos = std::min<size_t>(pos, impl_->vis_total);
  CharId id = impl_->At(impl_->LocateVisible(pos - 1));
  return {impl_->agents[id.agent].name, id.seq};
}

size_t TextSequence::PositionOf(const TextAnchor& anchor) const {
  if (anchor.agent.empty()) return 0;
  Impl& impl = *impl_;
  auto it = impl.agent_index.find(anchor.agent);
  if (it == impl.agent_index.end() || !impl.Exists({it->second, anchor.seq})) return impl.vis_total;
  Loc l = impl.LocateId({it->second, anchor.seq});
  impl.EnsurePrefix(l.b);
  uint64_t pos = impl.vis_prefix[l.b];
  const auto& runs = impl.blocks[l.b]->runs;
  for (uint32_t r = 0; r < l.r; ++r) pos += runs[r].visible();
  return pos + (runs[l.r].deleted ? 0 : l.k + 1);
}

TextSequence::Stats TextSequence::stats() const {
  Stats s;
  s.blocks = impl_->blocks.size();
  s.heap_bytes = sizeof(Impl) + impl_->vis_prefix.capacity() * 16;
  for (const auto& blk : impl_->blocks) {
    s.runs += blk->runs.size();
    s.heap_bytes += sizeof(Block) + blk->runs.capacity() * sizeof(Run) + sizeof(void*);
  }
  for (const AgentData& a : impl_->agents) {
    s.chars += a.chars.size();
    // A std::map node holds the pair plus three pointers and a colour.
    s.heap_bytes += sizeof(AgentData) + a.name.capacity() + a.chars.capacity() * sizeof(char32_t) +
                    a.where.size() * (sizeof(std::pair<const uint32_t, Block*>) + 32);
  }
  return s;
}

}  // namespace caseboard::crdt
