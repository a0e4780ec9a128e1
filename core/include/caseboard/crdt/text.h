// A text that merges character by character: the `text` field type.
//
// Every character ever typed keeps a unique id (author device, per-author
// counter) and its two origins: the character it was typed after and the one
// it was typed before. Concurrent inserts are ordered by the FugueMax rule
// (the YjsMod integration of Weidner, Gentle and Kleppmann, "The Art of the
// Fugue", 2023): two people typing a sentence each at the same place get two
// whole sentences, never interleaved characters, whichever way they type.
// Deleted characters stay as tombstones so that edits made offline against
// them still land in the right place.
//
// Characters are stored in runs (a span of ids typed one after the other), in
// blocks of runs with cached lengths, so a day of typing is a few thousand
// runs, not a few hundred thousand objects. Positions are Unicode code
// points; text in and out is UTF-8, and invalid UTF-8 is refused.
//
// Local edits are recorded and handed out as one encoded batch per editing
// burst (TakeLocalEdits); a peer applies that batch with Apply. Applying the
// same batches in any causal order, with duplicates, gives the same text. A
// batch whose origins have not arrived yet waits inside the sequence and is
// applied as soon as they do, so a batch referring to characters that never
// arrive never changes the text on any replica.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/status.h"

namespace caseboard::crdt {

// A cursor position that survives remote edits: the character just before
// the cursor (its author and counter), or the start of the text.
struct TextAnchor {
  std::string agent;  // empty: the start of the text
  uint32_t seq = 0;
  bool operator==(const TextAnchor&) const = default;
};

class TextSequence {
 public:
  TextSequence();
  ~TextSequence();
  TextSequence(TextSequence&&) noexcept;
  TextSequence& operator=(TextSequence&&) noexcept;
  TextSequence(const TextSequence& other);
  TextSequence& operator=(const TextSequence& other);

  // Visible length in code points, and the visible text as UTF-8.
  size_t size() const;
  std::string Text() const;

  // ---- Local edits by device `agent`. ----
  // Inserts UTF-8 `text` before code point `pos` (0 <= pos <= size()).
  Status Insert(const std::string& agent, size_t pos, std::string_view text);
  // Deletes `len` code points starting at `pos`.
  Status Delete(const std::string& agent, size_t pos, size_t len);
  // The local edits made since the last call, as one encoded batch (empty
  // when there are none). The edits are already applied here.
  Bytes TakeLocalEdits();
  bool has_local_edits() const;

  // ---- Edits from peers. ----
  // Checks that `batch` is well formed (encoding, UTF-8, bounds) without
  // applying it: what a change's ops must pass before they are accepted.
  static Status CheckBatch(ByteView batch);
  // How many characters a batch inserts and deletes (for the audit trail).
  struct BatchSummary {
    size_t inserted = 0;
    size_t deleted = 0;
  };
  static Result<BatchSummary> Summarize(ByteView batch);
  // The signed change a batch came in, for judging it against what its
  // author had seen.
  struct Provenance {
    uint64_t change_seq = 0;  // the change's sequence number by its author
    // For each device, the highest sequence number of its changes in the
    // change's causal past, the change itself included; sorted by device.
    std::vector<std::pair<std::string, uint64_t>> seen;
    uint64_t Seen(const std::string& device) const;  // 0 if none
  };
  // Applies a batch made by TakeLocalEdits on device `author`'s replica.
  // Edits already applied are skipped; edits whose origins are missing wait.
  //
  // With `from` (how a review applies changes), an edit must make sense in
  // its change's causal past, or it is dropped, alike on every replica: its
  // origins and the characters it deletes were seen by its author, and no
  // character its author had seen lies between its two origins. An honest
  // replica never sends anything else; without this, a member with write
  // access could send inserts whose order depends on arrival and split
  // everyone's copy of a text. An edit whose origins are missing (an
  // ancestor change not yet readable here) waits with its provenance.
  Status Apply(const std::string& author, ByteView batch, const Provenance* from = nullptr);
  // Edits dropped by that rule (for the app's problem list and tests).
  size_t dropped() const;
  // Edits waiting for characters that have not arrived.
  size_t waiting() const;

  // ---- Cursors. ----
  TextAnchor AnchorAt(size_t pos) const;
  // Where an anchor's cursor is now; an anchor this text does not know (yet)
  // resolves to the end.
  size_t PositionOf(const TextAnchor& anchor) const;

  // ---- Snapshots. ----
  // The whole state (every character with its origins, tombstones, waiting
  // edits and which change signed what), compactly encoded. Decode(Encode())
  // is an exact copy except for local edits not yet taken: take them first.
  Bytes Encode() const;
  static Result<TextSequence> Decode(ByteView encoded);

  // For benchmarks: how the state is held.
  struct Stats {
    size_t runs = 0;
    size_t blocks = 0;
    size_t chars = 0;       // ids ever created, deleted ones included
    size_t heap_bytes = 0;  // estimate of the memory held
  };
  Stats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace caseboard::crdt
