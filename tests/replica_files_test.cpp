// Attachment files between devices without the network: one replica seals a
// file's pieces, the other keeps them one at a time (in any order, some
// twice, some damaged) and assembles the file once all are there.
#include <doctest/doctest.h>

#include <map>
#include <memory>

#include "caseboard/review/replica.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using review::Replica;

namespace {

std::string Extract(const Replica& r, const std::string& entity) {
  std::string out;
  Status s = r.ExtractFile(entity, [&](ByteView data) {
    out.append(data.begin(), data.end());
    return Status::Ok();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

Replica::FileRef FileOf(const Replica& r, const std::string& entity) {
  for (const auto& f : r.Files())
    if (f.entity == entity) return f;
  FAIL("no file for entity " << entity);
  return {};
}

}  // namespace

TEST_CASE("a file travels in sealed pieces that only open where they belong") {
  TempDir d1, d2;
  auto v1 = CreateVault(d1.str()), v2 = CreateVault(d2.str());
  auto r1 = std::move(Replica::Create(*v1, "Review with files")).value();
  REQUIRE(r1->AddMember(*v2->Identity(), crdt::Role::kEditor, {"general"}).ok());
  // Two and a half pieces, with a recognisable pattern so a misplaced piece shows.
  std::string content;
  for (size_t i = 0; content.size() < Replica::kFileChunkBytes * 5 / 2; ++i)
    content += std::to_string(i) + ",";
  auto entity = r1->AttachFile("interview.wav", "audio/wav", ReadFrom(content));
  REQUIRE(entity.ok());
  auto r2 = std::move(Replica::OpenOrJoin(*v2, r1->id())).value();
  REQUIRE(r2->ReceiveAll(AllChanges(*r1)).ok());

  Replica::FileRef sent = FileOf(*r1, *entity);
  Replica::FileRef wanted = FileOf(*r2, *entity);
  CHECK(sent.here);
  CHECK_FALSE(wanted.here);
  CHECK(sent.id == wanted.id);
  CHECK(sent.chunks == 3);
  CHECK(sent.id.size() == 64);
  CHECK(content.find(sent.id) == std::string::npos);

  std::map<uint32_t, Bytes> pieces;
  REQUIRE(r1->SealFileChunks(sent, [&](uint32_t i, Bytes b) {
              pieces[i] = std::move(b);
              return Status::Ok();
            }).ok());
  REQUIRE(pieces.size() == 3);
  // The pieces are ciphertext.
  for (const auto& [i, b] : pieces)
    CHECK(std::string(b.begin(), b.end()).find("100,101,") == std::string::npos);

  // A piece offered at another position, or altered, is refused.
  CHECK(r2->StoreFileChunk(wanted, 0, pieces[1]).IsAuthFailed());
  Bytes altered = pieces[2];
  altered[altered.size() / 2] ^= 1;
  CHECK(r2->StoreFileChunk(wanted, 2, altered).IsAuthFailed());
  CHECK_FALSE(r2->StoreFileChunk(wanted, 3, pieces[2]).ok());

  // Out of order, one twice: assembly waits for the last piece.
  REQUIRE(r2->StoreFileChunk(wanted, 2, pieces[2]).ok());
  REQUIRE(r2->StoreFileChunk(wanted, 0, pieces[0]).ok());
  REQUIRE(r2->StoreFileChunk(wanted, 0, pieces[0]).ok());
  CHECK(*r2->MissingFileChunks(wanted) == std::vector<uint32_t>{1});
  CHECK(r2->AssembleFile(wanted).IsNotFound());
  CHECK(r2->ExtractFile(*entity, [](ByteView) { return Status::Ok(); }).IsNotFound());
  REQUIRE(r2->StoreFileChunk(wanted, 1, pieces[1]).ok());
  REQUIRE(r2->AssembleFile(wanted).ok());
  CHECK(Extract(*r2, *entity) == content);
  CHECK(FileOf(*r2, *entity).here);

  // A device outside the file's compartment never sees its entity, so has no key to open it.
  TempDir d3;
  auto v3 = CreateVault(d3.str());
  REQUIRE(r1->AddMember(*v3->Identity(), crdt::Role::kEditor, {"family"}).ok());
  auto r3 = std::move(Replica::OpenOrJoin(*v3, r1->id())).value();
  REQUIRE(r3->ReceiveAll(AllChanges(*r1)).ok());
  CHECK(r3->Files().empty());
}

TEST_CASE("an empty file is one empty piece") {
  TempDir d1, d2;
  auto v1 = CreateVault(d1.str()), v2 = CreateVault(d2.str());
  auto r1 = std::move(Replica::Create(*v1, "Review")).value();
  REQUIRE(r1->AddMember(*v2->Identity(), crdt::Role::kReader, {"general"}).ok());
  auto entity = r1->AttachFile("empty.txt", "text/plain", ReadFrom(""));
  REQUIRE(entity.ok());
  auto r2 = std::move(Replica::OpenOrJoin(*v2, r1->id())).value();
  REQUIRE(r2->ReceiveAll(AllChanges(*r1)).ok());
  Replica::FileRef f = FileOf(*r1, *entity);
  CHECK(f.chunks == 1);
  std::vector<Bytes> pieces;
  REQUIRE(r1->SealFileChunks(f, [&](uint32_t, Bytes b) {
              pieces.push_back(std::move(b));
              return Status::Ok();
            }).ok());
  REQUIRE(pieces.size() == 1);
  REQUIRE(r2->StoreFileChunk(FileOf(*r2, *entity), 0, pieces[0]).ok());
  REQUIRE(r2->AssembleFile(FileOf(*r2, *entity)).ok());
  CHECK(Extract(*r2, *entity).empty());
}
