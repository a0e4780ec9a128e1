// Destruction under the retention schedule (issue 7): one owner-signed
// destroy change removes a kind of record from every device's vault and,
// through signed husks, from what a new device receives; other records
// survive, even where they were written in the same change; a legal hold
// blocks it. "Removed" is checked on everything a vault holds, decrypted
// with the review's own keys, and on the raw vault files.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "caseboard/crdt/cbor.h"
#include "caseboard/crdt/husk.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/retention.h"
#include "caseboard/domain/scr_review.h"
#include "domain_support.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::test;
using nlohmann::json;
using review::Replica;

namespace {

constexpr char kSpoken[] = "SPOKEN-MARKER-7731";    // a destroyed interview's text
constexpr char kBy[] = "INTERVIEWER-MARKER-2290";   // written in the same change as a kept record
constexpr char kOffline[] = "OFFLINE-MARKER-5521";  // typed into the interview, offline, concurrently
constexpr char kKept[] = "Child Q";                 // the kept record's value from that change
constexpr char kRecording[] = "RECORDING-MARKER-3307: the interview, as recorded";  // a file attached to it
constexpr char kRecordingName[] = "recording-5518.txt";

// Everything the vault holds for a review, with every change, husk and
// quarantined change opened with the review's keys (which the vault holds):
// what someone with the vault's passphrase could read.
std::string Readable(store::Vault& vault, const std::string& review) {
  std::map<std::string, crypto::SecureBytes> keys;
  REQUIRE(vault
              .Scan(review, "key",
                    [&](const std::string& id, crypto::SecureBytes k) {
                      keys.emplace(id, std::move(k));
                      return true;
                    })
              .ok());
  std::string out;
  auto open = [&](ByteView sealed) {
    out.append(reinterpret_cast<const char*>(sealed.data()), sealed.size());
    auto c = crdt::ParseChange(sealed);
    if (!c.ok()) return;
    auto key = keys.find(c->header.compartment + "." + std::to_string(c->header.epoch));
    auto ops = crdt::OpenChangeOps(*c, key == keys.end() ? nullptr : &key->second);
    if (!ops.ok()) return;
    for (const auto& op : *ops) {
      out += op.dump();
      if (op.is_object() && op.contains("x") && op["x"].is_binary())
        out.append(op["x"].get_binary().begin(), op["x"].get_binary().end());
    }
  };
  for (const char* kind : {"log", "husk_out", "snapshot", "blob"})
    REQUIRE(vault
                .Scan(review, kind,
                      [&](const std::string&, crypto::SecureBytes v) {
                        open(v.view());
                        return true;
                      })
                .ok());
  REQUIRE(vault
              .Scan(review, "quarantine",
                    [&](const std::string&, crypto::SecureBytes v) {
                      json r = crdt::DecodeCbor(v.view()).value_or(json());
                      if (r.is_object() && r.contains("sealed") && r["sealed"].is_binary())
                        open(r["sealed"].get_binary());
                      return true;
                    })
              .ok());
  return out;
}

// The vault's files, as bytes on disk.
std::string FileBytes(const std::string& dir) {
  std::string out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

std::string AsString(const Bytes& b) { return std::string(b.begin(), b.end()); }

// Two devices on one review: A (the owner) and B (an editor of every compartment).
struct TwoDevices {
  TempDir dir_a, dir_b;
  std::unique_ptr<store::Vault> vault_a = CreateVault(dir_a.str());
  std::unique_ptr<store::Vault> vault_b = CreateVault(dir_b.str());
  std::unique_ptr<Replica> a, b;
  std::unique_ptr<ScrReview> scr;
  std::string interview, person, note, recording;

  TwoDevices() {
    auto r = ScrReview::Start(*vault_a, "SCR Child Q", "scr-wt2015", "Northshire SCP", D("2020-01-06"));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    a = std::move(*r);
    scr = std::make_unique<ScrReview>(*a);
    auto id_b = vault_b->Identity();
    REQUIRE(id_b.ok());
    REQUIRE(a->AddMember(*id_b, crdt::Role::kEditor, {"general", "family", "restricted"}).ok());
    person = Must(scr->AddRecord("person", {{"group", "child"}, {"name", "Quinn Example"}}));
    interview = Must(scr->AddRecord("conversation", {{"kind", "interview"}, {"person", person}}));
    REQUIRE(a->InsertText(interview, "notes", 0, std::string("Mother said: ") + kSpoken).ok());
    REQUIRE(a->FlushText().ok());
    recording = Must(a->AttachFile(kRecordingName, "text/plain", ReadFrom(kRecording), "family"));
    REQUIRE(scr->UpdateRecord(interview, {{"files", json::array({recording})}}).ok());
    note = Must(scr->AddRecord("note", {{"title", "Panel to revisit the school's referral."}}));
    // One change writing both to the interview and to a record that is kept.
    REQUIRE(a->Commit("family",
                      {{{"o", "set"}, {"e", interview}, {"t", "conversation"}, {"f", "by"}, {"v", kBy}},
                       {{"o", "set"}, {"e", person}, {"t", "person"}, {"f", "pseudonym"}, {"v", kKept}}})
                .ok());
    auto joined = Replica::OpenOrJoin(*vault_b, a->id(), ScrReplicaOptions());
    REQUIRE(joined.ok());
    b = std::move(*joined);
    REQUIRE(b->ReceiveAll(AllChanges(*a)).ok());
    REQUIRE(b->StateHashHex() == a->StateHashHex());
    REQUIRE(scr->SetRecord("retention", {{"interviews_years", 2}}).ok());
    REQUIRE(a->SetFields(First(a->document(), "scr")->id, {{"closed_on", "2022-03-01"}}).ok());
  }

  static std::string Must(Result<std::string> r) {
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return *r;
  }
};

// What a board would serve after the destruction: the owner's log, with each
// of its own husks replaced by the signed husk it queued for the board.
std::vector<Bytes> AsTheBoardHasIt(const Replica& owner) {
  auto out = owner.OutgoingHusks();
  REQUIRE(out.ok());
  std::map<std::string, Bytes> signed_husks(out->begin(), out->end());
  std::vector<Bytes> changes;
  REQUIRE(owner
              .ForEachChange([&](const crdt::Change& c) {
                auto s = signed_husks.find(c.HashHex());
                changes.push_back(c.husk && s != signed_husks.end() ? s->second : c.sealed);
                return Status::Ok();
              })
              .ok());
  return changes;
}

}  // namespace

TEST_CASE("destruction removes a kind of record from every vault, keeps the rest, and drops late edits") {
  TwoDevices t;
  // B, offline, goes on typing into the interview; its change leaves B (to
  // the board, say) before B hears of the destruction.
  REQUIRE(t.b->InsertText(t.interview, "notes", 0, std::string(kOffline) + " ").ok());
  REQUIRE(t.b->FlushText().ok());
  std::vector<Bytes> sent_by_b = AllChanges(*t.b);
  CHECK(Has(Readable(*t.vault_a, t.a->id()), kSpoken));  // the check can see it while it is there
  REQUIRE(t.vault_a->ListAttachments(t.a->id())->size() == 1);
  // B fetches the recording, piece by piece, as sync would.
  for (const auto& f : t.a->Files()) {
    REQUIRE(t.a->SealFileChunks(f, [&](uint32_t i, Bytes piece) { return t.b->StoreFileChunk(f, i, piece); })
                .ok());
    REQUIRE(t.b->AssembleFile(f).ok());
  }
  REQUIRE(t.vault_b->ListAttachments(t.b->id())->size() == 1);

  // The ciphertext of the interview's first text change, to look for on disk later.
  Bytes body;
  REQUIRE(t.a->ForEachChange([&](const crdt::Change& c) {
               if (c.header.compartment == "family" && body.empty() && c.header.seq > 2) body = c.body;
               return Status::Ok();
             })
              .ok());
  REQUIRE(!body.empty());

  auto n = DestroyKind(*t.a, "interviews", D("2024-03-01"));
  REQUIRE_MESSAGE(n.ok(), n.status().ToString());
  CHECK(*n == 1);

  const crdt::Document& doc = t.a->document();
  CHECK(doc.entities().count(t.interview) == 0);
  CHECK(doc.Find(t.person)->Field("pseudonym")->get<std::string>() == kKept);  // from the mixed change
  CHECK(doc.Find(t.note) != nullptr);
  std::string on_a = Readable(*t.vault_a, t.a->id());
  CHECK_FALSE(Has(on_a, kSpoken));
  CHECK_FALSE(Has(on_a, kBy));
  CHECK(Has(on_a, kKept));
  CHECK_FALSE(Has(FileBytes(t.dir_a.str()), AsString(body)));  // the ciphertext is gone from disk too
  // The file attached to the interview went with it: its record, its name, its bytes.
  CHECK(doc.entities().count(t.recording) == 0);
  CHECK_FALSE(Has(on_a, kRecordingName));
  auto files = t.vault_a->ListAttachments(t.a->id());
  REQUIRE(files.ok());
  CHECK(files->empty());

  // The destruction record: who, when, what and how much, nothing of what it was.
  auto destructions = t.a->Destructions();
  REQUIRE(destructions.size() == 1);
  CHECK(destructions[0].what == "interviews");
  CHECK(destructions[0].records == 1);
  CHECK(destructions[0].files == 1);
  CHECK(destructions[0].changes >= 3);  // created, its text, and the mixed change
  CHECK(destructions[0].author == t.a->device());
  for (const auto& item : CheckRetention(doc, D("2024-03-01")).items)
    if (item.kind == "interviews") CHECK(item.state == "done");  // nothing of it is left to destroy

  // B hears of it: the interview and its own offline edit go from B's vault.
  REQUIRE(t.b->ReceiveAll(AllChanges(*t.a)).ok());
  CHECK(t.b->document().entities().count(t.interview) == 0);
  std::string on_b = Readable(*t.vault_b, t.b->id());
  CHECK_FALSE(Has(on_b, kSpoken));
  CHECK_FALSE(Has(on_b, kOffline));
  CHECK_FALSE(Has(on_b, kBy));
  CHECK(Has(on_b, kKept));
  CHECK(t.vault_b->ListAttachments(t.b->id())->empty());  // the recording's bytes too
  // B signs the husk of its own offline change, for the board to put in its place.
  auto b_out = t.b->OutgoingHusks();
  REQUIRE(b_out.ok());
  REQUIRE(b_out->size() == 1);
  auto b_husk = crdt::ParseChange(b_out->front().second);
  REQUIRE(b_husk.ok());
  CHECK(b_husk->header.author == t.b->device());
  CHECK(crdt::HuskIsSigned(*b_husk));

  // A hears of B's offline edit as it was sent: dropped, and not kept in A's log.
  REQUIRE(t.a->ReceiveAll(sent_by_b).ok());
  CHECK_FALSE(Has(Readable(*t.vault_a, t.a->id()), kOffline));
  CHECK(t.a->document().entities().count(t.interview) == 0);
  CHECK(t.a->StateHashHex() == t.b->StateHashHex());
  CHECK(t.a->Problems().empty());

  // The board still holds B's offline edit as B sent it: destroying again
  // (nothing new is left) names it, and queues its signed husk for the board.
  auto late = t.a->UnvouchedHusks();
  REQUIRE(late.ok());
  REQUIRE(late->size() == 1);
  std::string late_hash = late->front().HashHex();
  auto again = DestroyKind(*t.a, "interviews", D("2024-03-01"));
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK(*again == 0);
  CHECK(t.a->UnvouchedHusks()->empty());
  auto queue = t.a->OutgoingHusks();
  REQUIRE(queue.ok());
  bool queued = false;
  for (const auto& [hash, sealed] : *queue) queued |= hash == late_hash;
  CHECK(queued);
  CHECK(t.a->Destructions().size() == 2);
  auto nothing = DestroyKind(*t.a, "interviews", D("2024-03-01"));
  REQUIRE_FALSE(nothing.ok());
  CHECK(Has(nothing.status().message(), "nothing of this kind is left"));
  REQUIRE(t.b->ReceiveAll(AllChanges(*t.a)).ok());
  CHECK(t.a->StateHashHex() == t.b->StateHashHex());

  // Reopened from the vault, the devices still agree and still hold nothing of it.
  std::string state = t.a->StateHashHex();
  t.a.reset();
  t.scr.reset();
  auto reopened = Replica::Open(*t.vault_a, t.b->id(), ScrReplicaOptions());
  REQUIRE(reopened.ok());
  CHECK((*reopened)->StateHashHex() == state);
  CHECK((*reopened)->Destructions().size() == 2);
}

TEST_CASE("a device that joins after the destruction gets husks, not content, and converges") {
  TwoDevices t;
  REQUIRE(DestroyKind(*t.a, "interviews", D("2024-03-01")).ok());
  auto outgoing = t.a->OutgoingHusks();
  REQUIRE(outgoing.ok());
  CHECK(outgoing->size() >= 3);

  TempDir dir_c;
  auto vault_c = CreateVault(dir_c.str());
  REQUIRE(
      t.a->AddMember(*vault_c->Identity(), crdt::Role::kReader, {"general", "family", "restricted"}).ok());
  auto c = Replica::OpenOrJoin(*vault_c, t.a->id(), ScrReplicaOptions());
  REQUIRE(c.ok());
  // Husks come before the destroy change that vouches for them, as the board
  // serves them (in place of the originals).
  auto results = (*c)->ReceiveAll(AsTheBoardHasIt(*t.a));
  REQUIRE(results.ok());
  for (const auto& r : *results) CHECK_MESSAGE(r.outcome == review::Outcome::kApplied, r.reason);
  CHECK((*c)->Problems().empty());
  CHECK((*c)->StateHashHex() == t.a->StateHashHex());
  CHECK((*c)->document().Find(t.person)->Field("pseudonym")->get<std::string>() == kKept);
  std::string on_c = Readable(*vault_c, t.a->id());
  CHECK_FALSE(Has(on_c, kSpoken));
  CHECK_FALSE(Has(on_c, kBy));
}

TEST_CASE("a husk is applied only as its owner's destroy change says") {
  TwoDevices t;
  REQUIRE(DestroyKind(*t.a, "interviews", D("2024-03-01")).ok());
  std::vector<Bytes> served = AsTheBoardHasIt(*t.a);

  // Its residue altered (say, by the board): the destroying owner's signature fails.
  size_t tampered = served.size();
  for (size_t i = 0; i < served.size() && tampered == served.size(); ++i) {
    if (!crdt::IsHusk(served[i])) continue;
    json h = crdt::DecodeCbor(served[i]).value();
    auto residue = h[3].get_binary();
    residue[residue.size() / 2] ^= 1;
    h[3] = json::binary_t(residue);
    served[i] = json::to_cbor(h);
    tampered = i;
  }
  REQUIRE(tampered < served.size());
  TempDir dir_c;
  auto vault_c = CreateVault(dir_c.str());
  auto c = Replica::OpenOrJoin(*vault_c, t.a->id(), ScrReplicaOptions());
  REQUIRE(c.ok());
  REQUIRE((*c)->ReceiveAll(served).ok());
  bool refused = false;
  for (const auto& p : (*c)->Problems())
    refused |= p.state == "quarantined" && Has(p.reason, "not signed by its author or by the owner");
  CHECK(refused);

  // A husk signed by nobody (only a device's own log holds those) is refused outright.
  json unsigned_husk = crdt::DecodeCbor(AsTheBoardHasIt(*t.a)[tampered]).value();
  unsigned_husk[5] = json::binary_t(std::vector<uint8_t>(64, 0));
  auto r = (*c)->Receive(json::to_cbor(unsigned_husk));
  REQUIRE(r.ok());
  CHECK(r->outcome == review::Outcome::kQuarantined);
  CHECK(Has(r->reason, "must be signed"));
}

TEST_CASE(
    "destruction is refused under a legal hold, before its time, and to a device that is not an owner") {
  TwoDevices t;
  REQUIRE(t.scr->SetRecord("retention", {{"legal_hold", true}, {"hold_reason", "Civil claim"}}).ok());
  auto held = DestroyKind(*t.a, "interviews", D("2030-01-01"));
  REQUIRE_FALSE(held.ok());
  CHECK(Has(held.status().message(), "legal hold"));
  CHECK(t.a->document().Find(t.interview) != nullptr);
  CHECK(t.a->Destructions().empty());
  CHECK(Has(Readable(*t.vault_a, t.a->id()), kSpoken));

  REQUIRE(t.scr->SetRecord("retention", {{"legal_hold", false}}).ok());
  auto early = DestroyKind(*t.a, "interviews", D("2023-01-01"));
  REQUIRE_FALSE(early.ok());
  CHECK(Has(early.status().message(), "kept until 2024-03-01"));

  // B is an editor: it may not destroy, whatever the schedule says.
  REQUIRE(t.b->ReceiveAll(AllChanges(*t.a)).ok());
  auto by_b = DestroyKind(*t.b, "interviews", D("2030-01-01"));
  REQUIRE_FALSE(by_b.ok());
  CHECK(by_b.status().code() == Status::Code::kAuthFailed);
  CHECK(t.b->document().Find(t.interview) != nullptr);
}
