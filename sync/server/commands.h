// The caseboard-server commands. Conventions as in tools/cli: one-line
// errors on stderr, exit 0 on success, 1 when the operation failed, 2 when
// the command line was wrong; `COMMAND --help` for each.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caseboard/status.h"

namespace caseboard::server::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Arguments after the command name: --flag VALUE (or --flag=VALUE), which
// may repeat, and positionals.
class Args {
 public:
  static Result<Args> Parse(const std::vector<std::string>& argv,
                            const std::vector<std::string>& value_flags);
  std::optional<std::string> Get(const std::string& flag) const;  // the last one given
  std::vector<std::string> GetAll(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::multimap<std::string, std::string> flags_;
  std::vector<std::string> positional_;
};

struct Command {
  const char* name;
  const char* summary;  // one line for the command list
  const char* help;     // the text of `caseboard-server NAME --help`
  int (*run)(const std::vector<std::string>& args);
};

void AddAdminCommands(std::vector<Command>& out);  // init, invite, revoke, status
void AddRunCommand(std::vector<Command>& out);

// Prints "caseboard-server: <message>" on stderr; returns kExitFailed.
int Fail(const Status& status);
// Prints a usage error and a pointer to --help; returns kExitUsage.
int UsageError(const std::string& command, const std::string& message);

}  // namespace caseboard::server::cli

#include <memory>

#include "board.h"
#include "data_dir.h"

namespace caseboard::server::cli {

// A board opened from --data (and --database, which overrides the one init recorded).
struct OpenedBoard {
  DataDir dir{""};
  BoardConfig config;
  std::unique_ptr<Board> board;
};
Result<OpenedBoard> OpenBoard(const Args& args, size_t connections = 1);

}  // namespace caseboard::server::cli
