// An in-process device for tests against a real board: a new vault (cheap
// test KDF) that has joined the board with `invite`.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "caseboard/crypto/kdf.h"
#include "caseboard/store/vault.h"
#include "caseboard/sync/sync_engine.h"

namespace caseboard::test {

inline constexpr char kJoinedVaultPassphrase[] = "joined vault test passphrase";

inline std::unique_ptr<store::Vault> JoinedVault(const std::string& dir, const std::string& invite,
                                                 const std::string& name) {
  store::Vault::CreateOptions options;
  options.kdf = crypto::ScryptParams::ForTests();
  auto vault = store::Vault::Create(dir, AsBytes(kJoinedVaultPassphrase), options);
  REQUIRE_MESSAGE(vault.ok(), vault.status().ToString());
  auto joined = sync::Join(**vault, invite, name);
  REQUIRE_MESSAGE(joined.ok(), joined.status().ToString());
  return std::move(vault).value();
}

}  // namespace caseboard::test
