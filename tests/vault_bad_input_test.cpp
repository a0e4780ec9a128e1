// Bad input never crashes the vault and never returns garbage as data: wrong
// passphrase, damaged pages, tampered or swapped ciphertext, truncated files,
// a vault from a newer build. Each gets a clear error naming what is wrong.
#include <doctest/doctest.h>

#include <filesystem>

#include "caseboard/crypto/hash.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using store::Vault;

namespace {

// A closed vault with records in two reviews and one multi-chunk attachment.
struct Fixture {
  TempDir dir;
  std::string attachment_id;
  Bytes attachment;

  Fixture() {
    auto v = CreateVault(dir.str());
    for (int i = 0; i < 300; ++i)
      REQUIRE(v->Put({"rev", "entity", "e" + std::to_string(1000 + i)}, AsBytes("value " + std::to_string(i)))
                  .ok());
    REQUIRE(v->Put({"rev2", "entity", "x"}, AsBytes("other review")).ok());
    attachment.resize(3 * Vault::kAttachmentChunkSize + 5);
    for (size_t i = 0; i < attachment.size(); ++i) attachment[i] = static_cast<uint8_t>(i % 251);
    auto info = PutAttachmentBytes(*v, "rev", attachment);
    REQUIRE(info.ok());
    attachment_id = info->id;
  }
  std::string db() const { return dir.str() + "/vault.db"; }
};

crypto::Digest FileHash(const std::string& path) { return crypto::Sha256(ReadFile(path)); }

// Opens, unlocks and reads everything; returns the first error met (or OK).
// Must never crash, whatever the file holds.
Status TryReadEverything(const std::string& dir, const std::string& attachment_id) {
  auto v = Vault::Open(dir);
  if (!v.ok()) return v.status();
  CB_RETURN_IF_ERROR((*v)->Unlock(AsBytes(kPassphrase)));
  for (int i = 0; i < 300; ++i) {
    auto r = (*v)->Get({"rev", "entity", "e" + std::to_string(1000 + i)});
    if (!r.ok()) return r.status();
    if (r->str() != "value " + std::to_string(i)) return Status::Internal("GARBAGE RETURNED AS DATA");
  }
  auto a = ReadAttachmentBytes(**v, "rev", attachment_id);
  if (!a.ok()) return a.status();
  auto report = (*v)->Verify();
  if (!report.ok()) return report.status();
  if (!report->ok()) return Status::Corruption(report->problems.front());
  return Status::Ok();
}

}  // namespace

TEST_CASE("a wrong passphrase is a clear error and modifies nothing") {
  Fixture f;
  auto before = FileHash(f.db());
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto v = Vault::Open(f.dir.str());
    REQUIRE(v.ok());
    Status s = (*v)->Unlock(AsBytes("kettle-lantern-orchard-48"));
    CHECK(s.code() == Status::Code::kAuthFailed);
    CHECK(s.message() == "wrong passphrase");
  }
  CHECK(FileHash(f.db()) == before);
  CHECK(TryReadEverything(f.dir.str(), f.attachment_id).ok());
}

TEST_CASE("tampered record ciphertext is detected and named") {
  Fixture f;
  RawFlipByte(f.dir.str(), "records", "value", "id = 'e1007'", 20);
  auto v = OpenUnlocked(f.dir.str());
  auto r = v->Get({"rev", "entity", "e1007"});
  CHECK(r.status().IsCorruption());
  CHECK(r.status().message().find("rev/entity/e1007") != std::string::npos);
  CHECK(v->Get({"rev", "entity", "e1008"}).ok());  // the rest still opens
  auto report = v->Verify();
  REQUIRE(report.ok());
  REQUIRE(report->problems.size() == 1);
  CHECK(report->problems[0].find("e1007") != std::string::npos);
}

TEST_CASE("swapped rows fail to open: values are bound to their keys") {
  Fixture f;
  RawSql(f.dir.str(),
         "UPDATE records SET value = (SELECT value FROM records WHERE id = 'e1002') WHERE id = 'e1001';");
  RawSql(f.dir.str(),
         "UPDATE records SET review = 'rev3' WHERE review = 'rev2';");  // moved to another review
  auto v = OpenUnlocked(f.dir.str());
  CHECK(v->Get({"rev", "entity", "e1001"}).status().IsCorruption());
  CHECK(v->Get({"rev", "entity", "e1002"}).ok());
  CHECK(v->Get({"rev3", "entity", "x"}).status().IsCorruption());
  auto report = v->Verify();
  REQUIRE(report.ok());
  CHECK(report->problems.size() == 2);
}

TEST_CASE("tampered, reordered or missing attachment chunks are detected") {
  SUBCASE("a chunk altered") {
    Fixture f;
    RawSql(f.dir.str(), "UPDATE attachment_chunks SET data = zeroblob(length(data)) WHERE idx = 1");
    auto v = OpenUnlocked(f.dir.str());
    auto r = ReadAttachmentBytes(*v, "rev", f.attachment_id);
    CHECK(r.status().IsCorruption());
    CHECK(r.status().message().find("chunk 1") != std::string::npos);
  }
  SUBCASE("two chunks swapped") {
    Fixture f;
    RawSql(f.dir.str(),
           "UPDATE attachment_chunks SET idx = 100 WHERE idx = 0; UPDATE attachment_chunks SET idx = 0 WHERE "
           "idx = 1;"
           "UPDATE attachment_chunks SET idx = 1 WHERE idx = 100;");
    auto v = OpenUnlocked(f.dir.str());
    CHECK(ReadAttachmentBytes(*v, "rev", f.attachment_id).status().IsCorruption());
  }
  SUBCASE("the last chunk cut off") {
    Fixture f;
    RawSql(f.dir.str(), "DELETE FROM attachment_chunks WHERE idx = 3");
    auto v = OpenUnlocked(f.dir.str());
    auto r = ReadAttachmentBytes(*v, "rev", f.attachment_id);
    CHECK(r.status().IsCorruption());
    CHECK(r.status().message().find("truncated") != std::string::npos);
  }
  SUBCASE("the manifest altered") {
    Fixture f;
    RawSql(f.dir.str(), "UPDATE attachments SET manifest = zeroblob(length(manifest))");
    auto v = OpenUnlocked(f.dir.str());
    CHECK(v->StatAttachment("rev", f.attachment_id).status().IsCorruption());
  }
}

TEST_CASE("damaged database pages give an error, never a crash or garbage") {
  // Overwrite pages at many different offsets; whatever SQLite or the AEAD
  // layer says, the answer must be either correct data or a clear error.
  Fixture f;
  std::string pristine = f.dir.Sub("pristine.db");
  std::filesystem::copy_file(f.db(), pristine);
  auto size = std::filesystem::file_size(pristine);
  REQUIRE(size > 8 * 4096);
  int errors = 0;
  for (uintmax_t offset = 100; offset < size; offset += size / 23) {
    CAPTURE(offset);
    std::filesystem::copy_file(pristine, f.db(), std::filesystem::copy_options::overwrite_existing);
    Bytes bytes = ReadFile(f.db());
    for (size_t i = offset; i < std::min<size_t>(bytes.size(), offset + 64); ++i) bytes[i] ^= 0x5a;
    WriteFile(f.db(), bytes);
    Status s = TryReadEverything(f.dir.str(), f.attachment_id);
    CHECK(s.code() != Status::Code::kInternal);  // in particular not "GARBAGE RETURNED AS DATA"
    if (!s.ok()) {
      ++errors;
      CHECK_FALSE(s.message().empty());
    }
  }
  CHECK(errors > 0);
}

TEST_CASE("a truncated vault file is reported as damaged") {
  Fixture f;
  auto size = std::filesystem::file_size(f.db());
  for (uintmax_t keep : {uintmax_t{0}, uintmax_t{50}, uintmax_t{4096}, size / 2, size - 4096}) {
    CAPTURE(keep);
    Fixture g;
    std::filesystem::resize_file(g.db(), keep);
    Status s = TryReadEverything(g.dir.str(), g.attachment_id);
    CHECK(s.IsCorruption());
    CHECK(s.message().find("vault.db") != std::string::npos);  // names the damaged file
  }
}

TEST_CASE("a vault from a newer build is refused with a message, and left alone") {
  Fixture f;
  RawSql(f.dir.str(), "PRAGMA user_version = 99");
  auto before = FileHash(f.db());
  auto v = Vault::Open(f.dir.str());
  CHECK(v.status().code() == Status::Code::kUnsupported);
  CHECK(v.status().message().find("newer Caseboard") != std::string::npos);
  CHECK(FileHash(f.db()) == before);
}

TEST_CASE("a SQLite file that is not a vault, or not SQLite at all, is refused") {
  TempDir dir;
  RawSql(dir.str(), "CREATE TABLE t(x)");  // creates dir/vault.db as a plain SQLite file
  auto v = Vault::Open(dir.str());
  CHECK(v.status().code() == Status::Code::kInvalidArgument);
  CHECK(v.status().message().find("not a Caseboard vault") != std::string::npos);

  TempDir junk;
  WriteFile(junk.Sub("vault.db"), AsBytes(std::string(10000, 'j')));
  auto w = Vault::Open(junk.str());
  CHECK(w.status().IsCorruption());
}

TEST_CASE("weakened key-derivation parameters are refused") {
  Fixture f;
  RawSql(f.dir.str(),
         "UPDATE meta SET value = CAST(replace(CAST(value AS TEXT), '\"n\":1024', '\"n\":16') AS BLOB) WHERE "
         "key = 'kdf'");
  auto v = Vault::Open(f.dir.str());
  CHECK(v.status().IsCorruption());
}
