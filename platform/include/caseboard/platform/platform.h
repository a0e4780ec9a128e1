// What differs between operating systems, behind one header.
//
// Caseboard's core runs anywhere; this is the small set of things it needs
// from the system around it: where files go, a lock between processes, a
// prompt without echo, and a place to keep a secret that the operating
// system protects for the signed-in person.
//
// Linux is implemented here (src/*_linux.cpp, src/*_posix.cpp and the
// Secret Service key store in src/key_store_libsecret.cpp). Other systems get
// their own src/*_<os>.cpp behind these same declarations; docs/platform.md
// gives their design.
//
// Every function reports failure as a Status or Result with a message a
// person can act on; nothing here throws.
#pragma once

#include <memory>
#include <string>

#include "caseboard/bytes.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/file_lock.h"
#include "caseboard/status.h"

namespace caseboard::store {
class Vault;
}

namespace caseboard::platform {

// ---- Paths ----------------------------------------------------------------

// Where Caseboard keeps its data: $XDG_DATA_HOME/caseboard, else
// ~/.local/share/caseboard. A relative XDG_DATA_HOME is ignored, as the XDG
// Base Directory spec requires (it would depend on the current directory).
// The folder is named, not created.
Result<std::string> DataDir();

// Where Caseboard keeps settings: $XDG_CONFIG_HOME/caseboard, else
// ~/.config/caseboard, with the same rule for relative values.
Result<std::string> ConfigDir();

// Where a person's vault lives by default: DataDir()/vault.
Result<std::string> DefaultVaultDir();

// ---- Locking between processes ---------------------------------------------

// An exclusive lock between processes, for locks the app and the CLI take
// around things outside a vault (such as the config folder). It is core's
// caseboard::FileLock (caseboard/file_lock.h), which the vault uses too:
// flock(2) is the same on every system Caseboard targets, so one class
// serves both, and only a Windows port would add code here.
using FileLock = caseboard::FileLock;

// ---- Terminal -------------------------------------------------------------

// Reads a line from the terminal with echo off (for passphrases). Fails if
// standard input is not a terminal, so scripts get a clear error instead of a hang.
Result<std::string> ReadSecretLine(const std::string& prompt);

// ---- The operating system's key store ---------------------------------------

// Keeps small secrets (a vault's device unlock secret, see
// store::Vault::EnableDeviceUnlock) in the store the operating system
// provides for the signed-in person: on Linux the Secret Service (GNOME
// Keyring, KWallet) through libsecret, under the schema
// "org.caseboard.VaultKey" with the attribute "vault".
//
// Items are named by `vault_id` (store::Vault::id()), not by folder, so a
// moved vault still finds its item. Calls block until the store answers;
// a locked keyring may show the desktop's unlock prompt.
//
// Never put a passphrase here: anything in the store can be read by any
// program the person runs while the keyring is unlocked.
class KeyStore {
 public:
  // Ok if the store can be reached now. Otherwise kUnsupported when this
  // build or system has none ("not available on this system"), or kIOError
  // when it exists but does not answer (no session bus, no keyring daemon).
  static Status Available();
  static bool IsAvailable() { return Available().ok(); }

  // Stores `secret` for `vault_id`, replacing any earlier one. `label` is
  // what the person sees in their keyring manager.
  static Status Store(const std::string& vault_id, const std::string& label, ByteView secret);

  // kNotFound if nothing is stored for `vault_id`.
  static Result<crypto::SecureBytes> Lookup(const std::string& vault_id);

  // Ok whether or not anything was stored.
  static Status Remove(const std::string& vault_id);
};

// "Remember on this device" (off by default): the vault's device slot and
// its secret in the KeyStore, turned on and off together. The vault must be
// unlocked to remember it; if the key store fails, nothing stays half on.
Status RememberVault(store::Vault& vault, const std::string& label);
// Turns it off (slot first, then the key store item); needs no unlock.
// Returns whether it was on.
Result<bool> ForgetVault(store::Vault& vault);
// Unlocks with the remembered secret: kNotFound if the vault is not
// remembered or the key store holds nothing for it, kAuthFailed if the
// secret no longer fits. The passphrase always works as well.
Status UnlockRemembered(store::Vault& vault);

// Keeps this process's memory (keys, decrypted records) out of core dumps
// and away from other processes of the same user: no core file is written,
// and the process is not dumpable (so not ptrace-able without privilege).
// Called first thing by the app and the CLI. Best effort: a failure is not
// an error. (Sanitizer builds stay dumpable: LeakSanitizer needs ptrace.)
void HardenProcess();

// Wipes the vault in `dir` from this device (store::WipeVault), after taking
// its remembered secret out of the OS key store. For a person ending their
// work on a device, and for the board's order to a revoked one. The vault
// must not be open, in this process or another (kBusy).
Status WipeVault(const std::string& dir);

}  // namespace caseboard::platform
