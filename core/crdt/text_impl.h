// Internals of TextSequence, shared by text_sequence.cpp (editing and
// merging) and text_codec.cpp (batches and snapshots).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "caseboard/crdt/text.h"

namespace caseboard::crdt {

inline constexpr uint32_t kNoAgent = 0xFFFFFFFF;

// One character's id. `agent` indexes TextSequence::Impl::agents (an index
// local to this replica; names are what travel).
struct CharId {
  uint32_t agent = kNoAgent;  // kNoAgent: the start (as a left origin) or end (as a right origin)
  uint32_t seq = 0;
  bool none() const { return agent == kNoAgent; }
  bool operator==(const CharId&) const = default;
};

// Characters agent/seq .. seq+len-1, typed one after another: each one's left
// origin is the one before it (the first's is `left`), and all share the
// right origin `right`. A run is wholly deleted or wholly visible.
struct Run {
  uint32_t agent = 0;
  uint32_t seq = 0;
  uint32_t len = 0;
  CharId left;
  CharId right;
  uint32_t deleted = 0;

  uint32_t visible() const { return deleted ? 0 : len; }
  CharId id(uint32_t k) const { return {agent, seq + k}; }
  CharId last() const { return {agent, seq + len - 1}; }
  CharId left_of(uint32_t k) const { return k == 0 ? left : CharId{agent, seq + k - 1}; }
};

// `b` continues `a`: the two can be one run.
inline bool Continues(const Run& a, const Run& b) {
  return b.agent == a.agent && b.seq == a.seq + a.len && b.left == a.last() && b.right == a.right &&
         b.deleted == a.deleted;
}

struct Block {
  std::vector<Run> runs;
  uint32_t vis = 0;  // visible characters
  uint32_t raw = 0;  // characters, tombstones included
  uint32_t index = 0;
};

// An edit as it travels between replicas (agent fields index Impl::agents).
struct TextEdit {
  enum Kind : uint8_t { kInsert = 0, kDelete = 1 };
  Kind kind = kInsert;
  uint32_t agent = 0;  // insert: the author; delete: whose characters
  uint32_t seq = 0;
  uint32_t len = 0;  // delete; local insert (its text is in the agent's)
  CharId left, right;
  std::u32string text;                                   // insert from a peer
  std::shared_ptr<const TextSequence::Provenance> from;  // a waiting edit's change
};

// A position in the sequence: run `r` of block `b`, `k` characters in. The
// end of the text is (last block, its run count, 0).
struct Loc {
  uint32_t b = 0;
  uint32_t r = 0;
  uint32_t k = 0;
};

struct AgentData {
  std::string name;
  std::u32string chars;  // every character this agent ever typed, by seq
  // seq -> the block holding it, for each span of seqs in one block.
  std::map<uint32_t, Block*> where;
  // (first seq, sequence number of the change that signed it), ascending:
  // which of this agent's changes made each character. Characters typed here
  // and not yet signed have no entry.
  std::vector<std::pair<uint32_t, uint64_t>> made_by;
  uint32_t signed_end = 0;  // characters below this have a made_by entry
};

struct TextSequence::Impl {
  static constexpr size_t kMaxRuns = 128;

  std::vector<AgentData> agents;
  std::unordered_map<std::string, uint32_t> agent_index;
  uint32_t last_agent = kNoAgent;
  std::u32string scratch;  // decoded text of the insert in progress
  std::vector<std::unique_ptr<Block>> blocks;
  // Start of each block, as visible and raw positions; entries below
  // prefix_valid are up to date.
  std::vector<uint64_t> vis_prefix, raw_prefix;
  size_t prefix_valid = 1;
  uint64_t vis_total = 0, raw_total = 0;

  // Where the last local edit happened, so typing does not search.
  struct Cursor {
    bool valid = false;
    Loc loc;           // run r of block b (k unused)
    uint64_t vis = 0;  // visible position of that run's first character
  } cursor;

  // AgentData::where is kept up to date only while index_valid.
  bool index_valid = true;

  std::vector<TextEdit> local;  // unsent local edits
  uint32_t local_agent = kNoAgent;
  std::vector<TextEdit> waiting;  // remote edits whose origins have not arrived
  size_t dropped = 0;             // edits refused by the causal-past rule

  Impl();

  uint32_t Agent(std::string_view name);
  bool Exists(CharId id) const {
    return !id.none() && id.agent < agents.size() && id.seq < agents[id.agent].chars.size();
  }

  // Positions.
  void Touch(uint32_t b) {
    if (prefix_valid > b + 1) prefix_valid = b + 1;
  }
  void EnsurePrefix(size_t b);
  Loc End() const;
  bool IsEnd(const Loc& l) const { return l.r >= blocks[l.b]->runs.size(); }
  Loc LocateVisible(uint64_t pos);  // the visible character at pos, or End()
  Loc LocateId(CharId id);          // rebuilds the id index first if it has lapsed
  uint64_t RawPos(const Loc& l);
  CharId Before(const Loc& l) const;  // the character just before l (tombstones count)
  CharId At(const Loc& l) const;      // the character at l, none at the end
  Loc NextRun(Loc l) const;           // the start of the run after l's run

  // Structure.
  Loc SplitAt(Loc l);  // makes l the start of a run; returns it
  Loc InsertRun(Loc at, const Run& run);
  Loc MarkDeleted(Loc l, uint32_t n);     // returns where the deleted span now starts
  bool TryMerge(uint32_t b, uint32_t r);  // merges run r with r-1 in block b if one continues the other
  void SplitBlockIfFull(uint32_t b, bool by_local_edit);
  void MapRange(uint32_t agent, uint32_t seq, uint32_t len, Block* block);
  void RebuildIndex();  // `where` of every agent, from the blocks

  // Edits.
  Status LocalInsert(uint32_t agent, uint64_t pos, std::u32string_view text);
  Status LocalDelete(uint64_t pos, uint64_t len);
  enum class Applied { kDone, kSkipped, kWaiting, kDropped };
  Applied ApplyEdit(const TextEdit& e, const Provenance* from);
  // False if `e` could not have been made by its author (see Apply).
  bool PlausibleInsert(const TextEdit& e, const Provenance& from, const Loc& start, int64_t right_raw);
  bool Seen(CharId id, const Provenance& from) const;
  void RecordMadeBy(uint32_t agent, uint32_t seq, uint32_t len, uint64_t change_seq);
  bool Integrate(const TextEdit& e, const Provenance* from);  // false: dropped
  void RetryWaiting();
  void RecordInsert(uint32_t agent, uint32_t seq, uint32_t len, CharId left, CharId right);
  void RecordDelete(uint32_t agent, uint32_t seq, uint32_t len);

  // Codec (text_codec.cpp).
  Bytes EncodeBatch(const std::vector<TextEdit>& edits, uint32_t author) const;
};

// Decodes a batch without touching any state. Agent fields of the edits are
// references: 0 is the batch's author, i is (*names)[i - 1].
Status DecodeBatch(ByteView batch, std::vector<std::string>* names, std::vector<TextEdit>* edits);

}  // namespace caseboard::crdt
