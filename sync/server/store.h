// ServerStore: what the board keeps, behind an interface so that SQLite (one
// machine) and PostgreSQL (several board processes) can both hold it.
//
// The board stores sealed changes as the opaque bytes their authors signed,
// with only the cleartext header fields it needs to enforce membership and
// filter pulls (compartment, author), its own sequence numbers, sizes and
// times. Nothing from inside a change body, no invite token (only its
// SHA-256), no private key.
//
// A store is one database connection and is not thread-safe; StorePool
// (store_pool.h) makes one store of several for the board's threads. Several processes
// may share one store (the admin commands write invites and revocations while
// the server runs), so every multi-step update is one transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/status.h"

namespace caseboard::server {

struct DeviceRecord {
  std::string id;        // 32 hex, from the identity
  std::string identity;  // the device's cbdev1: line
  std::string name;      // what the device called itself at enrolment
  std::string invite;    // the name the invite was issued for
  uint64_t enrolled_ms = 0;
  uint64_t revoked_ms = 0;  // 0 while the device may use the board
  bool revoked() const { return revoked_ms != 0; }
};

struct InviteRecord {
  std::string token_sha256;  // hex; the token itself is never stored
  std::string name;
  uint64_t created_ms = 0;
  uint64_t expires_ms = 0;
  std::string used_by;  // device id; empty while the invite is open
  uint64_t used_ms = 0;
};

struct ReviewRecord {
  std::string id;
  uint64_t head = 0;   // the highest sequence number, which is also the number of changes
  uint64_t bytes = 0;  // total size of its sealed changes
  uint64_t created_ms = 0;
};

struct StoredChange {
  uint64_t seq = 0;
  std::string hash;  // hex SHA-256 of `sealed`
  std::string compartment;
  std::string author;
  uint64_t received_ms = 0;
  Bytes sealed;  // empty when a read asked for metadata only
};

class ServerStore {
 public:
  virtual ~ServerStore() = default;

  // What kind of store this is, for `status` and logs ("sqlite /path", "postgresql host/db").
  virtual std::string Describe() const = 0;

  // ---- Devices and invites ----
  virtual Status AddInvite(const InviteRecord& invite) = 0;
  // In one transaction: checks that the invite exists, is unused and has not
  // expired at `now_ms`, marks it used by `device.id` and records the device.
  // kNotFound for an unknown, used or expired invite (the caller cannot tell
  // which, and neither can an attacker); kAlreadyExists if the device is
  // already enrolled (the invite is then left unused).
  virtual Status RedeemInvite(const std::string& token_sha256, uint64_t now_ms, DeviceRecord device) = 0;
  virtual Result<std::optional<DeviceRecord>> FindDevice(const std::string& id) = 0;
  virtual Result<std::vector<DeviceRecord>> ListDevices() = 0;
  // kNotFound for an unknown device; revoking a revoked device keeps the first time.
  virtual Status RevokeDevice(const std::string& id, uint64_t now_ms) = 0;
  virtual Result<std::vector<InviteRecord>> ListInvites() = 0;

  // ---- Request nonces ----
  // Records that `device` used `nonce`, to be remembered until `expires_ms`.
  // Returns false (and records nothing) if it is already remembered. Forgets
  // nonces whose time has passed at `now_ms`.
  virtual Result<bool> UseNonce(const std::string& device, const std::string& nonce, uint64_t now_ms,
                                uint64_t expires_ms) = 0;

  // ---- Reviews and their changes ----
  virtual Result<std::vector<ReviewRecord>> ListReviews() = 0;
  virtual Result<std::optional<ReviewRecord>> FindReview(const std::string& id) = 0;
  // The sequence number of a stored change, by hash.
  virtual Result<std::optional<uint64_t>> FindChange(const std::string& review, const std::string& hash) = 0;
  // In one transaction: creates the review first if `create` (kAlreadyExists
  // if it exists), then gives each change the next sequence number of the
  // review and stores it. Returns the sequence numbers in order. A change
  // whose hash is already stored fails the whole call with kAlreadyExists.
  virtual Result<std::vector<uint64_t>> AppendChanges(const std::string& review, bool create, uint64_t now_ms,
                                                      const std::vector<StoredChange>& changes) = 0;
  // Changes with seq > `after`, in order: at most `limit` of them, and no
  // more once `max_bytes` of sealed bytes are collected (but always at least
  // one). Only the named compartments, unless `compartments` is empty.
  // Without `with_bytes`, `sealed` is left empty. Unless `next` is null, it
  // is set to the seq of the first change after those returned that the
  // filter admits, or 0 if there is none: whether a page ended at a limit,
  // without asking again.
  virtual Result<std::vector<StoredChange>> ReadChanges(const std::string& review, uint64_t after,
                                                        size_t limit, size_t max_bytes,
                                                        const std::vector<std::string>& compartments,
                                                        bool with_bytes, uint64_t* next) = 0;

  // Puts a husk (crdt/husk.h) in the place of the stored change whose hash is
  // `husk.hash`, so that the change's sealed bytes are gone from the store,
  // or appends it as the review's next change if the board never had the
  // original (later changes still name it). Returns its sequence number.
  virtual Result<uint64_t> PutHusk(const std::string& review, uint64_t now_ms, const StoredChange& husk) = 0;

  // ---- Files: sealed pieces of attachments, by the name clients give them ----
  // Keeps piece `index` of a file of `chunks` pieces. A piece already kept is
  // left as it is (uploads are resumed and repeated); kInvalidArgument if the
  // file is known with another number of pieces.
  virtual Status PutFileChunk(const std::string& review, const std::string& file, uint32_t chunks,
                              uint32_t index, ByteView sealed, uint64_t now_ms) = 0;
  // The file's number of pieces and the indices kept (ascending); nullopt if none is.
  virtual Result<std::optional<std::pair<uint32_t, std::vector<uint32_t>>>> FindFile(
      const std::string& review, const std::string& file) = 0;
  virtual Result<std::optional<Bytes>> ReadFileChunk(const std::string& review, const std::string& file,
                                                     uint32_t index) = 0;
  // Deletes every piece of a file (a destroyed attachment's), so that its
  // bytes are gone from the store as PutHusk's are.
  virtual Status DeleteFile(const std::string& review, const std::string& file) = 0;
};

}  // namespace caseboard::server
