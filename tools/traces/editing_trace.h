// Loads an editing trace (josephg/editing-traces format, gzipped JSON): the
// real typing histories the text CRDT is tested and benchmarked against.
// See tests/data/traces/README.md for the formats and their licence.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "caseboard/status.h"

namespace caseboard::traces {

struct Patch {
  uint32_t pos = 0;  // code points
  uint32_t del = 0;  // code points deleted at pos
  std::string ins;   // UTF-8 inserted at pos after the deletion
};

struct Txn {
  std::vector<Patch> patches;
  std::vector<uint32_t> parents;  // concurrent traces only: txn indices
  uint32_t agent = 0;             // concurrent traces only
  int64_t time_ms = 0;            // 0 when the trace has no usable time
};

struct EditingTrace {
  bool concurrent = false;
  uint32_t agents = 1;
  std::string end_content;
  std::vector<Txn> txns;
  size_t patch_count() const;
};

Result<EditingTrace> LoadEditingTrace(const std::string& path);

// The folder holding the traces: $CASEBOARD_TRACES_DIR, else the copy in the
// source tree (tests/data/traces).
std::string TracesDir();

}  // namespace caseboard::traces
