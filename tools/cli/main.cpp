// caseboard-cli: everything the Caseboard app can do, headless and scriptable.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "caseboard/platform/platform.h"
#include "commands.h"

using caseboard::cli::Command;

namespace {

const char kUsage[] = R"(usage: caseboard-cli [--vault DIR] [--passphrase-file FILE] COMMAND [ARGS]

Caseboard keeps serious case review material in an encrypted vault on this
device. This is its command-line interface.

Global options:
  --vault DIR              the vault folder (default: $CASEBOARD_VAULT, else
                           $XDG_DATA_HOME/caseboard/vault)
  --passphrase-file FILE   read the passphrase from the first line of FILE
                           (or set CASEBOARD_PASSPHRASE; otherwise you are asked)
  --help                   this text; 'caseboard-cli COMMAND --help' for a command
  --version                print the version

Commands:
)";

void PrintUsage(const std::vector<Command>& commands) {
  std::cout << kUsage;
  for (const auto& c : commands) {
    std::string name = c.name;
    name.resize(10, ' ');
    std::cout << "  " << name << c.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  caseboard::platform::HardenProcess();
  std::vector<Command> commands;
  caseboard::cli::AddVaultCommands(commands);
  caseboard::cli::AddReviewCommands(commands);
  caseboard::cli::AddMemberCommands(commands);
  caseboard::cli::AddChangeCommands(commands);
  caseboard::cli::AddAttachmentCommands(commands);
  caseboard::cli::AddTextCommands(commands);
  caseboard::cli::AddSyncCommands(commands);
  caseboard::cli::AddScrCommands(commands);
  caseboard::cli::AddExportCommands(commands);

  caseboard::cli::GlobalOptions global;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "caseboard-cli: " << flag << " needs a value\n";
        std::exit(caseboard::cli::kExitUsage);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h") {
      PrintUsage(commands);
      return 0;
    } else if (a == "--version") {
      std::cout << "caseboard-cli 0.1.0\n";
      return 0;
    } else if (a == "--vault") {
      global.vault_dir = value("--vault");
    } else if (a.rfind("--vault=", 0) == 0) {
      global.vault_dir = a.substr(8);
    } else if (a == "--passphrase-file") {
      global.passphrase_file = value("--passphrase-file");
    } else if (a.rfind("--passphrase-file=", 0) == 0) {
      global.passphrase_file = a.substr(18);
    } else if (a.size() > 1 && a[0] == '-') {
      std::cerr << "caseboard-cli: unknown option " << a << " (see 'caseboard-cli --help')\n";
      return caseboard::cli::kExitUsage;
    } else {
      break;
    }
  }
  if (i >= argc) {
    PrintUsage(commands);
    return caseboard::cli::kExitUsage;
  }
  std::string name = argv[i++];
  if (name == "help") {
    if (i >= argc) {
      PrintUsage(commands);
      return 0;
    }
    name = argv[i];
    for (const auto& c : commands)
      if (name == c.name) {
        std::cout << c.help;
        return 0;
      }
  }
  for (const auto& c : commands) {
    if (name != c.name) continue;
    std::vector<std::string> args(argv + i, argv + argc);
    for (const auto& a : args)
      if (a == "--help" || a == "-h") {
        std::cout << c.help;
        return 0;
      }
    caseboard::cli::Context ctx(global);
    return c.run(ctx, args);
  }
  std::cerr << "caseboard-cli: unknown command '" << name << "' (see 'caseboard-cli --help')\n";
  return caseboard::cli::kExitUsage;
}
