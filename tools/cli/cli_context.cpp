#include "cli_context.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>

#include "caseboard/domain/scr_review.h"
#include "caseboard/platform/platform.h"

namespace caseboard::cli {

Result<Args> Args::Parse(const std::vector<std::string>& argv, const std::vector<std::string>& value_flags,
                         const std::vector<std::string>& switches) {
  Args args;
  auto takes_value = [&](const std::string& f) {
    return std::find(value_flags.begin(), value_flags.end(), f) != value_flags.end();
  };
  auto is_switch = [&](const std::string& f) {
    return std::find(switches.begin(), switches.end(), f) != switches.end();
  };
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional || a.size() < 2 || a[0] != '-' || a == "-") {
      args.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    std::string name = a, value;
    bool has_inline = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_inline = true;
    }
    if (takes_value(name)) {
      if (!has_inline) {
        if (i + 1 >= argv.size()) return Status::InvalidArgument(name + " needs a value");
        value = argv[++i];
      }
      args.flags_[name] = value;
    } else if (is_switch(name) && !has_inline) {
      args.flags_[name] = "";
    } else {
      return Status::InvalidArgument("unknown option " + name);
    }
  }
  return args;
}

std::optional<std::string> Args::Get(const std::string& flag) const {
  auto it = flags_.find(flag);
  if (it == flags_.end()) return std::nullopt;
  return it->second;
}

Result<std::string> Context::VaultDir() const {
  if (global_.vault_dir) return *global_.vault_dir;
  if (const char* env = std::getenv("CASEBOARD_VAULT"); env != nullptr && env[0] != '\0')
    return std::string(env);
  return platform::DefaultVaultDir();
}

static crypto::SecureBytes TakeSecret(std::string& s) {
  crypto::SecureBytes out(AsBytes(s));
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
  return out;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

Result<crypto::SecureBytes> ReadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read the passphrase file " + path);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return Status::InvalidArgument("the passphrase file " + path + " is empty");
  return TakeSecret(line);
}

Result<crypto::SecureBytes> Context::Passphrase(const std::string& prompt) const {
  if (global_.passphrase_file) return ReadSecretFile(*global_.passphrase_file);
  if (const char* env = std::getenv("CASEBOARD_PASSPHRASE"); env != nullptr && env[0] != '\0') {
    return crypto::SecureBytes(AsBytes(env));
  }
  CB_ASSIGN_OR_RETURN(std::string line, platform::ReadSecretLine(prompt));
  return TakeSecret(line);
}

Result<crypto::SecureBytes> Context::NewPassphrase(const std::optional<std::string>& file,
                                                   const char* env_var) const {
  crypto::SecureBytes chosen;
  if (file) {
    CB_ASSIGN_OR_RETURN(chosen, ReadSecretFile(*file));
  } else if (const char* env = std::getenv(env_var); env != nullptr && env[0] != '\0') {
    chosen = crypto::SecureBytes(AsBytes(env));
  } else {
    CB_ASSIGN_OR_RETURN(std::string first, platform::ReadSecretLine("New passphrase: "));
    CB_ASSIGN_OR_RETURN(std::string second, platform::ReadSecretLine("Repeat the new passphrase: "));
    bool same = first == second;
    OPENSSL_cleanse(second.data(), second.size());
    if (!same) {
      OPENSSL_cleanse(first.data(), first.size());
      return Status::InvalidArgument("the two passphrases differ; nothing was changed");
    }
    chosen = TakeSecret(first);
  }
  if (chosen.size() < 8)
    return Status::InvalidArgument(
        "the new passphrase is too short: use at least 8 characters (a few random words are best)");
  return chosen;
}

// "vault remember on" left a device slot in the vault and its secret in the
// system key store: unlock with that and do not ask. Any failure falls back
// to the passphrase, which always works; only a secret that no longer fits
// is worth a note, since the person may want to turn remembering off.
static bool UnlockRemembered(store::Vault& vault) {
  Status s = platform::UnlockRemembered(vault);
  if (s.IsAuthFailed()) std::cerr << "caseboard-cli: " << s.message() << "\n";
  return s.ok();
}

Result<std::unique_ptr<store::Vault>> Context::OpenUnlocked() const {
  CB_ASSIGN_OR_RETURN(std::string dir, VaultDir());
  CB_ASSIGN_OR_RETURN(auto vault, store::Vault::Open(dir));
  if (UnlockRemembered(*vault)) return vault;
  CB_ASSIGN_OR_RETURN(crypto::SecureBytes pass, Passphrase("Passphrase for " + dir + ": "));
  CB_RETURN_IF_ERROR(vault->Unlock(pass.view()));
  return vault;
}

review::ReplicaOptions Context::ReplicaOptions() const { return domain::ScrReplicaOptions(); }

Result<domain::WorkingCalendar> Context::Calendar() const {
  domain::WorkingCalendar calendar = domain::WorkingCalendar::EnglandAndWales();
  CB_ASSIGN_OR_RETURN(std::string dir, VaultDir());
  std::ifstream in(dir + "/" + kHolidaysFile);
  if (!in) return calendar;  // no local additions
  nlohmann::json table = nlohmann::json::parse(in, nullptr, false);
  if (table.is_discarded())
    return Status::Corruption(dir + "/" + kHolidaysFile + " is not valid JSON; fix or remove it");
  CB_RETURN_IF_ERROR(calendar.LoadExceptions(table).WithContext(dir + "/" + kHolidaysFile));
  return calendar;
}

Result<domain::Date> Today(const std::optional<std::string>& override_date) {
  if (override_date) return domain::ParseDate(*override_date);
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return domain::Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
}

// Parses "field=value" arguments against the schema for `type`. Set fields
// take comma-separated elements.
Result<std::map<std::string, nlohmann::json>> ParseAssignments(const crdt::Schema& schema,
                                                               const std::string& type,
                                                               const std::vector<std::string>& args) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& a : args) {
    size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      return Status::InvalidArgument("expected field=value, got '" + a + "'");
    std::string field = a.substr(0, eq), text = a.substr(eq + 1);
    const crdt::FieldDef* def = schema.Field(type, field);
    if (def && crdt::IsSet(def->type)) {
      nlohmann::json elements = nlohmann::json::array();
      for (const auto& el : SplitList(text)) {
        CB_RETURN_IF_ERROR(schema.CheckValue(type, field, el));
        elements.push_back(el);
      }
      out[field] = elements;
      continue;
    }
    CB_ASSIGN_OR_RETURN(out[field], schema.ParseValue(type, field, text));
  }
  return out;
}

std::string ValueText(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

Result<std::unique_ptr<review::Replica>> Context::OpenReview(store::Vault& vault,
                                                             const std::string& id) const {
  return review::Replica::Open(vault, id, ReplicaOptions());
}

int Fail(const Status& status) {
  std::cerr << "caseboard-cli: " << status.message() << "\n";
  return kExitFailed;
}

int UsageError(const std::string& command, const std::string& message) {
  std::cerr << "caseboard-cli " << command << ": " << message << " (see 'caseboard-cli " << command
            << " --help')\n";
  return kExitUsage;
}

}  // namespace caseboard::cli
