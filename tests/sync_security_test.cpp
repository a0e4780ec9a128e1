// The board's security properties, attacked directly: requests forged,
// replayed, stale or altered; changes signed by a device that is not a member
// or may not write; a removed or revoked device reading on. The board is the
// real caseboard-server on loopback TLS; requests go through the real client
// (HttpClient, BoardClient) with a device's real vault, opened in-process.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>

#include "board_fixture.h"
#include "caseboard/crdt/change.h"
#include "caseboard/crdt/husk.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/review/change_bundle.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/board_client.h"
#include "caseboard/sync/sync_state.h"
#include "cli_device.h"

using namespace caseboard;
using namespace caseboard::test;

namespace {

// A CLI device's vault opened in this process (the CLI must not be running
// on it meanwhile), with the board settings `join` stored in it.
struct OpenDevice {
  std::unique_ptr<store::Vault> vault;
  sync::BoardConfig config;

  explicit OpenDevice(const Device& d) {
    auto v = store::Vault::Open(d.vault);
    REQUIRE_MESSAGE(v.ok(), v.status().ToString());
    vault = std::move(*v);
    std::string passphrase = d.env.front().substr(d.env.front().find('=') + 1);
    REQUIRE(vault->Unlock(AsBytes(passphrase)).ok());
    auto c = sync::LoadBoardConfig(*vault);
    REQUIRE_MESSAGE(c.ok(), c.status().ToString());
    config = *c;
  }
  sync::DeviceSigner Signer() const {
    return [v = vault.get()](ByteView m) { return v->SignAsDevice(m); };
  }
  std::unique_ptr<sync::HttpClient> Http() const {
    auto h = sync::HttpClient::Create(config.trust());
    REQUIRE(h.ok());
    return std::move(*h);
  }
  std::unique_ptr<sync::BoardClient> Client() const {
    sync::BoardClientOptions options;
    options.retry.attempts = 1;
    auto c = sync::BoardClient::ForVault(*vault, config.trust(), config.device, options);
    REQUIRE(c.ok());
    return std::move(*c);
  }
};

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string FreshNonce() { return ToHex(crypto::RandomBytes(16)); }

// `request` with the signature headers `signer` makes for `device`.
sync::HttpRequest Signed(sync::HttpRequest request, const sync::DeviceSigner& signer,
                         const std::string& device, uint64_t time_ms, const std::string& nonce) {
  auto headers = sync::SignRequest(signer, device, request, time_ms, nonce);
  REQUIRE(headers.ok());
  request.headers = *headers;
  return request;
}

int StatusOf(sync::HttpClient& http, const sync::HttpRequest& request) {
  auto r = http.Send(request);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->status;
}

std::vector<Device> JoinAll(const TempDir& dir, const BoardServer& board,
                            const std::vector<std::string>& names) {
  std::vector<Device> out;
  for (size_t i = 0; i < names.size(); ++i) {
    Device d = MakeDevice(dir, names[i]);
    d.Ok({"join", i == 0 ? board.admin_invite() : board.Invite(names[i]), "--name", names[i]});
    out.push_back(std::move(d));
  }
  return out;
}

std::string DeviceIdOf(const Device& d) { return IdentityOf(d).substr(7, 32); }

}  // namespace

TEST_CASE("forged, replayed, stale and altered requests are refused") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "reviewer"});
  std::string review = d[0].Ok({"review", "create", "--title", "Review of Child F"});
  d[0].Ok({"sync"});

  OpenDevice reviewer(d[1]);  // an enrolled device whose key is used to forge
  OpenDevice chair(d[0]);
  auto http = chair.Http();
  sync::HttpRequest list;
  list.target = "/v1/reviews";

  // The genuine request works once; the same bytes again are a replay.
  sync::HttpRequest genuine = Signed(list, chair.Signer(), chair.config.device, NowMs(), FreshNonce());
  CHECK(StatusOf(*http, genuine) == 200);
  CHECK(StatusOf(*http, genuine) == 401);

  // No signature at all.
  CHECK(StatusOf(*http, list) == 401);

  // A signature with one digit changed.
  sync::HttpRequest flipped = Signed(list, chair.Signer(), chair.config.device, NowMs(), FreshNonce());
  for (auto& [name, value] : flipped.headers)
    if (name == "X-Caseboard-Signature") value[0] = value[0] == '0' ? '1' : '0';
  CHECK(StatusOf(*http, flipped) == 401);

  // Another enrolled device's key claiming to be the chair.
  CHECK(StatusOf(*http, Signed(list, reviewer.Signer(), chair.config.device, NowMs(), FreshNonce())) == 401);

  // A request signed ten minutes ago (beyond the permitted clock skew), and one from the future.
  CHECK(StatusOf(*http, Signed(list, chair.Signer(), chair.config.device, NowMs() - 600000, FreshNonce())) ==
        401);
  CHECK(StatusOf(*http, Signed(list, chair.Signer(), chair.config.device, NowMs() + 600000, FreshNonce())) ==
        401);

  // The target or body changed after signing.
  sync::HttpRequest moved = Signed(list, chair.Signer(), chair.config.device, NowMs(), FreshNonce());
  moved.target = "/v1/reviews/" + review + "/changes?after=0";
  CHECK(StatusOf(*http, moved) == 401);
  sync::HttpRequest push;
  push.method = "POST";
  push.target = "/v1/reviews/" + review + "/changes";
  push.content_type = "application/cbor";
  push.body = sync::Encode(sync::PushRequest{});
  sync::HttpRequest altered = Signed(push, chair.Signer(), chair.config.device, NowMs(), FreshNonce());
  altered.body.push_back(0);
  CHECK(StatusOf(*http, altered) == 401);

  // None of that disturbed the genuine device.
  CHECK(StatusOf(*http, Signed(list, chair.Signer(), chair.config.device, NowMs(), FreshNonce())) == 200);

  // Once the reviewer is revoked, the wipe order goes only to a request its
  // own key signed; anyone else using its id gets a plain refusal.
  REQUIRE(board.Admin("revoke", {reviewer.config.device}).exit_code == 0);
  CHECK(StatusOf(*http, Signed(list, chair.Signer(), reviewer.config.device, NowMs(), FreshNonce())) == 401);
  CHECK(StatusOf(*http, Signed(list, reviewer.Signer(), reviewer.config.device, NowMs(), FreshNonce())) ==
        410);
  CHECK(StatusOf(*http, Signed(list, chair.Signer(), chair.config.device, NowMs(), FreshNonce())) == 200);
}

TEST_CASE("changes signed by a non-member, or by a member without the right to write, are refused") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "reader", "stranger"});
  std::string review = d[0].Ok({"review", "create", "--title", "Review of Child G"});
  d[0].Ok({"member", "add", review, IdentityOf(d[1]), "--role", "reader"});
  d[0].Ok({"sync"});
  d[1].Ok({"sync"});
  std::string hash = d[0].Ok({"review", "hash", review});

  auto forge = [&](const Device& who, const std::string& compartment, const crdt::Op& op) {
    OpenDevice dev(who);
    crdt::ChangeHeader h;
    h.review = review;
    h.author = dev.config.device;
    h.seq = 1;
    h.hlc = {NowMs(), 0};
    h.compartment = compartment;
    auto key = crypto::SecureBytes::Random(32);
    auto change = crdt::SealChange(h, {op}, compartment == crdt::kMembership ? nullptr : &key,
                                   [&](ByteView m) { return dev.vault->SignAsDevice(m); });
    REQUIRE_MESSAGE(change.ok(), change.status().ToString());
    sync::PushRequest request;
    request.changes.push_back(change->sealed);
    auto pushed = dev.Client()->Push(review, request);
    // Refused as a whole (403) or change by change: either way, not stored.
    if (pushed.ok()) {
      REQUIRE(pushed->results.size() == 1);
      CHECK(pushed->results[0].seq == 0);
      CHECK_FALSE(pushed->results[0].error.empty());
    } else {
      CHECK(pushed.status().IsAuthFailed());
    }
  };
  // A stranger making itself an owner.
  nlohmann::json self = {{"o", "member"}, {"d", IdentityOf(d[2])}, {"role", "owner"}, {"c", {"general"}}};
  forge(d[2], crdt::kMembership, self);
  // A stranger writing content.
  forge(d[2], "general", {{"o", "create"}, {"e", "0123456789abcdef0123456789abcdef"}, {"t", "note"}});
  // A reader writing content, and promoting itself.
  forge(d[1], "general", {{"o", "create"}, {"e", "0123456789abcdef0123456789abcdef"}, {"t", "note"}});
  self["d"] = IdentityOf(d[1]);
  forge(d[1], crdt::kMembership, self);

  // The board relayed none of it: the chair's next sync brings nothing.
  CliRun sync = d[0].Run({"sync"});
  CHECK(sync.exit_code == 0);
  CHECK(d[0].Ok({"review", "hash", review}) == hash);
  CHECK(d[0].Ok({"changes", "quarantined", review}).empty());
}

TEST_CASE("a removed member cannot read what is written after, through the board or around it") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "reviewer", "panel"});
  std::string review = d[0].Ok({"review", "create", "--title", "Review of Child H"});
  d[0].Ok({"member", "add", review, IdentityOf(d[1]), "--role", "editor"});
  d[0].Ok({"member", "add", review, IdentityOf(d[2]), "--role", "editor"});
  d[0].Ok({"entity", "add", review, "note", "title=Before"});
  for (auto& dev : d) dev.Ok({"sync"});
  CHECK(d[1].Ok({"review", "show", review}).find("Before") != std::string::npos);

  // What a thief who imaged the reviewer's disk now holds (a revoked device
  // wipes its own vault at its next contact; the image stays).
  std::string image = dir.Sub("reviewer-image");
  std::filesystem::copy(d[1].vault, image, std::filesystem::copy_options::recursive);
  bool revoked_on_board = false;
  SUBCASE("removed by an owner") { d[0].Ok({"member", "remove", review, DeviceIdOf(d[1])}); }
  SUBCASE("revoked on the board: the owner's next sync removes it") {
    revoked_on_board = true;
    CliRun revoked = board.Admin("revoke", {DeviceIdOf(d[1])});
    REQUIRE_MESSAGE(revoked.exit_code == 0, revoked.err);
    d[0].Ok({"sync"});
    CHECK(d[0].Ok({"member", "list", review}).find(DeviceIdOf(d[1])) == std::string::npos);
  }
  d[0].Ok({"entity", "add", review, "note", "title=After MARKER-AFTER-3b8e"});
  d[0].Ok({"sync"});
  d[2].Ok({"sync"});
  CHECK(d[2].Ok({"review", "show", review}).find("MARKER-AFTER-3b8e") != std::string::npos);

  // Through the board: refused.
  CliRun pulled = d[1].Run({"sync", "--review", review});
  CHECK(pulled.exit_code != 0);
  bool says_why =
      pulled.err.find("not a member") != std::string::npos || pulled.err.find("revoked") != std::string::npos;
  CHECK_MESSAGE(says_why, pulled.err);
  if (revoked_on_board) {
    // The board's order: the device wiped its vault.
    CHECK_MESSAGE(pulled.err.find("has been wiped") != std::string::npos, pulled.err);
    CHECK_FALSE(std::filesystem::exists(d[1].vault));
  }
  // Around it (a copy of every change, as a stolen backup would give, read
  // with the disk image taken before): the new entries arrive but stay
  // sealed under an epoch key it never received.
  std::filesystem::remove_all(d[1].vault);
  std::filesystem::copy(image, d[1].vault, std::filesystem::copy_options::recursive);
  std::string file = dir.Sub("all-changes");
  d[0].Ok({"changes", "export", review, "--out", file});
  d[1].Ok({"changes", "import", file});
  CHECK(d[1].Ok({"review", "show", review}).find("MARKER-AFTER-3b8e") == std::string::npos);
  CHECK(d[1].Ok({"review", "show", review}).find("Before") != std::string::npos);
}

TEST_CASE("a member cannot put a husk of its own in place of another's change on the board") {
  TempDir dir;
  BoardServer board;
  std::vector<Device> d = JoinAll(dir, board, {"chair", "editor"});
  std::string review = d[0].Ok({"scr", "start", "--title", "Review of Child H"});
  d[0].Ok({"member", "add", review, IdentityOf(d[1]), "--role", "editor", "--compartments",
           "general,family,restricted"});
  d[0].Ok({"scr", "add", review, "conversation", "kind=interview", "notes=To be destroyed"});
  d[0].Ok({"scr", "add", review, "finding", "title=The chair's finding"});
  d[0].Ok({"scr", "add", review, "publication_plan", "decision=publish", "publish_on=2024-03-01"});
  d[0].Ok({"scr", "set", review, "retention", "starts_from=published", "interviews_years=1"});
  d[0].Ok({"scr", "destroy", review, "interviews", "--yes", "--today", "2025-03-01"});
  d[0].Ok({"sync"});
  d[1].Ok({"sync"});
  d[1].Ok({"scr", "add", review, "note", "title=The editor's note"});
  std::string destroy_hex =
      nlohmann::json::parse(d[0].Ok({"scr", "retention", review, "--json"}))["destructions"][0]["change"];

  // The chair's last change (the retention schedule), and one of the editor's own.
  auto exported = [&](const Device& who, const std::string& name) {
    std::string file = dir.Sub(name);
    who.Ok({"changes", "export", review, "--out", file});
    std::ifstream in(file, std::ios::binary);
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto bundle = review::DecodeChangeBundle(bytes, file);
    REQUIRE(bundle.ok());
    std::vector<crdt::Change> out;
    for (const auto& sealed : bundle->changes) out.push_back(crdt::ParseChange(sealed).value());
    return out;
  };
  std::vector<crdt::Change> chairs = exported(d[0], "chair.changes");
  crdt::Change target;
  for (const auto& c : chairs)
    if (!c.husk && c.header.compartment == "general") target = c;
  REQUIRE(target.header.author == DeviceIdOf(d[0]));
  crdt::Change own;
  for (const auto& c : exported(d[1], "editor.changes"))
    if (c.header.author == DeviceIdOf(d[1])) own = c;
  REQUIRE(!own.header_bytes.empty());

  OpenDevice editor(d[1]);
  crdt::Signer sign = [&](ByteView m) { return editor.vault->SignAsDevice(m); };
  auto destroy = FromHex(destroy_hex);
  REQUIRE(destroy);
  crdt::Hash destroy_hash;
  std::copy(destroy->begin(), destroy->end(), destroy_hash.begin());
  auto key = crypto::SecureBytes::Random(32);
  auto push_husk = [&](const crdt::Change& original) {
    auto husk = crdt::SealHusk(original, {}, key, destroy_hash, &sign);
    REQUIRE_MESSAGE(husk.ok(), husk.status().ToString());
    sync::PushRequest request;
    request.changes.push_back(husk->sealed);
    auto pushed = editor.Client()->Push(review, request);
    REQUIRE_MESSAGE(pushed.ok(), pushed.status().ToString());
    REQUIRE(pushed->results.size() == 1);
    CHECK(pushed->results[0].seq == 0);
    return pushed->results[0].error;
  };
  // The chair's change, as the editor's husk: the editor is not its author,
  // and the destruction does not name it.
  CHECK(push_husk(target).find("does not name this change") != std::string::npos);
  // The editor's own header under the chair's change's hash: not the header of the change it would replace.
  crdt::Change swapped = own;
  swapped.hash = target.hash;
  CHECK(push_husk(swapped).find("not that of the change it would replace") != std::string::npos);

  // Nothing of the chair's review changed on the board.
  editor.vault.reset();
  TempDir other;
  Device newcomer = MakeDevice(other, "newcomer");
  newcomer.Ok({"join", board.Invite("newcomer"), "--name", "newcomer"});
  d[0].Ok({"member", "add", review, IdentityOf(newcomer), "--role", "reader", "--compartments",
           "general,family,restricted"});
  d[0].Ok({"sync"});
  newcomer.Ok({"sync"});
  CHECK(newcomer.Ok({"review", "hash", review}) == d[0].Ok({"review", "hash", review}));
  CHECK(newcomer.Ok({"review", "list"}).find("problems") == std::string::npos);
}
