// The OS key store against a real GNOME Keyring in a private D-Bus session,
// and "vault remember" end to end through caseboard-cli. Run only through
// with_keyring.sh, which starts that session in a throwaway home folder.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "caseboard/platform/platform.h"
#include "cli_runner.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using platform::KeyStore;

namespace {

const std::string kFastKdf = "--scrypt-n=1024";

// The wrapper exports this; without it the suite would be talking to
// whatever keyring the developer's own session has.
void RequirePrivateKeyring() {
  const char* marker = std::getenv("CASEBOARD_TEST_PRIVATE_KEYRING");
  REQUIRE_MESSAGE(marker != nullptr, "run this suite through tests/platform/with_keyring.sh");
  Status s = KeyStore::Available();
  REQUIRE_MESSAGE(s.ok(), s.ToString());
}

// The vault's id, read with the vault closed again before the CLI runs
// (one process at a time has a vault).
std::string VaultId(const std::string& dir) {
  auto v = store::Vault::Open(dir);
  REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  return (*v)->id();
}

}  // namespace

TEST_CASE("Store, Lookup and Remove round-trip binary secrets per vault") {
  RequirePrivateKeyring();
  Bytes secret = {0x00, 0x01, 0xff, 0x00, 0x7f, 0x80, 0x0a, 0x00};  // zeros and newlines survive
  Bytes other = {0x42, 0x42, 0x42};
  REQUIRE(KeyStore::Store("vault-a", "Caseboard test vault A", secret).ok());
  REQUIRE(KeyStore::Store("vault-b", "Caseboard test vault B", other).ok());

  auto a = KeyStore::Lookup("vault-a");
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  CHECK(a->Equals(secret));
  CHECK(KeyStore::Lookup("vault-b")->Equals(other));

  // Storing again replaces, never duplicates.
  Bytes replaced = {0x01, 0x02, 0x03, 0x04};
  REQUIRE(KeyStore::Store("vault-a", "Caseboard test vault A", replaced).ok());
  CHECK(KeyStore::Lookup("vault-a")->Equals(replaced));

  REQUIRE(KeyStore::Remove("vault-a").ok());
  auto gone = KeyStore::Lookup("vault-a");
  CHECK(gone.status().IsNotFound());
  CHECK(gone.status().message().find("vault-a") != std::string::npos);
  CHECK(KeyStore::Lookup("vault-b")->Equals(other));  // the other vault's item is untouched
  CHECK(KeyStore::Remove("vault-a").ok());            // removing nothing is fine
  REQUIRE(KeyStore::Remove("vault-b").ok());
}

TEST_CASE("Lookup of a vault never stored is NotFound; an empty id is refused") {
  RequirePrivateKeyring();
  CHECK(KeyStore::Lookup("never-stored").status().IsNotFound());
  CHECK(KeyStore::Store("", "x", AsBytes("s")).code() == Status::Code::kInvalidArgument);
  CHECK(KeyStore::Lookup("").status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("vault remember on/off through caseboard-cli") {
  RequirePrivateKeyring();
  TempDir dir;
  std::string vault = dir.Sub("v");
  std::string pass_file = dir.Sub("pass");
  WriteFile(pass_file, AsBytes("remember-test passphrase\n"));
  auto with_pass = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--vault", vault, "--passphrase-file", pass_file});
    return Cli(args);
  };
  auto no_pass = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--vault", vault});
    return Cli(args);  // stdin is /dev/null: nothing can be asked
  };
  REQUIRE(with_pass({"init", kFastKdf}).exit_code == 0);
  std::string id = VaultId(vault);

  CHECK(no_pass({"vault", "remember", "status"}).out.rfind("off", 0) == 0);
  CliRun locked_out = no_pass({"whoami"});
  CHECK(locked_out.exit_code == 1);
  CHECK(locked_out.err.find("passphrase") != std::string::npos);

  SUBCASE("a wrong passphrase remembers nothing") {
    std::string wrong = dir.Sub("wrong");
    WriteFile(wrong, AsBytes("not the passphrase\n"));
    CliRun on = Cli({"--vault", vault, "--passphrase-file", wrong, "vault", "remember", "on"});
    CHECK(on.exit_code == 1);
    CHECK(on.err.find("wrong passphrase") != std::string::npos);
    CHECK(no_pass({"vault", "remember", "status"}).out.rfind("off", 0) == 0);
    CHECK(KeyStore::Lookup(id).status().IsNotFound());
  }

  SUBCASE("on: commands need no passphrase; off: they ask again") {
    CliRun on = with_pass({"vault", "remember", "on"});
    REQUIRE_MESSAGE(on.exit_code == 0, on.err);
    CHECK(on.out.find("remembered on this device") != std::string::npos);
    CHECK(no_pass({"vault", "remember", "status"}).out.rfind("on:", 0) == 0);
    CHECK(KeyStore::Lookup(id).ok());

    CliRun who = no_pass({"whoami"});
    CHECK_MESSAGE(who.exit_code == 0, who.err);
    CHECK(who.out.find("device") != std::string::npos);
    CliRun verify = no_pass({"verify"});
    CHECK_MESSAGE(verify.exit_code == 0, verify.err);

    // Changing the passphrase keeps the device slot working.
    std::string new_pass = dir.Sub("new-pass");
    WriteFile(new_pass, AsBytes("a changed passphrase\n"));
    REQUIRE(with_pass({"passwd", "--new-passphrase-file", new_pass}).exit_code == 0);
    CHECK(no_pass({"whoami"}).exit_code == 0);

    CliRun off = no_pass({"vault", "remember", "off"});  // turning it off needs no passphrase
    REQUIRE_MESSAGE(off.exit_code == 0, off.err);
    CHECK(off.out.find("no longer remembered") != std::string::npos);
    CHECK(no_pass({"vault", "remember", "status"}).out.rfind("off", 0) == 0);
    CHECK(KeyStore::Lookup(id).status().IsNotFound());
    CliRun asks = no_pass({"whoami"});
    CHECK(asks.exit_code == 1);
    CHECK(asks.err.find("passphrase") != std::string::npos);
    CHECK(Cli({"--vault", vault, "--passphrase-file", new_pass, "whoami"}).exit_code == 0);
  }

  SUBCASE("a missing or stale key store item falls back to the passphrase") {
    REQUIRE(with_pass({"vault", "remember", "on"}).exit_code == 0);

    REQUIRE(KeyStore::Store(id, "stale", crypto::SecureBytes::Random(32).view()).ok());
    CliRun stale = no_pass({"whoami"});
    CHECK(stale.exit_code == 1);
    CHECK(stale.err.find("does not open this vault") != std::string::npos);
    CHECK(with_pass({"whoami"}).exit_code == 0);

    REQUIRE(KeyStore::Remove(id).ok());
    CliRun status = no_pass({"vault", "remember", "status"});
    CHECK(status.out.rfind("on, but", 0) == 0);
    CHECK(no_pass({"whoami"}).exit_code == 1);
    CHECK(with_pass({"whoami"}).exit_code == 0);

    // Turning it on again repairs it.
    REQUIRE(with_pass({"vault", "remember", "on"}).exit_code == 0);
    CHECK(no_pass({"whoami"}).exit_code == 0);
    REQUIRE(no_pass({"vault", "remember", "off"}).exit_code == 0);
  }
}
