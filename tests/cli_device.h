// A device driven through the real caseboard-cli: its own vault folder and
// the environment that unlocks it. Shared by the CLI suites.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli_runner.h"
#include "test_support.h"

namespace caseboard::test {

// One device: a vault folder and the environment that unlocks it.
struct Device {
  std::string vault;
  std::vector<std::string> env;
  CliRun Run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--vault", vault});
    return Cli(args, env);
  }
  std::string Ok(const std::vector<std::string>& args) const {
    CliRun r = Run(args);
    REQUIRE_MESSAGE(r.exit_code == 0, "caseboard-cli " << args.front() << ": " << r.err);
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
};

inline Device MakeDevice(const TempDir& dir, const std::string& name) {
  Device d{dir.Sub(name), {"CASEBOARD_PASSPHRASE=passphrase of " + name}};
  d.Ok({"init", "--scrypt-n=1024"});
  return d;
}

inline std::string IdentityOf(const Device& d) {
  std::string who = d.Ok({"whoami"});
  size_t at = who.find("cbdev1:");
  REQUIRE(at != std::string::npos);
  return who.substr(at, who.find('\n', at) - at);
}

}  // namespace caseboard::test
