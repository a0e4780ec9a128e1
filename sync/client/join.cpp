// Join: from an invite to a vault that can sync (docs/protocol.md, "Enrolment").
#include <algorithm>

#include "caseboard/sync/sync_engine.h"

namespace caseboard::sync {

namespace {

// The board's own rule (a device's name for itself): printable, one line, not too long.
Status CheckName(const std::string& name) {
  bool printable = std::none_of(name.begin(), name.end(),
                                [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (name.empty() || name.size() > 100 || !printable || !IsValidUtf8(name))
    return Status::InvalidArgument("the device name must be 1 to 100 printable characters on one line");
  return Status::Ok();
}

}  // namespace

Result<JoinResult> Join(store::Vault& vault, std::string_view invite_text, const std::string& name,
                        const SyncOptions& options) {
  VaultGateHold hold(options.client.vault_gate);
  CB_ASSIGN_OR_RETURN(Invite invite, ParseInvite(invite_text));
  CB_RETURN_IF_ERROR(CheckBoardUrl(invite.url));
  CB_RETURN_IF_ERROR(CheckName(name));
  auto existing = LoadBoardConfig(vault);
  if (existing.ok())
    return Status::AlreadyExists("this vault has already joined the board at " + existing->url +
                                 " (as device " + existing->device + "); a vault belongs to one board");
  if (!existing.status().IsNotFound()) return existing.status();
  CB_ASSIGN_OR_RETURN(store::DeviceIdentity me, vault.Identity());

  // 1. The CA, over a connection that only the pinned key vouches for; from
  // here on the chain must verify against it as well.
  BoardTrust trust{invite.url, "", invite.key_sha256};
  if (trust.url.back() == '/') trust.url.pop_back();
  CB_ASSIGN_OR_RETURN(PemCertificate ca, FetchBoardCa(trust, invite.ca_sha256, options.client));
  trust.ca_pem = ca.pem;

  // 2. Enrol, proving that this device holds its signing key.
  CB_ASSIGN_OR_RETURN(auto client, BoardClient::Create(trust, me.device_id, DeviceSigner(), options.client));
  CB_ASSIGN_OR_RETURN(crypto::Ed25519Signature proof, vault.SignAsDevice(EnrolProofInput(invite.token)));
  EnrolRequest request{invite.token, me.ToLine(), name, Bytes(proof.begin(), proof.end())};
  JoinResult out;
  auto enrolled = client->Enrol(request);
  if (enrolled.ok()) {
    if (enrolled->device != me.device_id)
      return Status::InvalidArgument("the board enrolled this device as " + enrolled->device +
                                     ", but its id is " + me.device_id + "; not joining");
    if (enrolled->server_time != 0)
      out.clock_skew_ms =
          static_cast<int64_t>(enrolled->server_time) - static_cast<int64_t>(ClockMs(options.client));
  } else if (enrolled.status().code() == Status::Code::kAlreadyExists) {
    // The board checked the proof first: this device is enrolled there (an
    // earlier join whose settings were lost, or whose answer was).
    out.already_enrolled = true;
  } else {
    return enrolled.status();
  }

  // 3. Keep what the vault needs to sync from now on (encrypted, like every record).
  out.config =
      BoardConfig{trust.url, trust.ca_pem, trust.key_sha256, me.device_id, name, ClockMs(options.client)};
  CB_RETURN_IF_ERROR(SaveBoardConfig(vault, out.config));
  return out;
}

}  // namespace caseboard::sync
