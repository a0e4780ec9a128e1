#include "trace_replay.h"

#include <algorithm>

namespace caseboard::traces {

Status ApplyTxn(crdt::TextSequence& text, const std::string& agent, const Txn& txn) {
  for (const Patch& p : txn.patches) {
    if (p.del) CB_RETURN_IF_ERROR(text.Delete(agent, p.pos, p.del));
    if (!p.ins.empty()) CB_RETURN_IF_ERROR(text.Insert(agent, p.pos, p.ins));
  }
  return Status::Ok();
}

std::string AgentName(uint32_t agent) { return "agent-" + std::to_string(agent); }

Result<ConcurrentReplay> ReplayConcurrent(const EditingTrace& trace) {
  const uint32_t n = static_cast<uint32_t>(trace.txns.size());
  ConcurrentReplay out;
  out.replicas.resize(trace.agents);
  out.batches.resize(n);
  std::vector<std::vector<bool>> has(trace.agents, std::vector<bool>(n, false));
  // Brings replica `a` up to everything in the causal past of `heads`.
  auto catch_up = [&](uint32_t a, const std::vector<uint32_t>& heads) -> Status {
    std::vector<uint32_t> stack = heads, missing;
    while (!stack.empty()) {
      uint32_t j = stack.back();
      stack.pop_back();
      if (has[a][j]) continue;
      has[a][j] = true;
      missing.push_back(j);
      for (uint32_t p : trace.txns[j].parents) stack.push_back(p);
    }
    std::sort(missing.begin(), missing.end());  // parents come first in a trace
    for (uint32_t j : missing)
      if (!out.batches[j].empty())
        CB_RETURN_IF_ERROR(out.replicas[a].Apply(AgentName(trace.txns[j].agent), out.batches[j]));
    return Status::Ok();
  };
  for (uint32_t i = 0; i < n; ++i) {
    const Txn& txn = trace.txns[i];
    if (txn.agent >= trace.agents) return Status::Corruption("trace names an agent past numAgents");
    for (uint32_t p : txn.parents)
      if (p >= i) return Status::Corruption("trace lists a parent after its child");
    CB_RETURN_IF_ERROR(catch_up(txn.agent, txn.parents));
    CB_RETURN_IF_ERROR(ApplyTxn(out.replicas[txn.agent], AgentName(txn.agent), txn));
    out.batches[i] = out.replicas[txn.agent].TakeLocalEdits();
    has[txn.agent][i] = true;
  }
  std::vector<uint32_t> all(n);
  for (uint32_t i = 0; i < n; ++i) all[i] = i;
  for (uint32_t a = 0; a < trace.agents; ++a) CB_RETURN_IF_ERROR(catch_up(a, all));
  return out;
}

}  // namespace caseboard::traces
