// The vault's behaviour: lifecycle, records, attachments, identity, locking.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "caseboard/crypto/hash.h"
#include "caseboard/crypto/sealed_box.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using store::RecordKey;
using store::Vault;

TEST_CASE("create, lock, unlock with the right passphrase, refuse the wrong one") {
  TempDir dir;
  {
    auto v = CreateVault(dir.str());
    CHECK(v->is_unlocked());
    REQUIRE(v->Put({"r1", "note", "n1"}, AsBytes("first note")).ok());
    v->Lock();
    CHECK_FALSE(v->is_unlocked());
    auto locked = v->Get({"r1", "note", "n1"});
    CHECK(locked.status().code() == Status::Code::kLocked);
    CHECK(v->Put({"r1", "note", "n2"}, AsBytes("x")).code() == Status::Code::kLocked);
    CHECK(v->Identity().status().code() == Status::Code::kLocked);

    Status wrong = v->Unlock(AsBytes("not the passphrase"));
    CHECK(wrong.code() == Status::Code::kAuthFailed);
    CHECK(wrong.message() == "wrong passphrase");
    CHECK_FALSE(v->is_unlocked());

    REQUIRE(v->Unlock(AsBytes(kPassphrase)).ok());
    auto got = v->Get({"r1", "note", "n1"});
    REQUIRE(got.ok());
    CHECK(got->str() == "first note");
  }
  auto v = OpenUnlocked(dir.str());
  CHECK(v->Get({"r1", "note", "n1"})->str() == "first note");
}

TEST_CASE("creating over an existing vault is refused") {
  TempDir dir;
  CreateVault(dir.str());
  auto again = Vault::Create(dir.str(), AsBytes(kPassphrase), FastVaultOptions());
  CHECK(again.status().code() == Status::Code::kAlreadyExists);
}

TEST_CASE("opening a folder without a vault says so") {
  TempDir dir;
  auto v = Vault::Open(dir.Sub("nothing-here"));
  CHECK(v.status().IsNotFound());
  CHECK(v.status().message().find("caseboard-cli init") != std::string::npos);
}

TEST_CASE("an empty passphrase and weak scrypt parameters are refused at create") {
  TempDir dir;
  CHECK(Vault::Create(dir.Sub("a"), {}, FastVaultOptions()).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(Vault::Create(dir.Sub("b"), AsBytes("pass phrase"), {{256, 8, 1}}).status().code() ==
        Status::Code::kInvalidArgument);
}

TEST_CASE("changing the passphrase rewraps the key and keeps every record") {
  TempDir dir;
  {
    auto v = CreateVault(dir.str());
    for (int i = 0; i < 20; ++i)
      REQUIRE(v->Put({"r", "k", std::to_string(i)}, AsBytes("v" + std::to_string(i))).ok());
    CHECK(v->ChangePassphrase(AsBytes("wrong old"), AsBytes("new passphrase 1")).IsAuthFailed());
    crypto::ScryptParams stronger{1u << 11, 8, 1};
    REQUIRE(v->ChangePassphrase(AsBytes(kPassphrase), AsBytes("new passphrase 1"), stronger).ok());
    CHECK(v->kdf_params().n == stronger.n);
  }
  auto v = Vault::Open(dir.str());
  REQUIRE(v.ok());
  CHECK((*v)->Unlock(AsBytes(kPassphrase)).IsAuthFailed());
  REQUIRE((*v)->Unlock(AsBytes("new passphrase 1")).ok());
  CHECK((*v)->kdf_params().n == 2048);
  for (int i = 0; i < 20; ++i)
    CHECK((*v)->Get({"r", "k", std::to_string(i)})->str() == "v" + std::to_string(i));
}

TEST_CASE("records: put, overwrite, get, delete, scan in id order, batches") {
  TempDir dir;
  auto v = CreateVault(dir.str());
  REQUIRE(v->Put({"rev", "entity", "b"}, AsBytes("bee")).ok());
  REQUIRE(v->Put({"rev", "entity", "a"}, AsBytes("ay")).ok());
  REQUIRE(v->Put({"rev", "entity", "c"}, AsBytes("sea")).ok());
  REQUIRE(v->Put({"rev", "entity", "a"}, AsBytes("ay again")).ok());
  REQUIRE(v->Put({"rev", "other", "a"}, AsBytes("elsewhere")).ok());
  REQUIRE(v->Put({"rev2", "entity", "a"}, AsBytes("other review")).ok());
  REQUIRE(v->Put({"rev", "entity", "empty"}, {}).ok());

  CHECK(v->Get({"rev", "entity", "a"})->str() == "ay again");
  CHECK(v->Get({"rev", "entity", "empty"})->empty());
  CHECK(v->Get({"rev", "entity", "zzz"}).status().IsNotFound());
  CHECK(v->Get({"", "entity", "a"}).status().code() == Status::Code::kInvalidArgument);

  std::vector<std::string> seen;
  REQUIRE(v->Scan("rev", "entity", [&](const std::string& id, crypto::SecureBytes value) {
             seen.push_back(id + "=" + std::string(value.str()));
             return true;
           }).ok());
  CHECK(seen == std::vector<std::string>{"a=ay again", "b=bee", "c=sea", "empty="});

  seen.clear();
  REQUIRE(v->Scan("rev", "entity", [&](const std::string& id, crypto::SecureBytes) {
             seen.push_back(id);
             return seen.size() < 2;
           }).ok());
  CHECK(seen.size() == 2);

  REQUIRE(v->Delete({"rev", "entity", "b"}).ok());
  CHECK(v->Get({"rev", "entity", "b"}).status().IsNotFound());

  store::WriteBatch batch;
  batch.Put({"rev", "entity", "x"}, AsBytes("ex"));
  batch.Put({"rev", "entity", "y"}, AsBytes("why"));
  batch.Delete({"rev", "entity", "c"});
  REQUIRE(v->Write(batch).ok());
  CHECK(v->Get({"rev", "entity", "x"})->str() == "ex");
  CHECK(v->Get({"rev", "entity", "c"}).status().IsNotFound());

  auto reviews = v->ListReviews();
  REQUIRE(reviews.ok());
  CHECK(*reviews == std::vector<std::string>{"rev", "rev2"});
}

TEST_CASE("a failing batch is applied not at all") {
  TempDir dir;
  auto v = CreateVault(dir.str());
  store::WriteBatch batch;
  batch.Put({"rev", "k", "good"}, AsBytes("1"));
  batch.Put({"rev", "k", ""}, AsBytes("bad key"));
  CHECK_FALSE(v->Write(batch).ok());
  CHECK(v->Get({"rev", "k", "good"}).status().IsNotFound());
}

TEST_CASE("attachments stream through in chunks, dedupe, and read back exactly") {
  TempDir dir;
  auto v = CreateVault(dir.str());
  const size_t chunk = Vault::kAttachmentChunkSize;
  for (size_t size : {size_t{0}, size_t{1}, chunk - 1, chunk, chunk + 1, 3 * chunk, 3 * chunk + 12345}) {
    CAPTURE(size);
    Bytes data(size);
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<uint8_t>((i * 131 + size) ^ (i >> 9));
    auto info = PutAttachmentBytes(*v, "rev", data, 7777);
    REQUIRE_MESSAGE(info.ok(), info.status().ToString());
    CHECK(info->size == size);
    CHECK(info->id.size() == 64);
    auto back = ReadAttachmentBytes(*v, "rev", info->id);
    REQUIRE(back.ok());
    CHECK(*back == data);
    auto stat = v->StatAttachment("rev", info->id);
    REQUIRE(stat.ok());
    CHECK(stat->size == size);
  }
  Bytes same(100000, 42);
  auto first = PutAttachmentBytes(*v, "rev", same);
  auto second = PutAttachmentBytes(*v, "rev", same, 333);
  REQUIRE((first.ok() && second.ok()));
  CHECK(first->id == second->id);
  auto list = v->ListAttachments("rev");
  REQUIRE(list.ok());
  CHECK(list->size() == 8);  // seven sizes above plus one deduplicated file

  REQUIRE(v->DeleteAttachment("rev", first->id).ok());
  CHECK(v->StatAttachment("rev", first->id).status().IsNotFound());
  CHECK(ReadAttachmentBytes(*v, "rev", first->id).status().IsNotFound());
}

TEST_CASE("an attachment whose source fails is not stored, and a crash's leftovers are collected") {
  TempDir dir;
  {
    auto v = CreateVault(dir.str());
    int calls = 0;
    auto r = v->PutAttachment("rev", [&](std::span<uint8_t> buf) -> Result<size_t> {
      if (++calls > 5) return Status::IOError("the USB stick was pulled out");
      std::fill(buf.begin(), buf.end(), uint8_t{1});
      return buf.size();
    });
    CHECK(r.status().code() == Status::Code::kIOError);
    auto list = v->ListAttachments("rev");
    REQUIRE(list.ok());
    CHECK(list->empty());
  }
  // Simulate chunks left behind by an upload killed half way.
  RawSql(dir.str(), "INSERT INTO attachment_chunks(blob, idx, data) VALUES('deadbeef', 0, x'00')");
  CHECK(RawQueryInt(dir.str(), "SELECT count(*) FROM attachment_chunks") == 1);
  {
    auto v = OpenUnlocked(dir.str());
    auto verify = v->Verify();
    REQUIRE(verify.ok());
    CHECK(verify->ok());
  }
  CHECK(RawQueryInt(dir.str(), "SELECT count(*) FROM attachment_chunks") == 0);
}

TEST_CASE("a second process (or handle) cannot open a vault that is open") {
  TempDir dir;
  auto v = CreateVault(dir.str());
  auto second = Vault::Open(dir.str());
  CHECK(second.status().code() == Status::Code::kBusy);
  CHECK(second.status().message().find("another Caseboard process") != std::string::npos);
  v.reset();
  CHECK(Vault::Open(dir.str()).ok());
}

TEST_CASE("device identity: stable, parseable, usable for sealing to the device") {
  TempDir dir;
  std::string line;
  {
    auto v = CreateVault(dir.str());
    auto id = v->Identity();
    REQUIRE(id.ok());
    line = id->ToLine();
    CHECK(id->device_id.size() == 32);
    auto sig = v->SignAsDevice(AsBytes("hello"));
    REQUIRE(sig.ok());
    CHECK(crypto::Ed25519Verify(id->signing_key, AsBytes("hello"), *sig).ok());
  }
  auto v = OpenUnlocked(dir.str());
  auto id = v->Identity();
  REQUIRE(id.ok());
  CHECK(id->ToLine() == line);  // the keys survive a reopen

  auto parsed = store::DeviceIdentity::Parse(line);
  REQUIRE(parsed.ok());
  CHECK(parsed->sealing_key == id->sealing_key);
  auto box = crypto::SealTo(parsed->sealing_key, AsBytes("review key"), AsBytes("aad"));
  REQUIRE(box.ok());
  auto opened = v->OpenSealedToDevice(*box, AsBytes("aad"));
  REQUIRE(opened.ok());
  CHECK(opened->str() == "review key");

  std::string forged = line;
  forged[8] = forged[8] == 'a' ? 'b' : 'a';  // change the device id
  CHECK_FALSE(store::DeviceIdentity::Parse(forged).ok());
  CHECK_FALSE(store::DeviceIdentity::Parse("cbdev1:abc").ok());
  CHECK_FALSE(store::DeviceIdentity::Parse("hello").ok());
  CHECK(store::Fingerprint(id->signing_key).size() == 49);  // 10 groups of 4 and 9 spaces
}

TEST_CASE("files are private to the user") {
  TempDir dir;
  auto v = CreateVault(dir.Sub("vault"));
  auto perms = std::filesystem::status(dir.Sub("vault") + "/vault.db").permissions();
  using std::filesystem::perms;
  CHECK((perms & (perms::group_all | perms::others_all)) == perms::none);
  auto dperms = std::filesystem::status(dir.Sub("vault")).permissions();
  CHECK((dperms & (perms::group_all | perms::others_all)) == perms::none);
}

TEST_CASE("wiping a vault: refused while it is open, then every vault file gone, nothing else touched") {
  TempDir dir;
  std::string vault_dir = dir.Sub("vault");
  {
    auto vault = CreateVault(vault_dir);
    REQUIRE(vault->Put({"r1", "note", "n1"}, AsBytes("a note to be destroyed")).ok());
    Status busy = store::WipeVault(vault_dir);
    CHECK(busy.code() == Status::Code::kBusy);
    CHECK(store::Vault::Exists(vault_dir));
  }
  REQUIRE(store::WipeVault(vault_dir).ok());
  CHECK_FALSE(std::filesystem::exists(vault_dir));  // it held only the vault
  CHECK(store::WipeVault(vault_dir).IsNotFound());

  // A folder that also holds a person's own file keeps that file.
  std::string shared = dir.Sub("shared");
  CreateVault(shared).reset();
  { std::ofstream(shared + "/mine.txt") << "not the vault's"; }
  REQUIRE(store::WipeVault(shared).ok());
  CHECK_FALSE(store::Vault::Exists(shared));
  CHECK(std::filesystem::exists(shared + "/mine.txt"));
  for (const auto& entry : std::filesystem::directory_iterator(shared))
    CHECK_MESSAGE(entry.path().filename() == "mine.txt", entry.path());
}
