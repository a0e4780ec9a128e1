// Real editing histories replayed through the text CRDT: each must end at
// exactly its recorded endContent, as local edits, as received by a peer, and
// after a snapshot round trip.
#include <doctest/doctest.h>

#include <algorithm>

#include "caseboard/crdt/text.h"
#include "editing_trace.h"

using caseboard::Bytes;
using caseboard::crdt::TextSequence;
using namespace caseboard::traces;

static EditingTrace Load(const std::string& name) {
  auto trace = LoadEditingTrace(TracesDir() + "/" + name + ".json.gz");
  REQUIRE_MESSAGE(trace.ok(), trace.status().message());
  return std::move(trace).value();
}

static void ApplyPatches(TextSequence& text, const std::string& agent, const Txn& txn) {
  for (const Patch& p : txn.patches) {
    if (p.del) REQUIRE(text.Delete(agent, p.pos, p.del).ok());
    if (!p.ins.empty()) REQUIRE(text.Insert(agent, p.pos, p.ins).ok());
  }
}

static void ReplaySequential(const std::string& name) {
  EditingTrace trace = Load(name);
  REQUIRE_FALSE(trace.concurrent);
  const std::string author = "author-of-" + name;
  TextSequence text;
  std::vector<Bytes> batches;
  for (size_t i = 0; i < trace.txns.size(); ++i) {
    ApplyPatches(text, author, trace.txns[i]);
    if (i % 100 == 99) batches.push_back(text.TakeLocalEdits());
  }
  batches.push_back(text.TakeLocalEdits());
  CHECK(text.Text() == trace.end_content);

  // A peer that receives the history batch by batch.
  TextSequence peer;
  for (const Bytes& b : batches)
    if (!b.empty()) REQUIRE(peer.Apply(author, b).ok());
  CHECK(peer.waiting() == 0);
  CHECK(peer.Text() == trace.end_content);

  // Snapshot round trip, exact to the byte.
  Bytes encoded = text.Encode();
  auto decoded = TextSequence::Decode(encoded);
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().message());
  CHECK(decoded->Text() == trace.end_content);
  CHECK(decoded->Encode() == encoded);
}

TEST_CASE("automerge-paper replays to its end content") { ReplaySequential("automerge-paper"); }
TEST_CASE("seph-blog1 replays to its end content") { ReplaySequential("seph-blog1"); }

TEST_CASE("friendsforever replays with one replica per agent") {
  EditingTrace trace = Load("friendsforever");
  REQUIRE(trace.concurrent);
  const size_t n = trace.txns.size();
  std::vector<TextSequence> replicas(trace.agents);
  std::vector<std::vector<bool>> has(trace.agents, std::vector<bool>(n, false));
  std::vector<Bytes> batches(n);
  auto agent_name = [](uint32_t a) { return "agent-" + std::to_string(a); };
  // Brings replica `a` up to (at least) everything in the causal past of `heads`.
  auto catch_up = [&](uint32_t a, const std::vector<uint32_t>& heads) {
    std::vector<uint32_t> stack = heads, missing;
    while (!stack.empty()) {
      uint32_t j = stack.back();
      stack.pop_back();
      if (has[a][j]) continue;
      has[a][j] = true;
      missing.push_back(j);
      for (uint32_t p : trace.txns[j].parents) stack.push_back(p);
    }
    std::sort(missing.begin(), missing.end());  // parents always come first in the trace
    for (uint32_t j : missing)
      if (!batches[j].empty()) REQUIRE(replicas[a].Apply(agent_name(trace.txns[j].agent), batches[j]).ok());
  };
  for (uint32_t i = 0; i < n; ++i) {
    const Txn& txn = trace.txns[i];
    for (uint32_t p : txn.parents) REQUIRE(p < i);
    catch_up(txn.agent, txn.parents);
    ApplyPatches(replicas[txn.agent], agent_name(txn.agent), txn);
    batches[i] = replicas[txn.agent].TakeLocalEdits();
    has[txn.agent][i] = true;
  }
  std::vector<uint32_t> all(n);
  for (uint32_t i = 0; i < n; ++i) all[i] = i;
  for (uint32_t a = 0; a < trace.agents; ++a) {
    catch_up(a, all);
    CHECK(replicas[a].waiting() == 0);
    CHECK(replicas[a].Text() == trace.end_content);
  }
  // A third replica that receives every batch in trace order.
  TextSequence observer;
  for (uint32_t i = 0; i < n; ++i)
    if (!batches[i].empty()) REQUIRE(observer.Apply(agent_name(trace.txns[i].agent), batches[i]).ok());
  CHECK(observer.Text() == trace.end_content);
}
