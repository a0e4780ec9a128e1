#include "store_pool.h"

#include <cassert>

namespace caseboard::server {

// A member taken from the pool for one call, given back however the call ends.
class StorePool::Lease {
 public:
  explicit Lease(StorePool& pool) : pool_(pool) {
    std::unique_lock lock(pool_.mu_);
    pool_.returned_.wait(lock, [&] { return !pool_.free_.empty(); });
    store_ = pool_.free_.back();
    pool_.free_.pop_back();
  }
  ~Lease() {
    {
      std::lock_guard lock(pool_.mu_);
      pool_.free_.push_back(store_);
    }
    pool_.returned_.notify_one();
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ServerStore& operator*() const { return *store_; }

 private:
  StorePool& pool_;
  ServerStore* store_ = nullptr;
};

StorePool::StorePool(std::vector<std::unique_ptr<ServerStore>> members) : members_(std::move(members)) {
  assert(!members_.empty());
  for (auto& m : members_) free_.push_back(m.get());
}

StorePool::~StorePool() = default;

template <typename Call>
auto StorePool::With(Call&& call) {
  Lease lease(*this);
  return call(*lease);
}

std::string StorePool::Describe() const {
  std::string what = members_.front()->Describe();
  if (members_.size() > 1) what += " (" + std::to_string(members_.size()) + " connections)";
  return what;
}

Status StorePool::AddInvite(const InviteRecord& invite) {
  return With([&](ServerStore& s) { return s.AddInvite(invite); });
}

Status StorePool::RedeemInvite(const std::string& token_sha256, uint64_t now_ms, DeviceRecord device) {
  return With([&](ServerStore& s) { return s.RedeemInvite(token_sha256, now_ms, std::move(device)); });
}

Result<std::optional<DeviceRecord>> StorePool::FindDevice(const std::string& id) {
  return With([&](ServerStore& s) { return s.FindDevice(id); });
}

Result<std::vector<DeviceRecord>> StorePool::ListDevices() {
  return With([&](ServerStore& s) { return s.ListDevices(); });
}

Status StorePool::RevokeDevice(const std::string& id, uint64_t now_ms) {
  return With([&](ServerStore& s) { return s.RevokeDevice(id, now_ms); });
}

Result<std::vector<InviteRecord>> StorePool::ListInvites() {
  return With([&](ServerStore& s) { return s.ListInvites(); });
}

Result<bool> StorePool::UseNonce(const std::string& device, const std::string& nonce, uint64_t now_ms,
                                 uint64_t expires_ms) {
  return With([&](ServerStore& s) { return s.UseNonce(device, nonce, now_ms, expires_ms); });
}

Result<std::vector<ReviewRecord>> StorePool::ListReviews() {
  return With([&](ServerStore& s) { return s.ListReviews(); });
}

Result<std::optional<ReviewRecord>> StorePool::FindReview(const std::string& id) {
  return With([&](ServerStore& s) { return s.FindReview(id); });
}

Result<std::optional<uint64_t>> StorePool::FindChange(const std::string& review, const std::string& hash) {
  return With([&](ServerStore& s) { return s.FindChange(review, hash); });
}

Result<std::vector<uint64_t>> StorePool::AppendChanges(const std::string& review, bool create,
                                                       uint64_t now_ms,
                                                       const std::vector<StoredChange>& changes) {
  return With([&](ServerStore& s) { return s.AppendChanges(review, create, now_ms, changes); });
}

Result<std::vector<StoredChange>> StorePool::ReadChanges(const std::string& review, uint64_t after,
                                                         size_t limit, size_t max_bytes,
                                                         const std::vector<std::string>& compartments,
                                                         bool with_bytes, uint64_t* next) {
  return With([&](ServerStore& s) {
    return s.ReadChanges(review, after, limit, max_bytes, compartments, with_bytes, next);
  });
}

Result<uint64_t> StorePool::PutHusk(const std::string& review, uint64_t now_ms, const StoredChange& husk) {
  return With([&](ServerStore& s) { return s.PutHusk(review, now_ms, husk); });
}

Status StorePool::PutFileChunk(const std::string& review, const std::string& file, uint32_t chunks,
                               uint32_t index, ByteView sealed, uint64_t now_ms) {
  return With([&](ServerStore& s) { return s.PutFileChunk(review, file, chunks, index, sealed, now_ms); });
}

Result<std::optional<std::pair<uint32_t, std::vector<uint32_t>>>> StorePool::FindFile(
    const std::string& review, const std::string& file) {
  return With([&](ServerStore& s) { return s.FindFile(review, file); });
}

Result<std::optional<Bytes>> StorePool::ReadFileChunk(const std::string& review, const std::string& file,
                                                      uint32_t index) {
  return With([&](ServerStore& s) { return s.ReadFileChunk(review, file, index); });
}

Status StorePool::DeleteFile(const std::string& review, const std::string& file) {
  return With([&](ServerStore& s) { return s.DeleteFile(review, file); });
}

}  // namespace caseboard::server
