// The platform layer on Linux (paths, the file lock) and the vault's device
// unlock slot that "remember on this device" is built on. No key store here:
// key_store_test runs against a real keyring daemon.
#include <doctest/doctest.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "caseboard/platform/platform.h"
#include "cli_runner.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using store::Vault;

namespace {

// Sets (or unsets) an environment variable for one scope, then puts it back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Runs `child` in a forked process and returns its exit code. The child
// reports through the code only and leaves with _exit, so none of doctest's
// state in the copy runs twice.
template <typename F>
int InChild(F child) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(child());
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// Every byte of every file in a vault's folder (the database, its WAL, the lock).
Bytes AllFileBytes(const std::string& dir) {
  Bytes all;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    Bytes b = ReadFile(entry.path());
    all.insert(all.end(), b.begin(), b.end());
  }
  return all;
}

}  // namespace

TEST_CASE("DataDir and ConfigDir follow XDG, ignoring relative values as the spec says") {
  ScopedEnv home("HOME", "/home/reviewer");

  SUBCASE("absolute XDG values are used") {
    ScopedEnv data("XDG_DATA_HOME", "/srv/data");
    ScopedEnv config("XDG_CONFIG_HOME", "/srv/config");
    CHECK(platform::DataDir().value() == "/srv/data/caseboard");
    CHECK(platform::ConfigDir().value() == "/srv/config/caseboard");
    CHECK(platform::DefaultVaultDir().value() == "/srv/data/caseboard/vault");
  }
  SUBCASE("unset or empty: the home fallbacks") {
    ScopedEnv data("XDG_DATA_HOME", std::nullopt);
    ScopedEnv config("XDG_CONFIG_HOME", "");
    CHECK(platform::DataDir().value() == "/home/reviewer/.local/share/caseboard");
    CHECK(platform::ConfigDir().value() == "/home/reviewer/.config/caseboard");
    CHECK(platform::DefaultVaultDir().value() == "/home/reviewer/.local/share/caseboard/vault");
  }
  SUBCASE("a relative value is rejected: the fallback is used, never the current folder") {
    ScopedEnv data("XDG_DATA_HOME", "relative/data");
    ScopedEnv config("XDG_CONFIG_HOME", "./config");
    CHECK(platform::DataDir().value() == "/home/reviewer/.local/share/caseboard");
    CHECK(platform::ConfigDir().value() == "/home/reviewer/.config/caseboard");
  }
  SUBCASE("nothing usable at all is a clear error") {
    ScopedEnv data("XDG_DATA_HOME", "relative");
    ScopedEnv config("XDG_CONFIG_HOME", std::nullopt);
    ScopedEnv no_home("HOME", std::nullopt);
    auto d = platform::DataDir();
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().IsNotFound());
    CHECK(d.status().message().find("XDG_DATA_HOME") != std::string::npos);
    auto c = platform::ConfigDir();
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().message().find("XDG_CONFIG_HOME") != std::string::npos);
  }
}

TEST_CASE("FileLock: a second process is refused at once with a clear error, then succeeds after release") {
  TempDir dir;
  std::string path = dir.Sub("config.lock");
  auto held = platform::FileLock::Acquire(path);
  REQUIRE_MESSAGE(held.ok(), held.status().ToString());
  CHECK((*held)->path() == path);

  // The child's verdict in its exit code: 0 refused with the right message,
  // 1 wrongly got the lock, 2 refused with another error.
  std::string parent_pid = std::to_string(::getpid());
  int refused = InChild([&] {
    auto second = platform::FileLock::Acquire(path);
    if (second.ok()) return 1;
    const std::string& m = second.status().message();
    bool clear = second.status().code() == Status::Code::kBusy &&
                 m.find("already in use by another Caseboard process") != std::string::npos &&
                 m.find(parent_pid) != std::string::npos;
    return clear ? 0 : 2;
  });
  CHECK(refused == 0);

  // Within one process too: a second Acquire does not silently share the lock.
  auto same_process = platform::FileLock::Acquire(path);
  CHECK(same_process.status().code() == Status::Code::kBusy);

  held->reset();
  int after_release = InChild([&] { return platform::FileLock::Acquire(path).ok() ? 0 : 1; });
  CHECK(after_release == 0);
  CHECK(platform::FileLock::Acquire(path).ok());
}

TEST_CASE("FileLock: a holder that dies leaves no stale lock") {
  TempDir dir;
  std::string path = dir.Sub("app.lock");
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto lock = platform::FileLock::Acquire(path);
    char ok = lock.ok() ? 'y' : 'n';
    [[maybe_unused]] ssize_t w = ::write(fds[1], &ok, 1);
    ::pause();  // held until killed: no destructor runs
    ::_exit(0);
  }
  ::close(fds[1]);
  char got = 0;
  REQUIRE(::read(fds[0], &got, 1) == 1);
  ::close(fds[0]);
  REQUIRE(got == 'y');
  auto while_alive = platform::FileLock::Acquire(path);
  CHECK(while_alive.status().code() == Status::Code::kBusy);
  CHECK(while_alive.status().message().find(std::to_string(pid)) != std::string::npos);

  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(platform::FileLock::Acquire(path).ok());
}

TEST_CASE("FileLock: a folder that cannot hold the lock file is an IOError, not a hang") {
  auto lock = platform::FileLock::Acquire("/nonexistent-caseboard-folder/x.lock");
  REQUIRE_FALSE(lock.ok());
  CHECK(lock.status().code() == Status::Code::kIOError);
  CHECK(lock.status().message().find("/nonexistent-caseboard-folder/x.lock") != std::string::npos);
}

TEST_CASE("device unlock: enable, lock, unlock with the secret and read the data") {
  TempDir dir;
  crypto::SecureBytes secret;
  std::string id;
  {
    auto v = CreateVault(dir.str());
    id = v->id();
    CHECK(id.size() == 32);
    CHECK_FALSE(v->HasDeviceUnlock());
    REQUIRE(v->Put({"r1", "note", "n1"}, AsBytes("interview with the family")).ok());
    auto s = v->EnableDeviceUnlock();
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    CHECK(s->size() == 32);
    secret = std::move(s).value();
    CHECK(v->HasDeviceUnlock());

    v->Lock();
    CHECK(v->Get({"r1", "note", "n1"}).status().code() == Status::Code::kLocked);
    Status unlocked = v->UnlockWithDeviceSecret(secret.view());
    REQUIRE_MESSAGE(unlocked.ok(), unlocked.ToString());
    CHECK(v->is_unlocked());
    CHECK(v->Get({"r1", "note", "n1"}).value().str() == "interview with the family");
    CHECK(v->Identity().ok());
  }
  // The slot is in the file: a fresh process opening the vault finds it.
  auto v = Vault::Open(dir.str());
  REQUIRE(v.ok());
  CHECK((*v)->id() == id);
  CHECK((*v)->HasDeviceUnlock());
  REQUIRE((*v)->UnlockWithDeviceSecret(secret.view()).ok());
  CHECK((*v)->Get({"r1", "note", "n1"}).value().str() == "interview with the family");
  auto sig = (*v)->SignAsDevice(AsBytes("m"));
  CHECK(sig.ok());
}

TEST_CASE("device unlock: a wrong secret fails cleanly and the passphrase still works") {
  TempDir dir;
  crypto::SecureBytes secret;
  {
    auto v = CreateVault(dir.str());
    REQUIRE(v->Put({"r1", "note", "n1"}, AsBytes("draft finding")).ok());
    secret = v->EnableDeviceUnlock().value();
  }
  Bytes before = ReadFile(dir.path() / "vault.db");
  auto v = Vault::Open(dir.str());
  REQUIRE(v.ok());

  crypto::SecureBytes wrong = secret.Clone();
  wrong.data()[0] ^= 1;
  for (ByteView bad : {wrong.view(), AsBytes("short"), ByteView()}) {
    Status s = (*v)->UnlockWithDeviceSecret(bad);
    CHECK(s.code() == Status::Code::kAuthFailed);
    CHECK(s.message().find("does not open this vault") != std::string::npos);
    CHECK_FALSE((*v)->is_unlocked());
  }
  CHECK((*v)->HasDeviceUnlock());
  CHECK(ReadFile(dir.path() / "vault.db") == before);

  REQUIRE((*v)->Unlock(AsBytes(kPassphrase)).ok());
  CHECK((*v)->Get({"r1", "note", "n1"}).value().str() == "draft finding");
  // Checked even when unlocked, so a caller learns its secret is stale.
  CHECK((*v)->UnlockWithDeviceSecret(wrong.view()).code() == Status::Code::kAuthFailed);
  CHECK((*v)->UnlockWithDeviceSecret(secret.view()).ok());
}

TEST_CASE("device unlock: needs an unlocked vault to enable, and a slot to unlock with") {
  TempDir dir;
  auto v = CreateVault(dir.str());
  CHECK(v->UnlockWithDeviceSecret(crypto::SecureBytes::Random(32).view()).code() == Status::Code::kNotFound);
  v->Lock();
  auto refused = v->EnableDeviceUnlock();
  CHECK(refused.status().code() == Status::Code::kLocked);
  CHECK_FALSE(v->HasDeviceUnlock());
}

TEST_CASE("device unlock: re-enabling makes the earlier secret stale") {
  TempDir dir;
  auto v = CreateVault(dir.str());
  auto first = v->EnableDeviceUnlock().value();
  auto second = v->EnableDeviceUnlock().value();
  CHECK_FALSE(first.Equals(second.view()));
  v->Lock();
  CHECK(v->UnlockWithDeviceSecret(first.view()).code() == Status::Code::kAuthFailed);
  CHECK(v->UnlockWithDeviceSecret(second.view()).ok());
}

TEST_CASE("device unlock: changing the passphrase keeps the slot valid") {
  TempDir dir;
  auto v = CreateVault(dir.str());
  REQUIRE(v->Put({"r1", "note", "n1"}, AsBytes("chronology")).ok());
  auto secret = v->EnableDeviceUnlock().value();
  REQUIRE(v->ChangePassphrase(AsBytes(kPassphrase), AsBytes("a whole new passphrase")).ok());
  v->Lock();
  REQUIRE(v->UnlockWithDeviceSecret(secret.view()).ok());
  CHECK(v->Get({"r1", "note", "n1"}).value().str() == "chronology");
  v->Lock();
  CHECK(v->Unlock(AsBytes(kPassphrase)).code() == Status::Code::kAuthFailed);
  CHECK(v->Unlock(AsBytes("a whole new passphrase")).ok());
}

TEST_CASE("device unlock: disabling, locked or unlocked, makes the secret useless") {
  TempDir dir;
  auto v = CreateVault(dir.str());
  auto secret = v->EnableDeviceUnlock().value();

  SUBCASE("while unlocked") { REQUIRE(v->DisableDeviceUnlock().ok()); }
  SUBCASE("while locked") {
    v->Lock();
    REQUIRE(v->DisableDeviceUnlock().ok());
  }
  CHECK_FALSE(v->HasDeviceUnlock());
  CHECK(v->DisableDeviceUnlock().ok());  // again: nothing to remove is fine
  v->Lock();
  Status s = v->UnlockWithDeviceSecret(secret.view());
  CHECK(s.code() == Status::Code::kNotFound);
  CHECK_FALSE(v->is_unlocked());
  CHECK(v->Unlock(AsBytes(kPassphrase)).ok());
}

TEST_CASE("device unlock: a tampered slot refuses to open and the passphrase still works") {
  TempDir dir;
  crypto::SecureBytes secret;
  {
    auto v = CreateVault(dir.str());
    secret = v->EnableDeviceUnlock().value();
  }
  // meta is WITHOUT ROWID, so RawFlipByte cannot address it; overwrite the
  // slot with random bytes of the same length instead.
  RawSql(dir.str(), "UPDATE meta SET value = randomblob(length(value)) WHERE key = 'device_unlock'");
  auto v = Vault::Open(dir.str());
  REQUIRE(v.ok());
  CHECK((*v)->UnlockWithDeviceSecret(secret.view()).code() == Status::Code::kAuthFailed);
  CHECK((*v)->Unlock(AsBytes(kPassphrase)).ok());
}

TEST_CASE("device unlock: the secret never reaches the vault's files") {
  TempDir dir;
  std::string vault_dir = dir.Sub("v");
  crypto::SecureBytes secret;
  {
    auto v = CreateVault(vault_dir);
    secret = v->EnableDeviceUnlock().value();
    REQUIRE(v->Put({"r1", "note", "n1"}, AsBytes("x")).ok());
    // While open (the write may still sit in the WAL file) ...
    Bytes open_bytes = AllFileBytes(vault_dir);
    CHECK_FALSE(Contains(open_bytes, secret.view()));
    CHECK_FALSE(Contains(open_bytes, AsBytes(ToHex(secret.view()))));
  }
  // ... and after closing, once everything is checkpointed into vault.db.
  Bytes closed_bytes = AllFileBytes(vault_dir);
  CHECK_FALSE(Contains(closed_bytes, secret.view()));
  CHECK_FALSE(Contains(closed_bytes, AsBytes(ToHex(secret.view()))));
  CHECK(RawQueryInt(vault_dir, "SELECT count(*) FROM meta WHERE key = 'device_unlock'") == 1);
}

TEST_CASE("vault remember on: without a reachable key store it says so and changes nothing") {
  TempDir dir;
  std::string vault = dir.Sub("v");
  std::string pass_file = dir.Sub("pass");
  WriteFile(pass_file, AsBytes(std::string(kPassphrase) + "\n"));
  REQUIRE(Cli({"--vault", vault, "--passphrase-file", pass_file, "init", "--scrypt-n=1024"}).exit_code == 0);

  // A session bus that is not there: the key store cannot answer. Set in this
  // process so the CLI inherits it (and a developer's real keyring is never used).
  ScopedEnv bus("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + dir.Sub("no-such-bus"));
  CliRun on = Cli({"--vault", vault, "--passphrase-file", pass_file, "vault", "remember", "on"});
  CHECK(on.exit_code == 1);
  CHECK(on.err.find("nothing was changed") != std::string::npos);
  CliRun status = Cli({"--vault", vault, "vault", "remember", "status"});
  CHECK(status.exit_code == 0);
  CHECK(status.out.rfind("off", 0) == 0);
  CHECK(RawQueryInt(vault, "SELECT count(*) FROM meta WHERE key = 'device_unlock'") == 0);

  CliRun bad = Cli({"--vault", vault, "vault", "remember", "maybe"});
  CHECK(bad.exit_code == 2);
  CHECK(Cli({"--vault", vault, "vault"}).exit_code == 2);
  CliRun help = Cli({"vault", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("usage: caseboard-cli vault remember on|off|status") != std::string::npos);
}

TEST_CASE("HardenProcess: no core dumps, and not dumpable outside sanitizer builds") {
  // In a child, so the test runner itself stays as it was.
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    caseboard::platform::HardenProcess();
    struct rlimit core {};
    if (getrlimit(RLIMIT_CORE, &core) != 0 || core.rlim_cur != 0 || core.rlim_max != 0) _exit(1);
#if !defined(__SANITIZE_ADDRESS__)
    if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) _exit(2);
#endif
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
