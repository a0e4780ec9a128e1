// Runs the real caseboard-cli binary as a child process, as scripts do.
#pragma once

#include <string>
#include <vector>

namespace caseboard::test {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

// Runs `program` with `args`, adding `env` (NAME=value) to an environment
// stripped of CASEBOARD_* variables, with stdin at /dev/null (no terminal),
// and waits for it.
CliRun RunProgram(const std::string& program, const std::vector<std::string>& args,
                  const std::vector<std::string>& env = {});

// Starts `program` the same way without waiting, its stdout and stderr
// going to the given files. Returns its pid.
int SpawnProgram(const std::string& program, const std::vector<std::string>& args,
                 const std::vector<std::string>& env, const std::string& out_path,
                 const std::string& err_path);

// Runs caseboard-cli.
CliRun Cli(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
// Starts caseboard-cli without waiting (see SpawnProgram).
int SpawnCli(const std::vector<std::string>& args, const std::vector<std::string>& env,
             const std::string& out_path, const std::string& err_path);

// The output's last line without its newline (ids printed by create/add).
std::string Trimmed(const std::string& s);

}  // namespace caseboard::test
