// What every caseboard-cli command shares: its arguments, where the vault is,
// how the passphrase is obtained, and how errors are reported.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/domain/calendar.h"
#include "caseboard/review/replica.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"

namespace caseboard::cli {

// Exit codes: 0 success, 1 the operation failed, 2 the command line was wrong.
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Arguments after the command name: --flags (with or without values) and positionals.
class Args {
 public:
  // `value_flags` take a value (--out FILE or --out=FILE); others are switches.
  static Result<Args> Parse(const std::vector<std::string>& argv, const std::vector<std::string>& value_flags,
                            const std::vector<std::string>& switches);
  bool Has(const std::string& flag) const { return flags_.count(flag) != 0; }
  std::optional<std::string> Get(const std::string& flag) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> flags_;
  std::vector<std::string> positional_;
};

struct GlobalOptions {
  std::optional<std::string> vault_dir;        // --vault
  std::optional<std::string> passphrase_file;  // --passphrase-file
};

class Context {
 public:
  explicit Context(GlobalOptions global) : global_(std::move(global)) {}

  // --vault, else CASEBOARD_VAULT, else the platform's data directory.
  Result<std::string> VaultDir() const;
  // --passphrase-file, else CASEBOARD_PASSPHRASE, else a prompt without echo.
  Result<crypto::SecureBytes> Passphrase(const std::string& prompt) const;
  // For a new passphrase: the same sources, but a prompt asks twice.
  Result<crypto::SecureBytes> NewPassphrase(const std::optional<std::string>& file,
                                            const char* env_var) const;
  const std::optional<std::string>& PassphraseFile() const { return global_.passphrase_file; }
  // Opens the vault and unlocks it: with the secret remembered in the system
  // key store if 'vault remember on' was used, else with Passphrase().
  Result<std::unique_ptr<store::Vault>> OpenUnlocked() const;
  // How every command opens reviews: the schema and clock they use.
  review::ReplicaOptions ReplicaOptions() const;
  Result<std::unique_ptr<review::Replica>> OpenReview(store::Vault& vault, const std::string& id) const;
  // England and Wales working days, plus the one-off holidays an
  // administrator added to this vault's folder (holidays.json; public
  // dates, so kept in the clear).
  Result<domain::WorkingCalendar> Calendar() const;
  static constexpr char kHolidaysFile[] = "holidays.json";

 private:
  GlobalOptions global_;
};

// "a,b,,c" -> {"a", "b", "c"}: the comma-separated lists of --compartments and set fields.
std::vector<std::string> SplitList(const std::string& text);

// The date deadlines are judged on: --today if given, else the local date.
Result<domain::Date> Today(const std::optional<std::string>& override_date);

// Parses "field=value" arguments against the schema for `type`. Set fields
// take comma-separated elements.
Result<std::map<std::string, nlohmann::json>> ParseAssignments(const crdt::Schema& schema,
                                                               const std::string& type,
                                                               const std::vector<std::string>& args);
// A field's value for people: strings as they are, anything else as JSON.
std::string ValueText(const nlohmann::json& v);

// Reads the first line of a file (without its newline) as a secret.
Result<crypto::SecureBytes> ReadSecretFile(const std::string& path);

// Prints "caseboard-cli: <message>" on stderr; returns kExitFailed.
int Fail(const Status& status);
// Prints a usage error and a pointer to --help; returns kExitUsage.
int UsageError(const std::string& command, const std::string& message);

}  // namespace caseboard::cli
