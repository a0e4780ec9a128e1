// A sync that shares its vault with another thread (the app's window)
// through a VaultGate: the engine uses the vault only while it holds the
// gate, lets go of it while it waits on the board, and syncs the caller's
// own open replica (SyncOptions::open_replica). Real board server on
// loopback TLS, in-process devices.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "board_fixture.h"
#include "caseboard/review/replica.h"
#include "caseboard/sync/sync_engine.h"
#include "joined_vault.h"

using namespace caseboard;
using namespace caseboard::test;

namespace {

// A gate that is a mutex, and notes any misuse: a release by a thread that
// does not hold it, or an acquire by one that already does.
class CheckingGate : public sync::VaultGate {
 public:
  void Acquire() override {
    if (holder_.load() == std::this_thread::get_id()) {
      misuse_ = true;
      return;
    }
    mu_.lock();
    holder_ = std::this_thread::get_id();
    ++acquires_;
  }
  void Release() override {
    if (holder_.load() != std::this_thread::get_id()) {
      misuse_ = true;
      return;
    }
    holder_ = std::thread::id();
    ++releases_;
    mu_.unlock();
  }
  std::mutex& mutex() { return mu_; }  // the other thread's side
  int acquires() const { return acquires_; }
  int releases() const { return releases_; }
  bool misused() const { return misuse_; }

 private:
  std::mutex mu_;
  std::atomic<std::thread::id> holder_{};
  std::atomic<int> acquires_{0}, releases_{0};
  std::atomic<bool> misuse_{false};
};

std::string NoteText(const review::Replica& r, const std::string& note) {
  const crdt::Entity* e = r.document().Find(note);
  const crdt::TextSequence* t = e ? e->Text("body") : nullptr;
  return t ? t->Text() : std::string();
}

}  // namespace

TEST_CASE("a sync through a vault gate uses the vault only on its turns and syncs the caller's open review") {
  TempDir dir;
  BoardServer board;
  auto a = JoinedVault(dir.Sub("a"), board.admin_invite(), "field laptop");
  auto b = JoinedVault(dir.Sub("b"), board.Invite("office desktop"), "office desktop");

  // A shares a review with B; B writes at the start of its note, and syncs.
  auto created = review::Replica::Create(*a, "SCR Child G");
  REQUIRE(created.ok());
  std::shared_ptr<review::Replica> open = std::move(created).value();
  auto note = open->AddEntity("note", {{"title", "Visit"}});
  REQUIRE(note.ok());
  REQUIRE(open->InsertText(*note, "body", 0, "Visit notes.").ok());
  REQUIRE(open->FlushText().ok());
  auto b_identity = b->Identity();
  REQUIRE(b_identity.ok());
  REQUIRE(open->AddMember(*b_identity, crdt::Role::kEditor, {"general"}).ok());
  sync::SyncOptions plain;
  plain.open_replica = [&](const std::string& id) { return id == open->id() ? open : nullptr; };
  REQUIRE(sync::SyncAll(*a, plain).ok());
  REQUIRE(sync::SyncAll(*b).ok());
  {
    auto rb = review::Replica::Open(*b, open->id());
    REQUIRE(rb.ok());
    REQUIRE((*rb)->InsertText(*note, "body", 0, "From B. ").ok());
    REQUIRE((*rb)->FlushText().ok());
  }
  REQUIRE(sync::SyncAll(*b).ok());

  // A syncs on a worker thread through the gate, while this thread types at
  // the end of the note between the worker's turns, as the window would.
  CheckingGate gate;
  std::atomic<int> borrowed{0};
  sync::SyncOptions options;
  options.client.vault_gate = &gate;
  options.open_replica = [&](const std::string& id) {
    ++borrowed;
    return id == open->id() ? open : nullptr;
  };
  std::atomic<bool> done{false};
  Result<sync::SyncReport> report = Status::Internal("not run");
  std::thread worker([&] {
    report = sync::SyncAll(*a, options);
    done = true;
  });
  int typed = 0;
  while (!done) {
    {
      std::lock_guard<std::mutex> turn(gate.mutex());
      std::string text = NoteText(*open, *note);
      Status s = open->InsertText(*note, "body", text.size(), "x");  // ASCII: bytes are positions
      if (!s.ok()) {
        CHECK_MESSAGE(false, s.ToString());  // not REQUIRE: the worker must be joined
        break;
      }
      ++typed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  worker.join();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK(report->ok());
  CHECK_FALSE(gate.misused());
  CHECK(gate.acquires() == gate.releases());
  // Let go of around every exchange with the board (list, pull, push, files), not held throughout.
  CHECK(gate.acquires() >= 4);
  CHECK(borrowed.load() >= 1);
  CHECK(typed > 0);

  // B's words came into the replica A's "window" has open, before what was typed.
  std::string text = NoteText(*open, *note);
  CHECK(text == "From B. Visit notes." + std::string(static_cast<size_t>(typed), 'x'));

  // What was typed during the sync goes out with the next one; both ends agree.
  REQUIRE(open->FlushText().ok());
  REQUIRE(sync::SyncAll(*a, plain).ok());
  REQUIRE(sync::SyncAll(*b).ok());
  auto rb = review::Replica::Open(*b, open->id());
  REQUIRE(rb.ok());
  CHECK(NoteText(**rb, *note) == text);
  CHECK((*rb)->StateHashHex() == open->StateHashHex());
}
