#include "vault_turns.h"

namespace caseboard::app {

void VaultTurns::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  wanted_ = true;
  cv_.notify_all();
  if (wake_) wake_();
  cv_.wait(lock, [this] { return lent_; });
}

void VaultTurns::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  lent_ = false;
  cv_.notify_all();
}

bool VaultTurns::Lend(std::chrono::milliseconds patience) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, patience, [this] { return wanted_; })) return false;
  wanted_ = false;
  lent_ = true;
  cv_.notify_all();
  cv_.wait(lock, [this] { return !lent_; });
  return true;
}

bool VaultTurns::wanted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return wanted_;
}

}  // namespace caseboard::app
