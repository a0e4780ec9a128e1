// Helpers for tests that work on real vaults on disk.
#pragma once

#include <memory>
#include <string>

#include "caseboard/review/replica.h"
#include "caseboard/store/vault.h"
#include "test_support.h"

namespace caseboard::test {

inline constexpr char kPassphrase[] = "kettle-lantern-orchard-47";

// Cheap scrypt so suites that open vaults hundreds of times stay fast.
inline store::Vault::CreateOptions FastVaultOptions() { return {crypto::ScryptParams::ForTests()}; }

std::unique_ptr<store::Vault> CreateVault(const std::string& dir);
std::unique_ptr<store::Vault> OpenUnlocked(const std::string& dir, const char* passphrase = kPassphrase);

// Every change a replica has stored, as sealed bytes (what an export sends).
std::vector<Bytes> AllChanges(const review::Replica& r);

// Hands out `content` as a file being read (for AttachFile).
store::ReadFn ReadFrom(const std::string& content);

// Streams `data` into the vault as an attachment, `piece` bytes per read.
Result<store::AttachmentInfo> PutAttachmentBytes(store::Vault& vault, const std::string& review,
                                                 ByteView data, size_t piece = 10000);
Result<Bytes> ReadAttachmentBytes(const store::Vault& vault, const std::string& review,
                                  const std::string& id);

// Runs SQL directly on a closed vault's database file (to play the attacker
// or the disk that corrupts). Fails the test if the SQL fails.
void RawSql(const std::string& vault_dir, const std::string& sql);
// Flips one bit of byte `offset` of a BLOB column in the rows matching `where`.
void RawFlipByte(const std::string& vault_dir, const std::string& table, const std::string& column,
                 const std::string& where, size_t offset);
// The first column of the first row of a query on a closed vault's database.
int64_t RawQueryInt(const std::string& vault_dir, const std::string& sql);

}  // namespace caseboard::test
