// Security property 1: nothing sensitive is ever written to disk in plaintext.
//
// Writes records and attachments full of marker strings, then reads every
// byte of every file in the vault folder (database, -wal, -shm, lock file and
// any temporary file SQLite might make, which SQLITE_TMPDIR sends into the
// same folder) and fails if a marker or the passphrase appears. It scans both
// while the vault is open (the WAL holds the newest pages) and after it closes.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;

namespace {

const std::vector<std::string> kMarkers = {
    "MARKER-Jayden-Okafor-DOB-2017-03-14",
    "MARKER-14-Wellfield-Road-LS6-2QT",
    "MARKER-Mother-said-the-bruise-was-from-a-fall",
    "MARKER-attachment-audio-transcript",
};

// Every marker and secret found in any file under `dir`, as "file: marker".
std::vector<std::string> FindLeaks(const std::string& dir, const std::vector<std::string>& secrets) {
  std::vector<std::string> leaks;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    Bytes content = ReadFile(entry.path());
    for (const auto& s : secrets)
      if (Contains(content, AsBytes(s))) leaks.push_back(entry.path().filename().string() + ": " + s);
  }
  return leaks;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "; ";
  return out;
}

std::string Repeat(const std::string& s, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += s + " ";
  return out;
}

}  // namespace

TEST_CASE("no marker string or passphrase reaches any file in the vault folder") {
  TempDir dir;
  std::string vault_dir = dir.Sub("vault");
  ::setenv("SQLITE_TMPDIR", dir.str().c_str(), 1);
  const std::string new_passphrase = "second-passphrase-marmalade-88";
  std::vector<std::string> secrets = kMarkers;
  secrets.push_back(kPassphrase);
  secrets.push_back(new_passphrase);

  auto v = CreateVault(vault_dir);
  for (int i = 0; i < 200; ++i) {
    std::string value = kMarkers[i % 3] + " record " + std::to_string(i);
    REQUIRE(v->Put({"review-1", "entity", "e" + std::to_string(i)}, AsBytes(value)).ok());
  }
  // A large value spills into SQLite overflow pages.
  REQUIRE(v->Put({"review-1", "entity", "big"}, AsBytes(Repeat(kMarkers[2], 3000))).ok());
  // Overwritten and deleted values must not linger either.
  REQUIRE(v->Put({"review-1", "entity", "e0"}, AsBytes("replaced")).ok());
  REQUIRE(v->Delete({"review-1", "entity", "e1"}).ok());
  // An attachment spanning several chunks, markers across chunk boundaries.
  std::string attachment = Repeat(kMarkers[3], 20000);
  auto info = PutAttachmentBytes(*v, "review-1", AsBytes(attachment), 4096);
  REQUIRE(info.ok());
  REQUIRE(v->ChangePassphrase(AsBytes(kPassphrase), AsBytes(new_passphrase)).ok());
  // Sanity: the data really is there to be found if it leaked.
  REQUIRE(v->Get({"review-1", "entity", "e5"})->str().find("MARKER") != std::string::npos);

  auto open_leaks = FindLeaks(dir.str(), secrets);
  CHECK_MESSAGE(open_leaks.empty(), "plaintext found while open: " << Join(open_leaks));
  CHECK(std::filesystem::exists(vault_dir + "/vault.db-wal"));  // the scan above did cover a live WAL

  v->Lock();
  v.reset();
  auto closed_leaks = FindLeaks(dir.str(), secrets);
  CHECK_MESSAGE(closed_leaks.empty(), "plaintext found after close: " << Join(closed_leaks));

  // The scanner itself works: a file with a marker is found.
  WriteFile(dir.Sub("planted.txt"), AsBytes(kMarkers[0]));
  CHECK(FindLeaks(dir.str(), secrets).size() == 1);
  ::unsetenv("SQLITE_TMPDIR");
}
