// The Vault: one person's encrypted store on one device.
//
// A vault is a folder holding one SQLite file (WAL mode) and a lock file.
// Everything in it that is not an id, a size or a sequence number is
// AES-256-GCM ciphertext:
//   - a random 256-bit vault key, wrapped by a key derived from the
//     passphrase with scrypt (parameters and salt stored in the file);
//   - the device's identity keys (Ed25519 for signing, X25519 for receiving
//     review keys), sealed under the vault key;
//   - records keyed by (review, kind, id), each sealed under a key derived
//     for its review, with the key triple as associated data so a value moved
//     to another row fails to open;
//   - attachments, streamed in 64 KiB chunks, each sealed and bound to its
//     position, so a 1 GiB file passes through with flat memory.
//
// While locked the vault holds no key material. Unlock derives the keys;
// Lock (and the destructor) wipes them. One process at a time has a vault
// open: a second gets kBusy. A Vault object is not thread-safe; callers
// serialise access to it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/crypto/kdf.h"
#include "caseboard/crypto/sealed_box.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/crypto/signature.h"
#include "caseboard/status.h"
#include "caseboard/store/device_identity.h"

namespace caseboard::store {

// Where a record lives. All three parts are stored in the clear, so they must
// be ids or fixed type names, never content (a title, a name).
struct RecordKey {
  std::string review;
  std::string kind;
  std::string id;
  std::string ToString() const { return review + "/" + kind + "/" + id; }
};

// A group of puts and deletes applied atomically by Vault::Write.
class WriteBatch {
 public:
  void Put(RecordKey key, ByteView value);
  void Delete(RecordKey key);
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }

 private:
  friend class Vault;
  struct Op {
    RecordKey key;
    std::optional<crypto::SecureBytes> value;  // nullopt: delete
  };
  std::vector<Op> ops_;
};

struct AttachmentInfo {
  std::string id;  // HMAC-SHA256 of the content under a key of this vault, hex
  uint64_t size = 0;
};

// Pulls the next bytes of a file into `buf`; returns how many (0 at the end).
using ReadFn = std::function<Result<size_t>(std::span<uint8_t> buf)>;
// Receives the next bytes of a file being read out.
using WriteFn = std::function<Status(ByteView data)>;

struct VerifyReport {
  uint64_t records = 0;
  uint64_t attachments = 0;
  uint64_t attachment_bytes = 0;
  std::vector<std::string> problems;  // one line each, naming what is damaged
  bool ok() const { return problems.empty(); }
};

// Destroys the vault in `dir` for good: a lost or revoked device, or a
// person ending their work. Every vault file is overwritten with zeros,
// flushed and removed, then the folder if nothing else is in it. The wrapped
// vault key goes with the database, so even the passphrase no longer opens
// any copy of the data left on the disk (flash storage may keep old blocks;
// without the key they are ciphertext). Refused with kBusy while any
// program has the vault open, and kNotFound when there is no vault.
Status WipeVault(const std::string& dir);

class Vault {
 public:
  struct CreateOptions {
    crypto::ScryptParams kdf = crypto::ScryptParams::Default();
  };

  static constexpr size_t kAttachmentChunkSize = 64 * 1024;

  // Creates a new vault in `dir` (made if missing; must not already hold a
  // vault) and returns it unlocked.
  static Result<std::unique_ptr<Vault>> Create(const std::string& dir, ByteView passphrase,
                                               const CreateOptions& options);
  // Opens an existing vault, locked. Older vault formats are migrated; a
  // newer one is refused with kUnsupported.
  static Result<std::unique_ptr<Vault>> Open(const std::string& dir);
  static bool Exists(const std::string& dir);

  ~Vault();
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;

  // kAuthFailed for a wrong passphrase; nothing in the vault is modified.
  Status Unlock(ByteView passphrase);
  // Wipes every key held in memory. Safe to call when already locked.
  void Lock();
  bool is_unlocked() const;

  // Rewraps the vault key under the new passphrase (and new scrypt
  // parameters, if given). No record is re-encrypted. A device unlock slot
  // stays valid: it wraps the same vault key.
  Status ChangePassphrase(ByteView old_passphrase, ByteView new_passphrase,
                          std::optional<crypto::ScryptParams> new_params = std::nullopt);

  // "Remember on this device": a second key slot that wraps the vault key
  // under a random 32-byte device secret instead of the passphrase, so the
  // caller can keep that secret in the OS key store (platform::KeyStore) and
  // unlock without typing. The passphrase itself is never stored anywhere;
  // losing the secret costs nothing, the passphrase slot always works.
  //
  // Requires the vault to be unlocked. Makes a new secret and replaces any
  // earlier slot, so a secret handed out before stops working. The returned
  // secret is not kept by the vault.
  Result<crypto::SecureBytes> EnableDeviceUnlock();
  // kAuthFailed for a wrong or stale secret, kNotFound when there is no
  // slot; in both cases nothing in the vault is modified.
  Status UnlockWithDeviceSecret(ByteView secret);
  // Removes the slot, locked or unlocked. Ok when there was none.
  Status DisableDeviceUnlock();
  bool HasDeviceUnlock() const;

  // The vault's random id in hex (stored in the clear): names the vault to
  // things outside it, such as its entry in the OS key store, and stays the
  // same when the folder is moved.
  std::string id() const;

  const std::string& dir() const;
  crypto::ScryptParams kdf_params() const;
  int schema_version() const;

  // The device's public identity. Requires the vault to be unlocked.
  Result<DeviceIdentity> Identity() const;
  Result<crypto::Ed25519Signature> SignAsDevice(ByteView message) const;
  Result<crypto::SecureBytes> OpenSealedToDevice(ByteView sealed, ByteView aad) const;

  // Records. Get returns kNotFound for a missing record and kCorruption for
  // one whose ciphertext does not open (altered, truncated or moved).
  Status Put(const RecordKey& key, ByteView value);
  Result<crypto::SecureBytes> Get(const RecordKey& key) const;
  Status Delete(const RecordKey& key);
  Status Write(const WriteBatch& batch);
  // Moves everything written so far from the write-ahead log into the vault
  // file and empties the log. With secure_delete on, what was overwritten or
  // deleted is then gone from both files (destruction relies on it).
  Status Checkpoint();
  // Visits the records of (review, kind) in id order until `visit` returns
  // false, starting at the first id >= `from`.
  Status Scan(std::string_view review, std::string_view kind,
              const std::function<bool(const std::string& id, crypto::SecureBytes value)>& visit,
              std::string_view from = {}) const;
  // The distinct review ids that have records or attachments.
  Result<std::vector<std::string>> ListReviews() const;

  // Attachments. Identical content in the same review is stored once.
  Result<AttachmentInfo> PutAttachment(std::string_view review, const ReadFn& read);
  Status ReadAttachment(std::string_view review, std::string_view id, const WriteFn& write) const;
  Result<AttachmentInfo> StatAttachment(std::string_view review, std::string_view id) const;
  Result<std::vector<AttachmentInfo>> ListAttachments(std::string_view review) const;
  Status DeleteAttachment(std::string_view review, std::string_view id);

  // Checks the SQLite file's integrity and opens every record and every
  // attachment chunk. Problems are listed in the report, not returned as
  // errors; the Status is for failures to run the check at all.
  Result<VerifyReport> Verify() const;

  struct Impl;

 private:
  explicit Vault(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace caseboard::store
