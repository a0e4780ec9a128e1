// Private to core/store: the Vault's state, shared by vault*.cpp.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "caseboard/crypto/sealed_box.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/crypto/signature.h"
#include "caseboard/file_lock.h"
#include "caseboard/store/vault.h"
#include "sqlite_db.h"

namespace caseboard::store {

// Purposes of keys derived from the vault key; each names one use so no key
// ever serves two.
enum class KeyPurpose { kRecords, kAttachmentChunks, kAttachmentIds };

struct Vault::Impl {
  std::string dir;
  std::unique_ptr<FileLock> lock;  // held for the life of the Vault
  std::unique_ptr<internal::Db> db;
  crypto::ScryptParams kdf;
  Bytes vault_id;  // random, in the clear; salts every derived key

  // Present only while unlocked.
  std::optional<crypto::SecureBytes> vault_key;
  std::optional<crypto::Ed25519KeyPair> signing;
  std::optional<crypto::Ed25519Signer> signer;  // the same key, loaded into OpenSSL once
  std::optional<crypto::X25519KeyPair> sealing;
  // Per-review derived keys, cached because deriving costs more than sealing
  // a small record. Wiped with everything else on Lock.
  mutable std::map<std::pair<int, std::string>, crypto::SecureBytes> derived;

  Status RequireUnlocked() const;
  // Installs the device keys (at create and unlock).
  Status SetDeviceKeys(crypto::Ed25519KeyPair signing_keys, crypto::X25519KeyPair sealing_keys);
  // The key for `purpose` within `review`; requires unlocked.
  Result<const crypto::SecureBytes*> Key(KeyPurpose purpose, std::string_view review) const;
  void WipeKeys();
};

// Associated data binding a sealed record to its place.
Bytes RecordAad(const RecordKey& key);

}  // namespace caseboard::store
