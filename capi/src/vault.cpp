// Vaults through the C API: create, open, unlock, lock, close (caseboard.h).
#include <cstring>
#include <ctime>
#include <fstream>

#include "handles.h"

namespace caseboard::capi {

std::shared_ptr<ReviewSlot> VaultState::Slot(const std::string& id) {
  if (auto live = slots[id].lock()) return live;
  auto slot = std::make_shared<ReviewSlot>();
  slot->id = id;
  slots[id] = slot;
  return slot;
}

Status VaultState::Ensure(ReviewSlot& slot) {
  if (slot.replica) return Status::Ok();
  if (!vault->is_unlocked()) return Status::Locked("the vault is locked; unlock it first");
  CB_ASSIGN_OR_RETURN(slot.replica, review::Replica::Open(*vault, slot.id, domain::ScrReplicaOptions()));
  slot.scr = std::make_unique<domain::ScrReview>(*slot.replica);
  return Status::Ok();
}

Status VaultState::CloseReplicas() {
  Status first;
  for (auto it = slots.begin(); it != slots.end();) {
    if (auto slot = it->second.lock()) {
      if (slot->replica) {
        Status s = slot->replica->FlushText();
        if (first.ok() && !s.ok()) first = s.WithContext("signing the text edits of review " + slot->id);
        slot->scr.reset();
        slot->replica.reset();
      }
      ++it;
    } else {
      it = slots.erase(it);
    }
  }
  return first;
}

VaultState::~VaultState() {
  // Review handles hold this state, so none is left; the vault's destructor wipes its keys.
  vault.reset();
}

Result<domain::ReadContext> ContextFor(const store::Vault& vault, const nlohmann::json& params) {
  domain::ReadContext ctx;
  if (params.is_object() && params.contains("today")) {
    if (!params["today"].is_string()) return Status::InvalidArgument("'today' must be a date, YYYY-MM-DD");
    CB_ASSIGN_OR_RETURN(ctx.today, domain::ParseDate(params["today"].get<std::string>()));
  } else {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    ctx.today = domain::Date{local.tm_year + 1900, local.tm_mon + 1, local.tm_mday};
  }
  // Local additions to the bank holidays, kept beside the vault by caseboard-cli.
  std::string path = vault.dir() + "/holidays.json";
  std::ifstream in(path);
  if (in) {
    nlohmann::json table = nlohmann::json::parse(in, nullptr, false);
    if (table.is_discarded()) return Status::Corruption(path + " is not valid JSON; fix or remove it");
    CB_RETURN_IF_ERROR(ctx.calendar.LoadExceptions(table).WithContext(path));
  }
  return ctx;
}

Result<nlohmann::json> ParseJson(const char* text, const char* what) {
  if (!text) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument(std::string(what) + " is not valid JSON");
  return j;
}

namespace {

ByteView Secret(const uint8_t* p, size_t n) { return ByteView(p, n); }

caseboard_vault* NewHandle(std::unique_ptr<store::Vault> vault) {
  auto* handle = new caseboard_vault;
  handle->state = std::make_shared<VaultState>();
  handle->state->vault = std::move(vault);
  return handle;
}

}  // namespace
}  // namespace caseboard::capi

using namespace caseboard;
using namespace caseboard::capi;

extern "C" {

caseboard_status caseboard_vault_create(const char* dir, const uint8_t* passphrase, size_t passphrase_size,
                                        const caseboard_kdf_params* kdf, caseboard_vault** out,
                                        char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(dir, "dir"));
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    if (!passphrase && passphrase_size) return Status::InvalidArgument("the passphrase is NULL");
    *out = nullptr;
    store::Vault::CreateOptions options;
    if (kdf) options.kdf = crypto::ScryptParams{kdf->scrypt_n, kdf->scrypt_r, kdf->scrypt_p};
    CB_ASSIGN_OR_RETURN(auto vault, store::Vault::Create(dir, Secret(passphrase, passphrase_size), options));
    *out = NewHandle(std::move(vault));
    return Status::Ok();
  });
}

caseboard_status caseboard_vault_open(const char* dir, caseboard_vault** out, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(dir, "dir"));
    CB_RETURN_IF_ERROR(NotNull(out, "out"));
    *out = nullptr;
    CB_ASSIGN_OR_RETURN(auto vault, store::Vault::Open(dir));
    *out = NewHandle(std::move(vault));
    return Status::Ok();
  });
}

caseboard_status caseboard_vault_unlock(caseboard_vault* vault, const uint8_t* passphrase,
                                        size_t passphrase_size, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(vault, "the vault handle"));
    if (!passphrase && passphrase_size) return Status::InvalidArgument("the passphrase is NULL");
    std::lock_guard<std::mutex> lock(vault->state->mu);
    return vault->state->vault->Unlock(Secret(passphrase, passphrase_size));
  });
}

caseboard_status caseboard_vault_lock(caseboard_vault* vault, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(vault, "the vault handle"));
    std::lock_guard<std::mutex> lock(vault->state->mu);
    Status flushed = vault->state->CloseReplicas();
    vault->state->vault->Lock();  // even if a text edit could not be signed: keys go now
    return flushed;
  });
}

int caseboard_vault_is_unlocked(caseboard_vault* vault) {
  if (!vault) return 0;
  try {
    std::lock_guard<std::mutex> lock(vault->state->mu);
    return vault->state->vault->is_unlocked() ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

caseboard_status caseboard_vault_wipe(const char* dir, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(dir, "the vault folder"));
    return store::WipeVault(dir);
  });
}

void caseboard_vault_close(caseboard_vault* vault) {
  // Review and sync handles hold the state too: the vault closes with the last of them.
  delete vault;
}

caseboard_status caseboard_vault_device(caseboard_vault* vault, char** identity, char** error) {
  return Guard(error, [&]() -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(vault, "the vault handle"));
    CB_RETURN_IF_ERROR(NotNull(identity, "identity"));
    std::lock_guard<std::mutex> lock(vault->state->mu);
    CB_ASSIGN_OR_RETURN(auto id, vault->state->vault->Identity());
    *identity = CopyString(id.ToLine());
    return Status::Ok();
  });
}

}  // extern "C"
