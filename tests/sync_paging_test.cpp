// Pulls in pages from a real board (loopback TLS), for a device that may
// read only some compartments: every page is the next changes it may see,
// in order, without a gap or a repeat; `more` says whether another page
// follows, also when the changes after a page's end are all ones the device
// may not see; and the last page's `next` is the review's head.
#include <doctest/doctest.h>

#include <vector>

#include "board_fixture.h"
#include "caseboard/crdt/change.h"
#include "caseboard/review/replica.h"
#include "caseboard/sync/sync_engine.h"
#include "joined_vault.h"

using namespace caseboard;
using namespace caseboard::test;

namespace {

std::unique_ptr<sync::BoardClient> ClientOf(const store::Vault& vault) {
  auto config = sync::LoadBoardConfig(vault);
  REQUIRE_MESSAGE(config.ok(), config.status().ToString());
  auto client = sync::BoardClient::ForVault(vault, config->trust(), config->device);
  REQUIRE_MESSAGE(client.ok(), client.status().ToString());
  return std::move(client).value();
}

struct Pulled {
  uint64_t seq = 0;
  std::string compartment;
};

// Every page from the start with `limit` changes a page, checking each
// page's shape on the way.
std::vector<Pulled> PullAll(sync::BoardClient& client, const std::string& review, size_t limit,
                            uint64_t head) {
  std::vector<Pulled> out;
  uint64_t cursor = 0;
  for (int pages = 0;; ++pages) {
    REQUIRE(pages < 1000);
    auto page = client.Pull(review, cursor, limit);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    CHECK(page->changes.size() <= limit);
    if (pages > 0) CHECK_FALSE(page->changes.empty());  // `more` promised this page something
    uint64_t last = cursor;
    for (const auto& [seq, sealed] : page->changes) {
      CHECK(seq > last);
      last = seq;
      auto change = crdt::ParseChange(sealed);
      REQUIRE(change.ok());
      out.push_back({seq, change->header.compartment});
    }
    if (page->more) {
      CHECK(page->changes.size() == limit);  // only a limit ends a page early here
      CHECK(page->next == last);
    } else {
      CHECK(page->next == head);
      return out;
    }
    cursor = page->next;
  }
}

}  // namespace

TEST_CASE("pulls in pages give a device exactly the changes it may see, and say when more follow") {
  TempDir dir;
  BoardServer board;
  auto chair = JoinedVault(dir.Sub("chair"), board.admin_invite(), "chair");
  auto panel = JoinedVault(dir.Sub("panel"), board.Invite("panel"), "panel");

  // The panel member may read the general compartment only. Family records
  // come in runs, and the review ends with them, so that pages end just
  // before changes the member may not see.
  auto created = review::Replica::Create(*chair, "SCR Child P");
  REQUIRE(created.ok());
  auto& r = **created;
  auto panel_identity = panel->Identity();
  REQUIRE(panel_identity.ok());
  REQUIRE(r.AddMember(*panel_identity, crdt::Role::kEditor, {"general"}).ok());
  const char* pattern = "GFFGGFGFFFGGGF";  // G general, F family
  for (int round = 0; round < 2; ++round)
    for (const char* p = pattern; *p; ++p) {
      std::optional<std::string> compartment;
      if (*p == 'F') compartment = "family";
      REQUIRE(r.AddEntity("note", {{"title", std::string("note ") + *p}}, compartment).ok());
    }
  REQUIRE(sync::SyncAll(*chair).ok());
  REQUIRE(sync::SyncAll(*panel).ok());

  auto chair_client = ClientOf(*chair);
  auto panel_client = ClientOf(*panel);
  auto everything = chair_client->Pull(r.id(), 0);
  REQUIRE(everything.ok());
  REQUIRE_FALSE(everything->more);
  const uint64_t head = everything->next;
  REQUIRE(head == everything->changes.size());

  // What the panel member may see: membership and general, in order.
  std::vector<uint64_t> visible;
  for (const auto& [seq, sealed] : everything->changes) {
    auto change = crdt::ParseChange(sealed);
    REQUIRE(change.ok());
    if (change->header.compartment != "family") visible.push_back(seq);
  }
  REQUIRE(visible.size() < head);  // some are hidden from it
  REQUIRE(visible.back() < head);  // and the review ends with hidden ones

  for (size_t limit = 1; limit <= 7; ++limit) {
    CAPTURE(limit);
    auto pulled = PullAll(*panel_client, r.id(), limit, head);
    std::vector<uint64_t> seqs;
    for (const auto& p : pulled) {
      CHECK(p.compartment != "family");
      seqs.push_back(p.seq);
    }
    CHECK(seqs == visible);
    // The owner sees everything, in the same pages.
    CHECK(PullAll(*chair_client, r.id(), limit, head).size() == head);
  }

  // From the head, a pull is empty and final.
  auto at_head = panel_client->Pull(r.id(), head, 3);
  REQUIRE(at_head.ok());
  CHECK(at_head->changes.empty());
  CHECK_FALSE(at_head->more);
  CHECK(at_head->next == head);
}
