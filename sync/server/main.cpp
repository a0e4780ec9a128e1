// caseboard-server: the board that relays and stores Caseboard's sealed
// changes between devices (docs/protocol.md). See sync/server/README.md.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"

namespace caseboard::server::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv, const std::vector<std::string>& value_flags) {
  Args out;
  auto takes_value = [&](const std::string& f) {
    for (const auto& v : value_flags)
      if (v == f) return true;
    return false;
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() < 2 || a[0] != '-' || a == "--") {
      out.positional_.push_back(a);
      continue;
    }
    size_t eq = a.find('=');
    std::string flag = a.substr(0, eq);
    if (!takes_value(flag)) return Status::InvalidArgument("unknown option " + flag);
    if (eq != std::string::npos) {
      out.flags_.emplace(flag, a.substr(eq + 1));
    } else {
      if (i + 1 >= argv.size()) return Status::InvalidArgument(flag + " needs a value");
      out.flags_.emplace(flag, argv[++i]);
    }
  }
  return out;
}

std::optional<std::string> Args::Get(const std::string& flag) const {
  auto [begin, end] = flags_.equal_range(flag);
  if (begin == end) return std::nullopt;
  return std::prev(end)->second;
}

std::vector<std::string> Args::GetAll(const std::string& flag) const {
  std::vector<std::string> out;
  auto [begin, end] = flags_.equal_range(flag);
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

int Fail(const Status& status) {
  std::cerr << "caseboard-server: " << status.message() << "\n";
  return kExitFailed;
}

int UsageError(const std::string& command, const std::string& message) {
  std::cerr << "caseboard-server " << command << ": " << message << " (see 'caseboard-server " << command
            << " --help')\n";
  return kExitUsage;
}

}  // namespace caseboard::server::cli

namespace {

using caseboard::server::cli::Command;

const char kUsage[] = R"(usage: caseboard-server COMMAND [ARGS]

The Caseboard board: it enrols devices, checks that every change comes from
a member of its review, and relays sealed changes between devices. It stores
and sees only ciphertext, ids and sizes.

Commands:
)";

void PrintUsage(const std::vector<Command>& commands) {
  std::cout << kUsage;
  for (const auto& c : commands) {
    std::string name = c.name;
    name.resize(8, ' ');
    std::cout << "  " << name << c.summary << "\n";
  }
  std::cout << "\n'caseboard-server COMMAND --help' describes a command.\n";
}

}  // namespace

int main(int argc, char** argv) {
  namespace cli = caseboard::server::cli;
  std::vector<Command> commands;
  cli::AddAdminCommands(commands);
  cli::AddRunCommand(commands);
  if (argc < 2) {
    PrintUsage(commands);
    return cli::kExitUsage;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    if (name == "help" && argc > 2)
      for (const auto& c : commands)
        if (argv[2] == std::string(c.name)) {
          std::cout << c.help;
          return cli::kExitOk;
        }
    PrintUsage(commands);
    return cli::kExitOk;
  }
  if (name == "--version") {
    std::cout << "caseboard-server 0.1.0\n";
    return cli::kExitOk;
  }
  for (const auto& c : commands) {
    if (name != c.name) continue;
    std::vector<std::string> args(argv + 2, argv + argc);
    for (const auto& a : args)
      if (a == "--help" || a == "-h") {
        std::cout << c.help;
        return cli::kExitOk;
      }
    return c.run(args);
  }
  std::cerr << "caseboard-server: unknown command '" << name << "' (see 'caseboard-server --help')\n";
  return cli::kExitUsage;
}
