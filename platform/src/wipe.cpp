// Wiping a vault from this device: the OS key store's item first, then the
// vault's files (core's store::WipeVault).
#include "caseboard/platform/platform.h"
#include "caseboard/store/vault.h"

namespace caseboard::platform {

Status WipeVault(const std::string& dir) {
  {
    CB_ASSIGN_OR_RETURN(auto vault, store::Vault::Open(dir));
    // Best effort: with the vault gone the item opens nothing, but it should
    // not outlive the vault in the key store. A key store that cannot be
    // reached must not stop a wipe.
    (void)ForgetVault(*vault);
  }
  return store::WipeVault(dir);
}

}  // namespace caseboard::platform
