// caseboard-cli as a script uses it: real processes, real vaults on disk.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_runner.h"
#include "test_support.h"

using namespace caseboard;
using namespace caseboard::test;

namespace {

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

const std::string kFastKdf = "--scrypt-n=1024";

}  // namespace

TEST_CASE("--help works at every level and unknown input is a usage error") {
  CliRun top = Cli({"--help"});
  CHECK(top.exit_code == 0);
  for (const char* cmd : {"init", "passwd", "whoami", "verify"}) {
    CHECK(top.out.find(cmd) != std::string::npos);
    CliRun h = Cli({cmd, "--help"});
    CHECK(h.exit_code == 0);
    CHECK(h.out.find(std::string("usage: caseboard-cli ") + cmd) != std::string::npos);
    CHECK(Cli({"help", cmd}).out == h.out);
  }
  CliRun unknown = Cli({"frobnicate"});
  CHECK(unknown.exit_code == 2);
  CHECK(Lines(unknown.err) == 1);
  CliRun bad_flag = Cli({"whoami", "--nope"});
  CHECK(bad_flag.exit_code == 2);
  CHECK(bad_flag.err.find("unknown option --nope") != std::string::npos);
  CHECK(Cli({}).exit_code == 2);
}

TEST_CASE("init, whoami, verify, passwd: the whole life of a vault from scripts") {
  TempDir dir;
  std::string vault = dir.Sub("v");
  std::string pass_file = dir.Sub("pass");
  WriteFile(pass_file, AsBytes("first passphrase here\n"));

  CliRun init = Cli({"--vault", vault, "--passphrase-file", pass_file, "init", kFastKdf});
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  CHECK(init.out.find("Created a vault in " + vault) != std::string::npos);

  SUBCASE("init twice is refused") {
    CliRun again = Cli({"--vault", vault, "--passphrase-file", pass_file, "init", kFastKdf});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("already a vault") != std::string::npos);
  }

  SUBCASE("whoami, by flag, by environment, as JSON") {
    CliRun who = Cli({"--vault", vault, "--passphrase-file", pass_file, "whoami"});
    REQUIRE_MESSAGE(who.exit_code == 0, who.err);
    CHECK(who.out.find("identity  cbdev1:") != std::string::npos);
    CliRun env_who =
        Cli({"whoami"}, {"CASEBOARD_VAULT=" + vault, "CASEBOARD_PASSPHRASE=first passphrase here"});
    CHECK(env_who.exit_code == 0);
    CHECK(env_who.out == who.out);
    CliRun json = Cli({"--vault", vault, "--passphrase-file", pass_file, "whoami", "--json"});
    CHECK(json.exit_code == 0);
    CHECK(json.out.find("\"device_id\"") != std::string::npos);
    // The device id printed by init is the one whoami reports.
    std::string device = init.out.substr(init.out.find("device  ") + 8, 32);
    CHECK(who.out.find("device    " + device) != std::string::npos);
  }

  SUBCASE("a wrong passphrase is one line on stderr and exit 1") {
    CliRun wrong = Cli({"--vault", vault, "whoami"}, {"CASEBOARD_PASSPHRASE=not it"});
    CHECK(wrong.exit_code == 1);
    CHECK(wrong.err == "caseboard-cli: wrong passphrase\n");
    CHECK(wrong.out.empty());
  }

  SUBCASE("no passphrase and no terminal: a clear error instead of a hang") {
    CliRun none = Cli({"--vault", vault, "whoami"});
    CHECK(none.exit_code == 1);
    CHECK(none.err.find("--passphrase-file") != std::string::npos);
  }

  SUBCASE("verify passes on a healthy vault and names damage") {
    CliRun ok = Cli({"--vault", vault, "--passphrase-file", pass_file, "verify"});
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("vault OK") != std::string::npos);
  }

  SUBCASE("passwd changes the passphrase; the old one stops working") {
    std::string new_file = dir.Sub("new");
    WriteFile(new_file, AsBytes("second passphrase here\n"));
    CliRun pw =
        Cli({"--vault", vault, "--passphrase-file", pass_file, "passwd", "--new-passphrase-file", new_file});
    REQUIRE_MESSAGE(pw.exit_code == 0, pw.err);
    CHECK(Cli({"--vault", vault, "--passphrase-file", pass_file, "whoami"}).exit_code == 1);
    CHECK(Cli({"--vault", vault, "--passphrase-file", new_file, "whoami"}).exit_code == 0);
    CliRun short_pw =
        Cli({"--vault", vault, "--passphrase-file", new_file, "passwd"}, {"CASEBOARD_NEW_PASSPHRASE=short"});
    CHECK(short_pw.exit_code == 1);
    CHECK(short_pw.err.find("too short") != std::string::npos);
    CHECK(Cli({"--vault", vault, "--passphrase-file", new_file, "whoami"}).exit_code == 0);
  }
}

TEST_CASE("the default vault location follows XDG_DATA_HOME") {
  TempDir home;
  CliRun init =
      Cli({"init", kFastKdf}, {"XDG_DATA_HOME=" + home.str(), "CASEBOARD_PASSPHRASE=xdg passphrase"});
  REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  CHECK(std::filesystem::exists(home.str() + "/caseboard/vault/vault.db"));
}

TEST_CASE("commands on a missing vault explain how to create one") {
  TempDir dir;
  CliRun r = Cli({"--vault", dir.Sub("none"), "whoami"}, {"CASEBOARD_PASSPHRASE=whatever1"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("caseboard-cli init") != std::string::npos);
}

TEST_CASE("vault wipe: nothing happens without --yes; with it the vault is gone") {
  TempDir dir;
  std::string vault = dir.Sub("v");
  std::vector<std::string> env = {"CASEBOARD_PASSPHRASE=a passphrase to wipe"};
  REQUIRE(Cli({"--vault", vault, "init", kFastKdf}, env).exit_code == 0);
  CliRun asked = Cli({"--vault", vault, "vault", "wipe"});
  CHECK(asked.exit_code == 2);
  CHECK(asked.err.find("add --yes") != std::string::npos);
  CHECK(Cli({"--vault", vault, "verify"}, env).exit_code == 0);

  CliRun wiped = Cli({"--vault", vault, "vault", "wipe", "--yes"});  // no passphrase needed
  CHECK_MESSAGE(wiped.exit_code == 0, wiped.err);
  CHECK(wiped.out.find("has been wiped") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(vault));
  CliRun again = Cli({"--vault", vault, "vault", "wipe", "--yes"});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("no vault") != std::string::npos);
}
