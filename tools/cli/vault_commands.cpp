// Vault commands: init, passwd, whoami, verify, and vault settings
// (vault remember on|off|status).
#include <iostream>
#include <nlohmann/json.hpp>

#include "caseboard/platform/platform.h"
#include "caseboard/store/device_identity.h"
#include "commands.h"

namespace caseboard::cli {
namespace {

Result<crypto::ScryptParams> ScryptFromArgs(const Args& args, crypto::ScryptParams base) {
  if (auto n = args.Get("--scrypt-n")) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(n->c_str(), &end, 10);
    if (n->empty() || *end != '\0')
      return Status::InvalidArgument("--scrypt-n takes a number, such as 131072");
    base.n = v;
  }
  CB_RETURN_IF_ERROR(base.Validate());
  return base;
}

int Init(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--scrypt-n"}, {});
  if (!args.ok()) return UsageError("init", args.status().message());
  if (!args->positional().empty()) return UsageError("init", "takes no arguments");
  auto params = ScryptFromArgs(*args, crypto::ScryptParams::Default());
  if (!params.ok()) return Fail(params.status());
  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  if (store::Vault::Exists(*dir)) return Fail(Status::AlreadyExists("there is already a vault in " + *dir));
  auto pass = ctx.NewPassphrase(ctx.PassphraseFile(), "CASEBOARD_PASSPHRASE");
  if (!pass.ok()) return Fail(pass.status());
  auto vault = store::Vault::Create(*dir, pass->view(), {*params});
  if (!vault.ok()) return Fail(vault.status());
  auto id = (*vault)->Identity();
  if (!id.ok()) return Fail(id.status());
  std::cout << "Created a vault in " << *dir << "\n"
            << "device  " << id->device_id << "\n";
  return kExitOk;
}

int Passwd(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--new-passphrase-file", "--scrypt-n"}, {});
  if (!args.ok()) return UsageError("passwd", args.status().message());
  if (!args->positional().empty()) return UsageError("passwd", "takes no arguments");
  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  auto vault = store::Vault::Open(*dir);
  if (!vault.ok()) return Fail(vault.status());
  auto params = ScryptFromArgs(*args, (*vault)->kdf_params());
  if (!params.ok()) return Fail(params.status());
  auto old_pass = ctx.Passphrase("Current passphrase: ");
  if (!old_pass.ok()) return Fail(old_pass.status());
  // Check the current passphrase before asking for a new one.
  if (Status s = (*vault)->Unlock(old_pass->view()); !s.ok()) return Fail(s);
  auto new_pass = ctx.NewPassphrase(args->Get("--new-passphrase-file"), "CASEBOARD_NEW_PASSPHRASE");
  if (!new_pass.ok()) return Fail(new_pass.status());
  Status s = (*vault)->ChangePassphrase(old_pass->view(), new_pass->view(), *params);
  if (!s.ok()) return Fail(s);
  std::cout << "Passphrase changed.\n";
  return kExitOk;
}

int Whoami(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return UsageError("whoami", args.status().message());
  if (!args->positional().empty()) return UsageError("whoami", "takes no arguments");
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto id = (*vault)->Identity();
  if (!id.ok()) return Fail(id.status());
  std::string signing_fp = store::Fingerprint(id->signing_key);
  std::string sealing_fp = store::Fingerprint(id->sealing_key);
  if (args->Has("--json")) {
    nlohmann::json j = {{"device_id", id->device_id},
                        {"identity", id->ToLine()},
                        {"signing_key", ToHex(id->signing_key)},
                        {"signing_fingerprint", signing_fp},
                        {"sealing_key", ToHex(id->sealing_key)},
                        {"sealing_fingerprint", sealing_fp}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "device    " << id->device_id << "\n"
              << "identity  " << id->ToLine() << "\n"
              << "signing   ed25519  " << signing_fp << "\n"
              << "sealing   x25519   " << sealing_fp << "\n";
  }
  return kExitOk;
}

int Verify(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {});
  if (!args.ok()) return UsageError("verify", args.status().message());
  if (!args->positional().empty()) return UsageError("verify", "takes no arguments");
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto report = (*vault)->Verify();
  if (!report.ok()) return Fail(report.status());
  for (const auto& p : report->problems) std::cout << "DAMAGED  " << p << "\n";
  std::cout << (report->ok() ? "vault OK: " : "vault DAMAGED: ") << report->records << " records, "
            << report->attachments << " attachments (" << report->attachment_bytes << " bytes) checked";
  if (!report->ok()) std::cout << ", " << report->problems.size() << " problems";
  std::cout << "\n";
  return report->ok() ? kExitOk : kExitFailed;
}

// vault remember on: a device slot in the vault, its secret in the system key
// store. The passphrase is asked even if the vault is remembered already:
// only someone who knows it may decide that this device need not.
int RememberOn(const Context& ctx) {
  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  auto vault = store::Vault::Open(*dir);
  if (!vault.ok()) return Fail(vault.status());
  if (Status s = platform::KeyStore::Available(); !s.ok())
    return Fail(s.WithContext("cannot remember the vault on this device; nothing was changed"));
  auto pass = ctx.Passphrase("Passphrase for " + *dir + ": ");
  if (!pass.ok()) return Fail(pass.status());
  if (Status s = (*vault)->Unlock(pass->view()); !s.ok()) return Fail(s);

  if (Status s = platform::RememberVault(**vault, "Caseboard vault " + *dir); !s.ok()) return Fail(s);
  std::cout << "This vault is now remembered on this device: commands unlock it from the system key\n"
               "store without asking for the passphrase. Undo with 'caseboard-cli vault remember off'.\n";
  return kExitOk;
}

// vault remember off: removing access needs no passphrase. The slot goes
// first, because once it is gone any copy of the secret opens nothing.
int RememberOff(const Context& ctx) {
  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  auto vault = store::Vault::Open(*dir);
  if (!vault.ok()) return Fail(vault.status());
  auto was_on = platform::ForgetVault(**vault);
  if (!was_on.ok()) return Fail(was_on.status());
  std::cout << (*was_on
                    ? "This vault is no longer remembered on this device; commands ask for the passphrase.\n"
                    : "This vault was not remembered on this device; nothing to undo.\n");
  return kExitOk;
}

int RememberStatus(const Context& ctx) {
  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  auto vault = store::Vault::Open(*dir);
  if (!vault.ok()) return Fail(vault.status());
  if (!(*vault)->HasDeviceUnlock()) {
    std::cout << "off: this vault asks for its passphrase\n";
    return kExitOk;
  }
  auto secret = platform::KeyStore::Lookup((*vault)->id());
  if (secret.ok())
    std::cout << "on: this vault unlocks from the system key store on this device\n";
  else
    std::cout << "on, but the secret cannot be read from the system key store (" << secret.status().message()
              << "); commands ask for the passphrase until it can\n";
  return kExitOk;
}

// vault wipe --yes: the vault destroyed on this device (store::WipeVault).
// No passphrase: a person who has forgotten it may still end the vault, and
// anyone at this account could delete the files anyway. --yes is the
// confirmation; without it nothing happens.
int Wipe(const Context& ctx, bool confirmed) {
  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  if (!store::Vault::Exists(*dir)) return Fail(Status::NotFound("there is no vault in " + *dir));
  if (!confirmed)
    return UsageError(
        "vault", "'wipe' destroys the vault in " + *dir +
                     " for good, with every review in it and any change not yet synced; add --yes to do it");
  Status s = platform::WipeVault(*dir);
  if (!s.ok()) return Fail(s.WithContext("the vault was not wiped"));
  std::cout << "The vault in " << *dir << " has been wiped from this device.\n";
  return kExitOk;
}

int VaultSettings(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--yes"});
  if (!args.ok()) return UsageError("vault", args.status().message());
  const auto& pos = args->positional();
  if (pos.empty()) return UsageError("vault", "needs a setting: remember on|off|status, or wipe");
  if (pos[0] == "wipe") {
    if (pos.size() != 1) return UsageError("vault", "'wipe' takes no more arguments");
    return Wipe(ctx, args->Has("--yes"));
  }
  if (args->Has("--yes")) return UsageError("vault", "--yes goes with 'wipe'");
  if (pos[0] != "remember") return UsageError("vault", "unknown setting '" + pos[0] + "'");
  if (pos.size() != 2) return UsageError("vault", "'remember' takes one of on, off, status");
  if (pos[1] == "on") return RememberOn(ctx);
  if (pos[1] == "off") return RememberOff(ctx);
  if (pos[1] == "status") return RememberStatus(ctx);
  return UsageError("vault", "'remember' takes on, off or status, not '" + pos[1] + "'");
}

}  // namespace

void AddVaultCommands(std::vector<Command>& out) {
  out.push_back({"init", "create a new vault", R"(usage: caseboard-cli init [--scrypt-n N]

Creates a new encrypted vault (the vault folder must not hold one already) and
this device's identity keys. Asks for a passphrase twice, unless it comes from
--passphrase-file or CASEBOARD_PASSPHRASE.

  --scrypt-n N   scrypt cost (a power of two; default 131072, about half a
                 second to unlock and 128 MiB of memory)
)",
                 Init});
  out.push_back({"passwd", "change the vault's passphrase",
                 R"(usage: caseboard-cli passwd [--new-passphrase-file F] [--scrypt-n N]

Changes the passphrase. Only the vault key is rewrapped; no data is
re-encrypted. The current passphrase comes from --passphrase-file,
CASEBOARD_PASSPHRASE or a prompt; the new one from --new-passphrase-file,
CASEBOARD_NEW_PASSPHRASE or a prompt (asked twice).

  --scrypt-n N   new scrypt cost (default: keep the current one)
)",
                 Passwd});
  out.push_back({"whoami", "print this device's id and public keys", R"(usage: caseboard-cli whoami [--json]

Prints the device id, the identity line others need to add this device to a
review, and fingerprints of its signing (Ed25519) and sealing (X25519) keys.
)",
                 Whoami});
  out.push_back({"verify", "check that every record and attachment opens", R"(usage: caseboard-cli verify

Runs SQLite's integrity check and decrypts every record and attachment,
reporting each damaged one by name. Exits 1 if anything is damaged.
)",
                 Verify});
  out.push_back({"vault", "remember the vault on this device, or wipe it (remember on|off|status, wipe)",
                 R"(usage: caseboard-cli vault remember on|off|status
       caseboard-cli vault wipe --yes

Remembering a vault on this device lets commands unlock it without asking for
the passphrase. It is off unless you turn it on.

  remember on       asks for the passphrase, then keeps a random device secret
                    (never the passphrase) in the system key store (on Linux
                    the Secret Service: GNOME Keyring, KWallet). The vault
                    holds its key wrapped under that secret as a second slot.
  remember off      removes the slot and the key store item; needs no passphrase
  remember status   says whether the vault is remembered here

Any program you run while your keyring is unlocked can read the secret, so
remember a vault only on a device that is yours alone. The passphrase always
keeps working; losing the key store item loses nothing.

  wipe --yes        destroys the vault on this device for good: every file is
                    overwritten with zeros and removed, with the wrapped vault
                    key, and the key store item goes too. Changes not yet
                    synced are lost. Needs no passphrase. A device the board
                    revokes does this itself at its next sync.
)",
                 VaultSettings});
}

}  // namespace caseboard::cli
