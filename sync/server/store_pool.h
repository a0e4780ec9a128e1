// StorePool: one thread-safe ServerStore made of several that are not, each
// its own database connection. Every call takes a free member (waiting while
// none is) and gives it back when it returns, so the board's threads can use
// the database at once, as many at a time as there are connections.
//
// A pool of one is how a SQLite store is shared: SQLite has one writer at a
// time anyway, and a second connection would only add busy-waiting.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store.h"

namespace caseboard::server {

class StorePool final : public ServerStore {
 public:
  // `members` (at least one) all hold the same database.
  explicit StorePool(std::vector<std::unique_ptr<ServerStore>> members);
  ~StorePool() override;

  size_t size() const { return members_.size(); }

  std::string Describe() const override;
  Status AddInvite(const InviteRecord& invite) override;
  Status RedeemInvite(const std::string& token_sha256, uint64_t now_ms, DeviceRecord device) override;
  Result<std::optional<DeviceRecord>> FindDevice(const std::string& id) override;
  Result<std::vector<DeviceRecord>> ListDevices() override;
  Status RevokeDevice(const std::string& id, uint64_t now_ms) override;
  Result<std::vector<InviteRecord>> ListInvites() override;
  Result<bool> UseNonce(const std::string& device, const std::string& nonce, uint64_t now_ms,
                        uint64_t expires_ms) override;
  Result<std::vector<ReviewRecord>> ListReviews() override;
  Result<std::optional<ReviewRecord>> FindReview(const std::string& id) override;
  Result<std::optional<uint64_t>> FindChange(const std::string& review, const std::string& hash) override;
  Result<std::vector<uint64_t>> AppendChanges(const std::string& review, bool create, uint64_t now_ms,
                                              const std::vector<StoredChange>& changes) override;
  Result<std::vector<StoredChange>> ReadChanges(const std::string& review, uint64_t after, size_t limit,
                                                size_t max_bytes,
                                                const std::vector<std::string>& compartments, bool with_bytes,
                                                uint64_t* next) override;
  Result<uint64_t> PutHusk(const std::string& review, uint64_t now_ms, const StoredChange& husk) override;
  Status PutFileChunk(const std::string& review, const std::string& file, uint32_t chunks, uint32_t index,
                      ByteView sealed, uint64_t now_ms) override;
  Result<std::optional<std::pair<uint32_t, std::vector<uint32_t>>>> FindFile(
      const std::string& review, const std::string& file) override;
  Result<std::optional<Bytes>> ReadFileChunk(const std::string& review, const std::string& file,
                                             uint32_t index) override;
  Status DeleteFile(const std::string& review, const std::string& file) override;

 private:
  class Lease;
  // Runs `call` on a free member.
  template <typename Call>
  auto With(Call&& call);

  std::vector<std::unique_ptr<ServerStore>> members_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<ServerStore*> free_;  // guarded by mu_
};

}  // namespace caseboard::server
