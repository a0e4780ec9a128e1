#include "cli_runner.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include "test_support.h"

extern char** environ;

namespace caseboard::test {

int SpawnProgram(const std::string& program, const std::vector<std::string>& args,
                 const std::vector<std::string>& env, const std::string& out_path,
                 const std::string& err_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);

  std::vector<std::string> argv_s = {program};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    std::string v = *e;
    if (v.rfind("CASEBOARD_", 0) != 0) env_s.push_back(v);  // tests say exactly what they set
  }
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) == 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

CliRun RunProgram(const std::string& program, const std::vector<std::string>& args,
                  const std::vector<std::string>& env) {
  TempDir io;
  std::string out_path = io.Sub("out"), err_path = io.Sub("err");
  pid_t pid = SpawnProgram(program, args, env, out_path, err_path);
  int status = 0;
  waitpid(pid, &status, 0);
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  Bytes o = ReadFile(out_path), e = ReadFile(err_path);
  r.out.assign(o.begin(), o.end());
  r.err.assign(e.begin(), e.end());
  return r;
}

CliRun Cli(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  return RunProgram(CASEBOARD_CLI_PATH, args, env);
}

int SpawnCli(const std::vector<std::string>& args, const std::vector<std::string>& env,
             const std::string& out_path, const std::string& err_path) {
  return SpawnProgram(CASEBOARD_CLI_PATH, args, env, out_path, err_path);
}

std::string Trimmed(const std::string& s) {
  std::string t = s;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

}  // namespace caseboard::test
