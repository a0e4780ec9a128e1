// Sync through a real board server: caseboard-server on loopback TLS and
// three devices driven through caseboard-cli, as a review team uses them.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <thread>

#include "board_fixture.h"
#include "caseboard/crdt/change.h"
#include "caseboard/crdt/husk.h"
#include "caseboard/review/change_bundle.h"
#include "caseboard/sync/wire.h"
#include "cli_device.h"

using namespace caseboard;
using namespace caseboard::test;

namespace {

// Devices that have joined `board`; the first with the admin invite.
std::vector<Device> JoinAll(const TempDir& dir, const BoardServer& board,
                            const std::vector<std::string>& names) {
  std::vector<Device> out;
  for (size_t i = 0; i < names.size(); ++i) {
    Device d = MakeDevice(dir, names[i]);
    std::string invite = i == 0 ? board.admin_invite() : board.Invite(names[i]);
    d.Ok({"join", invite, "--name", names[i]});
    out.push_back(std::move(d));
  }
  return out;
}

// Whether the board stored `marker` in any form a reader could find: as is,
// or as the hex a database dump shows binary columns in.
bool BoardHolds(const BoardServer& board, const std::string& marker) {
  std::string stored = board.StoredBytes();
  return stored.find(marker) != std::string::npos || stored.find(ToHex(AsBytes(marker))) != std::string::npos;
}

nlohmann::json Json(const Device& d, const std::vector<std::string>& args) {
  return nlohmann::json::parse(d.Ok(args));
}

// The sealed changes of `review` as `d` holds them, by hash hex.
std::map<std::string, Bytes> ExportedChanges(const Device& d, const TempDir& dir, const std::string& review,
                                             const std::string& name) {
  std::string file = dir.str() + "/" + name + ".changes";
  d.Ok({"changes", "export", review, "--out", file});
  std::ifstream in(file, std::ios::binary);
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bundle = review::DecodeChangeBundle(bytes, file);
  REQUIRE_MESSAGE(bundle.ok(), bundle.status().ToString());
  std::map<std::string, Bytes> out;
  for (const auto& sealed : bundle->changes) {
    auto c = crdt::ParseChange(sealed);
    REQUIRE(c.ok());
    out[c->HashHex()] = sealed;
  }
  return out;
}

// Whether `stored` holds a piece of `body` (raw, or as a dump's hex).
bool HoldsPiece(const std::string& stored, const Bytes& body) {
  std::string piece(body.begin() + 12, body.begin() + 44);  // after the nonce: ciphertext
  return stored.find(piece) != std::string::npos || stored.find(ToHex(AsBytes(piece))) != std::string::npos;
}

std::string FilesIn(const std::string& dir) {
  std::string out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

}  // namespace

TEST_CASE("destruction reaches the board and every device; a device that joins later gets none of it") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "reviewer", "newcomer"});
  std::string review = d[0].Ok({"scr", "start", "--title", "Review of Child F"});
  d[0].Ok({"member", "add", review, IdentityOf(d[1]), "--role", "editor", "--compartments",
           "general,family,restricted"});
  std::string interview = d[0].Ok(
      {"scr", "add", review, "conversation", "kind=interview", "notes=Father: DESTROYED-MARKER-6612"});
  // A recording attached to the interview: it goes to the board as sealed pieces.
  std::string recording_file = dir.str() + "/recording.txt";
  std::ofstream(recording_file) << "RECORDING-MARKER-9140: what the father said, word for word.";
  std::string recording = d[0].Ok({"attach", review, recording_file, "--compartment", "family"});
  d[0].Ok({"scr", "update", review, interview, "files=" + recording});
  d[0].Ok({"scr", "add", review, "finding", "title=Kept finding"});
  d[0].Ok({"scr", "add", review, "publication_plan", "decision=publish", "publish_on=2024-03-01"});
  d[0].Ok({"scr", "set", review, "retention", "starts_from=published", "interviews_years=1"});
  d[0].Ok({"sync"});
  d[1].Ok({"sync"});
  REQUIRE(Json(d[1], {"scr", "list", review, "conversation", "--json"}).size() == 1);
  REQUIRE(board.CountRows("file_chunks") == 1);
  std::map<std::string, Bytes> before = ExportedChanges(d[0], dir, review, "before");
  // The reviewer, offline, adds to the interview: this change never reaches the board as written.
  d[1].Ok({"scr", "update", review, interview, "by=OFFLINE-MARKER-4471"});
  std::map<std::string, Bytes> offline = ExportedChanges(d[1], dir, review, "offline");

  d[0].Ok({"scr", "destroy", review, "interviews", "--yes", "--today", "2025-03-01"});
  d[0].Ok({"sync"});
  // The changes the destruction husked: whole before, husks now.
  std::map<std::string, Bytes> after = ExportedChanges(d[0], dir, review, "after");
  std::vector<Bytes> husked;
  for (const auto& [hash, sealed] : before)
    if (after.count(hash) && crdt::IsHusk(after[hash])) husked.push_back(crdt::ParseChange(sealed)->body);
  REQUIRE(!husked.empty());  // the change that added the interview
  std::string stored = board.StoredBytes();
  for (const auto& body : husked) CHECK_FALSE(HoldsPiece(stored, body));
  CHECK_FALSE(BoardHolds(board, "DESTROYED-MARKER-6612"));
  CHECK(board.CountRows("file_chunks") == 0);  // the recording's pieces went with it
  // The check does see a change that stays (the finding's, say).
  for (const auto& [hash, sealed] : before)
    if (!crdt::IsHusk(after[hash]) && crdt::ParseChange(sealed)->header.compartment == "general") {
      CHECK(HoldsPiece(stored, crdt::ParseChange(sealed)->body));
      break;
    }

  // The reviewer's device, at its next sync: it pulls the destruction, husks
  // its own offline change, and sends the board that husk in its place.
  d[1].Ok({"sync"});
  for (const auto& [hash, sealed] : offline)
    if (!before.count(hash)) CHECK_FALSE(HoldsPiece(board.StoredBytes(), crdt::ParseChange(sealed)->body));
  CHECK(Json(d[1], {"scr", "list", review, "conversation", "--json"}).empty());
  CHECK(Json(d[1], {"scr", "list", review, "finding", "--json"}).size() == 1);
  std::string on_reviewer = FilesIn(d[1].vault);
  for (const auto& body : husked) CHECK_FALSE(HoldsPiece(on_reviewer, body));
  CHECK(d[1].Ok({"review", "hash", review}) == d[0].Ok({"review", "hash", review}));

  // A device let in afterwards gets husks and the destruction record, nothing else of it.
  d[0].Ok({"member", "add", review, IdentityOf(d[2]), "--role", "reader", "--compartments",
           "general,family,restricted"});
  d[0].Ok({"sync"});
  std::string joined = d[2].Ok({"sync"});
  CHECK(joined.find("refused") == std::string::npos);
  CHECK(Json(d[2], {"scr", "list", review, "conversation", "--json"}).empty());
  CHECK(Json(d[2], {"scr", "list", review, "finding", "--json"}).size() == 1);
  nlohmann::json retention = Json(d[2], {"scr", "retention", review, "--today", "2025-03-01", "--json"});
  REQUIRE(retention["destructions"].size() == 1);
  CHECK(retention["destructions"][0]["what"] == "interviews");
  CHECK(d[2].Ok({"review", "hash", review}) == d[0].Ok({"review", "hash", review}));
  CHECK(d[2].Ok({"review", "list"}).find("problems") == std::string::npos);
}

TEST_CASE("three devices edit one review offline, sync in random orders, and converge") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "reviewer", "author"});
  std::string review = d[0].Ok({"review", "create", "--title", "Review of Child D MARKER-TITLE-7f3a"});
  for (size_t i = 1; i < d.size(); ++i)
    d[0].Ok(
        {"member", "add", review, IdentityOf(d[i]), "--role", "editor", "--compartments", "general,family"});
  std::string note = d[0].Ok({"entity", "add", review, "note", "title=Panel", "body=Agreed: ."});
  d[0].Ok({"sync"});
  for (size_t i = 1; i < d.size(); ++i) {
    d[i].Ok({"sync"});
    CHECK(d[i].Ok({"text", "get", review, note, "body"}) == "Agreed: .");
  }

  // Offline: everyone edits, including the same text at the same place.
  const std::vector<std::string> passages = {"the chair's view MARKER-A-19c2",
                                             "the reviewer's view MARKER-B-5d01",
                                             "the author's view MARKER-C-aa70"};
  // Files too: an interview recording of a few pieces (1 MiB each), a short
  // agency report, an empty file.
  std::vector<std::string> files, attachments;
  for (size_t i = 0; i < d.size(); ++i) {
    d[i].Ok({"text", "insert", review, note, "body", "8", passages[i]});
    d[i].Ok({"entity", "add", review, "note", "title=Note from device " + std::to_string(i), "--compartment",
             "family"});
    std::string content = i == 2 ? "" : "FILE-MARKER-" + std::to_string(i) + "-e41d ";
    while (i == 0 && content.size() < (5u << 19)) content += content;  // 2.5 MiB or so
    files.push_back(content);
    std::string path = dir.Sub("upload-" + std::to_string(i));
    WriteFile(path, AsBytes(content));
    attachments.push_back(d[i].Ok({"attach", review, path, "--compartment", i == 1 ? "family" : "general"}));
  }
  d[1].Ok({"entity", "set", review, note, "title=Panel meeting 2"});

  // Sync in random orders until nothing moves.
  std::mt19937 rng(20261124);
  std::vector<size_t> order = {0, 1, 2};
  for (int round = 0; round < 3; ++round) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t i : order) d[i].Ok({"sync"});
  }
  std::string hash = d[0].Ok({"review", "hash", review});
  for (size_t i = 1; i < d.size(); ++i) CHECK(d[i].Ok({"review", "hash", review}) == hash);
  std::string body = d[2].Ok({"text", "get", review, note, "body"});
  for (const auto& p : passages) CHECK(body.find(p) != std::string::npos);
  CHECK(d[0].Ok({"changes", "quarantined", review}).empty());
  for (size_t i = 0; i < d.size(); ++i)
    for (size_t f = 0; f < attachments.size(); ++f) {
      std::string out = dir.Sub("extract-" + std::to_string(i) + "-" + std::to_string(f));
      d[i].Ok({"extract", review, attachments[f], "--out", out});
      Bytes got = ReadFile(out);
      CHECK_MESSAGE(std::string(got.begin(), got.end()) == files[f], "device " << i << ", file " << f);
    }

  // The server holds ciphertext only: none of the content is in its files
  // or its database. (The scan does see what the board does keep in the
  // clear, such as the device ids.)
  board.Stop();
  CHECK(BoardHolds(board, IdentityOf(d[0]).substr(7, 32)));
  for (const char* marker : {"MARKER-TITLE-7f3a", "MARKER-A-19c2", "MARKER-B-5d01", "MARKER-C-aa70",
                             "Panel meeting", "FILE-MARKER-0-e41d", "FILE-MARKER-1-e41d"})
    CHECK_MESSAGE(!BoardHolds(board, marker), marker);
}

TEST_CASE("a device that is not a member gets nothing; a revoked device is refused and wipes its vault") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "reviewer", "stranger"});
  std::string review = d[0].Ok({"review", "create", "--title", "Review of Child E"});
  d[0].Ok({"member", "add", review, IdentityOf(d[1]), "--role", "editor"});
  d[0].Ok({"entity", "add", review, "note", "title=Confidential"});
  d[0].Ok({"sync"});
  d[1].Ok({"sync"});
  CHECK(d[1].Ok({"review", "list"}).find(review) != std::string::npos);

  CliRun stranger = d[2].Run({"sync", "--review", review});
  CHECK(stranger.exit_code == 1);
  CHECK(d[2].Ok({"review", "list"}).find(review) == std::string::npos);

  std::string who = d[1].Ok({"whoami"});
  std::string device = who.substr(who.find_first_not_of(' ', who.find("device") + 6), 32);
  CliRun revoked = board.Admin("revoke", {device});
  REQUIRE_MESSAGE(revoked.exit_code == 0, revoked.err);
  // Its next contact: the board's order to wipe, carried out at once.
  CHECK(std::filesystem::exists(d[1].vault + "/vault.db"));
  CliRun refused = d[1].Run({"sync"});
  CHECK(refused.exit_code == 1);
  CHECK_MESSAGE(refused.err.find("revoked") != std::string::npos, refused.err);
  CHECK_MESSAGE(refused.err.find("has been wiped") != std::string::npos, refused.err);
  CHECK_FALSE(std::filesystem::exists(d[1].vault));
  CliRun gone = d[1].Run({"review", "list"});
  CHECK(gone.exit_code != 0);
  // The others carry on.
  d[0].Ok({"entity", "add", review, "note", "title=After"});
  d[0].Ok({"sync"});
}

TEST_CASE("join refuses a board whose key or CA does not match the invite") {
  TempDir dir;
  BoardServer board, other;  // two boards: different CAs and keys
  auto mine = sync::ParseInvite(board.Invite("someone"));
  auto theirs = sync::ParseInvite(other.Invite("someone"));
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  Device d = MakeDevice(dir, "device");

  sync::Invite wrong_key = *mine;
  wrong_key.key_sha256 = theirs->key_sha256;  // right CA, pinned key not the server's
  CliRun r = d.Run({"join", sync::EncodeInvite(wrong_key)});
  CHECK(r.exit_code == 1);
  CHECK_FALSE(r.err.empty());

  sync::Invite wrong_ca = *mine;
  wrong_ca.ca_sha256 = theirs->ca_sha256;  // right key, CA not the board's
  CHECK(d.Run({"join", sync::EncodeInvite(wrong_ca)}).exit_code == 1);

  sync::Invite plain_http = *mine;
  plain_http.url = "http://localhost:" + std::to_string(board.port());
  CHECK(d.Run({"join", sync::EncodeInvite(plain_http)}).exit_code != 0);
  CHECK(d.Run({"join", "cbinvite1:not-an-invite"}).exit_code != 0);

  // None of that used up the token: the genuine invite still works.
  CHECK(d.Run({"join", sync::EncodeInvite(*mine)}).exit_code == 0);
}

TEST_CASE("the server refuses TLS below 1.2") {
  BoardServer board;
  std::string connect = "127.0.0.1:" + std::to_string(board.port());
  CliRun old = RunProgram("/usr/bin/openssl", {"s_client", "-connect", connect, "-tls1_1", "-brief"});
  CHECK(old.exit_code != 0);
  CliRun modern = RunProgram("/usr/bin/openssl", {"s_client", "-connect", connect, "-tls1_2", "-brief"});
  CHECK(modern.exit_code == 0);
}

TEST_CASE("a device that may read some compartments gets those, and the rest of the history once let in") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "panel"});
  std::string review = d[0].Ok({"review", "create", "--title", "Review of Child J"});
  d[0].Ok({"member", "add", review, IdentityOf(d[1]), "--role", "editor", "--compartments", "general"});
  // General records written after family ones, on the same device.
  d[0].Ok(
      {"entity", "add", review, "note", "title=Family contact MARKER-FAM-61d0", "--compartment", "family"});
  d[0].Ok({"entity", "add", review, "note", "title=Panel minutes"});
  d[0].Ok({"sync"});
  d[1].Ok({"sync"});
  std::string seen = d[1].Ok({"review", "show", review});
  CHECK(seen.find("Panel minutes") != std::string::npos);
  CHECK(seen.find("MARKER-FAM-61d0") == std::string::npos);
  CHECK(d[1].Ok({"changes", "quarantined", review}).empty());  // nothing left waiting for what it may not see
  d[1].Ok({"entity", "add", review, "note", "title=Reply from the panel"});
  d[1].Ok({"sync"});

  // Let in to the family compartment: the family history arrives too.
  d[0].Ok(
      {"member", "add", review, IdentityOf(d[1]), "--role", "editor", "--compartments", "general,family"});
  d[0].Ok({"sync"});
  d[1].Ok({"sync"});
  seen = d[1].Ok({"review", "show", review});
  CHECK(seen.find("MARKER-FAM-61d0") != std::string::npos);
  CHECK(seen.find("Reply from the panel") != std::string::npos);
  CHECK(d[1].Ok({"changes", "quarantined", review}).empty());
  CHECK(d[0].Ok({"review", "hash", review}) == d[1].Ok({"review", "hash", review}));
}

TEST_CASE("a watching device gets others' changes as they are pushed, and sends its own; status tells") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "reviewer"});
  std::string review = d[0].Ok({"review", "create", "--title", "Review of Child K"});
  d[0].Ok({"member", "add", review, IdentityOf(d[1]), "--role", "editor"});
  d[0].Ok({"sync"});
  d[1].Ok({"sync"});

  // Offline work is counted as waiting to be sent.
  d[0].Ok({"entity", "add", review, "note", "title=Written offline"});
  std::string status = d[0].Ok({"status", "--json"});
  CHECK(status.find("\"pending\": 1") != std::string::npos);
  CHECK(status.find("\"last_error\": \"\"") != std::string::npos);
  d[0].Ok({"sync"});
  CHECK(d[0].Ok({"status", "--json"}).find("\"pending\": 0") != std::string::npos);

  std::vector<std::string> args = {"--vault", d[1].vault, "sync", "--watch"};
  int watcher = SpawnCli(args, d[1].env, dir.Sub("watch.out"), dir.Sub("watch.err"));
  REQUIRE(watcher > 0);
  // Seen by the long poll, not by the next timed round (25 s): well within the bound below.
  auto seen_by_reviewer = [&](const std::string& marker) {
    for (int i = 0; i < 100; ++i) {
      CliRun shown = d[1].Run({"review", "show", review});  // may meet the watcher's sync: busy
      if (shown.exit_code == 0 && shown.out.find(marker) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // its first round and long poll
  d[0].Ok({"entity", "add", review, "note", "title=Live MARKER-LIVE-1"});
  d[0].Ok({"sync"});
  CHECK(seen_by_reviewer("MARKER-LIVE-1"));

  // Its own edits go out without a command (it notices the vault changed).
  CliRun added;
  for (int i = 0;
       i < 50 && (added = d[1].Run({"entity", "add", review, "note", "title=From the field"})).exit_code; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(added.exit_code == 0);
  bool arrived = false;
  for (int i = 0; i < 50 && !arrived; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    d[0].Ok({"sync"});
    arrived = d[0].Ok({"review", "show", review}).find("From the field") != std::string::npos;
  }
  CHECK(arrived);

  kill(watcher, SIGTERM);
  int wstatus = 0;
  REQUIRE(waitpid(watcher, &wstatus, 0) == watcher);
  CHECK(WIFEXITED(wstatus));
  CHECK(WEXITSTATUS(wstatus) == 0);
}
