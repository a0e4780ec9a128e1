// Real editing histories replayed through the text CRDT: each must end at
// exactly its recorded endContent, as local edits, as received by a peer, and
// after a snapshot round trip.
#include <doctest/doctest.h>

#include <algorithm>

#include "caseboard/crdt/text.h"
#include "editing_trace.h"
#include "trace_replay.h"

using caseboard::Bytes;
using caseboard::crdt::TextSequence;
using namespace caseboard::traces;

static EditingTrace Load(const std::string& name) {
  auto trace = LoadEditingTrace(TracesDir() + "/" + name + ".json.gz");
  REQUIRE_MESSAGE(trace.ok(), trace.status().message());
  return std::move(trace).value();
}

static void ReplaySequential(const std::string& name) {
  EditingTrace trace = Load(name);
  REQUIRE_FALSE(trace.concurrent);
  const std::string author = "author-of-" + name;
  TextSequence text;
  std::vector<Bytes> batches;
  for (size_t i = 0; i < trace.txns.size(); ++i) {
    REQUIRE(ApplyTxn(text, author, trace.txns[i]).ok());
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
  auto replay = ReplayConcurrent(trace);
  REQUIRE_MESSAGE(replay.ok(), replay.status().message());
  for (const TextSequence& r : replay->replicas) {
    CHECK(r.waiting() == 0);
    CHECK(r.Text() == trace.end_content);
  }
  // A third replica that receives every batch in trace order.
  TextSequence observer;
  for (size_t i = 0; i < trace.txns.size(); ++i)
    if (!replay->batches[i].empty())
      REQUIRE(observer.Apply(AgentName(trace.txns[i].agent), replay->batches[i]).ok());
  CHECK(observer.Text() == trace.end_content);
}
