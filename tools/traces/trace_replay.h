// Replays editing traces into TextSequences, as the trace tests and
// text_bench both do.
#pragma once

#include <string>
#include <vector>

#include "caseboard/crdt/text.h"
#include "editing_trace.h"

namespace caseboard::traces {

// Applies one transaction's patches as local edits by `agent`.
Status ApplyTxn(crdt::TextSequence& text, const std::string& agent, const Txn& txn);

// The name replica `agent` of a concurrent trace edits under.
std::string AgentName(uint32_t agent);

// A concurrent trace replayed with one replica per agent, as the traces'
// README describes: before each transaction its agent's replica receives the
// batch of every transaction in the transaction's causal past that it lacks;
// the patches are then applied as local edits and taken as that
// transaction's batch. At the end every replica has received every batch.
struct ConcurrentReplay {
  std::vector<crdt::TextSequence> replicas;
  std::vector<Bytes> batches;  // per transaction (empty if it made no edit)
};
Result<ConcurrentReplay> ReplayConcurrent(const EditingTrace& trace);

}  // namespace caseboard::traces
