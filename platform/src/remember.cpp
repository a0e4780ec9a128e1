// "Remember on this device": the vault's device slot plus its secret in the
// OS key store, kept in step. Shared by the CLI and the app so that both
// turn it on, off and use it the same way.
#include "caseboard/platform/platform.h"
#include "caseboard/store/vault.h"

namespace caseboard::platform {

Status RememberVault(store::Vault& vault, const std::string& label) {
  CB_RETURN_IF_ERROR(KeyStore::Available().WithContext("cannot remember the vault on this device"));
  CB_ASSIGN_OR_RETURN(crypto::SecureBytes secret, vault.EnableDeviceUnlock());
  const std::string id = vault.id();
  Status stored = KeyStore::Store(id, label, secret.view());
  if (stored.ok()) {
    // Read it back: a key store that accepts an item but cannot return it
    // would leave a slot nothing can open.
    auto back = KeyStore::Lookup(id);
    if (!back.ok())
      stored = back.status();
    else if (!secret.Equals(back->view()))
      stored = Status::IOError("the system key store returned a different secret from the one stored");
  }
  if (stored.ok()) return Status::Ok();
  // Roll back: no slot without its secret. Any earlier slot was replaced
  // already, so remembering is off now rather than half on.
  Status undone = vault.DisableDeviceUnlock();
  (void)KeyStore::Remove(id);
  if (!undone.ok())
    return stored.WithContext("remembering failed and so did undoing it (" + undone.message() +
                              "); turn remembering off");
  return stored.WithContext("cannot remember the vault on this device; it still asks for the passphrase");
}

Result<bool> ForgetVault(store::Vault& vault) {
  bool was_on = vault.HasDeviceUnlock();
  // The slot goes first: once it is gone, any copy of the secret opens nothing.
  CB_RETURN_IF_ERROR(vault.DisableDeviceUnlock());
  Status removed = KeyStore::Remove(vault.id());
  // Tried even when there was no slot, to clear an item a failed attempt may
  // have left; only an error when remembering was really on.
  if (was_on && !removed.ok() && removed.code() != Status::Code::kUnsupported)
    return removed.WithContext("the vault is no longer remembered, but the item left in the key store");
  return was_on;
}

Status UnlockRemembered(store::Vault& vault) {
  if (!vault.HasDeviceUnlock())  // no key store call at all otherwise
    return Status::NotFound("this vault is not remembered on this device");
  CB_ASSIGN_OR_RETURN(crypto::SecureBytes secret, KeyStore::Lookup(vault.id()));
  return vault.UnlockWithDeviceSecret(secret.view());
}

}  // namespace caseboard::platform
