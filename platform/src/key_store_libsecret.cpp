// KeyStore on Linux: the freedesktop.org Secret Service (GNOME Keyring,
// KWallet, KeePassXC) through libsecret's synchronous "password" API.
//
// Secrets travel as binary SecretValues, so no encoding step leaves a text
// copy behind. libsecret keeps them in its non-pageable memory and wipes
// them when the value is unreferenced; what we hand back is a SecureBytes,
// wiped in its turn.
#include <libsecret/secret.h>

#include <memory>

#include "caseboard/platform/platform.h"

namespace caseboard::platform {
namespace {

// Items are found by schema name plus the "vault" attribute. A function-local
// constant rather than a brace-initialised global: SecretSchema has reserved
// fields that must be zero.
const SecretSchema* Schema() {
  static const SecretSchema schema = [] {
    SecretSchema s{};
    s.name = "org.caseboard.VaultKey";
    s.flags = SECRET_SCHEMA_NONE;
    s.attributes[0] = {"vault", SECRET_SCHEMA_ATTRIBUTE_STRING};
    return s;  // attributes[1] stays {nullptr, ...}, ending the list
  }();
  return &schema;
}

struct GErrorFree {
  void operator()(GError* e) const { g_error_free(e); }
};
struct SecretValueUnref {
  void operator()(SecretValue* v) const { secret_value_unref(v); }
};

// Owns the GError a libsecret call may set, and turns it into a Status.
class ErrorOut {
 public:
  GError** out() { return &raw_; }
  bool set() const { return raw_ != nullptr; }
  // "<doing> failed: <libsecret's reason>"
  Status ToStatus(const std::string& doing) {
    std::unique_ptr<GError, GErrorFree> owned(raw_);
    raw_ = nullptr;
    return Status::IOError(doing + " failed: " + (owned ? owned->message : "no reason given"));
  }
  ErrorOut() = default;
  ~ErrorOut() {
    if (raw_) g_error_free(raw_);
  }
  ErrorOut(const ErrorOut&) = delete;
  ErrorOut& operator=(const ErrorOut&) = delete;

 private:
  GError* raw_ = nullptr;
};

Status CheckVaultId(const std::string& vault_id) {
  if (vault_id.empty()) return Status::InvalidArgument("the key store needs a vault id; it was empty");
  return Status::Ok();
}

}  // namespace

Status KeyStore::Available() {
  // Opening a session reaches the service itself (starting it by D-Bus
  // activation if the desktop provides that), not only the bus, so "available"
  // means a store call would get an answer.
  ErrorOut error;
  SecretService* service = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, nullptr, error.out());
  if (service == nullptr || error.set()) {
    if (service) g_object_unref(service);
    return error.ToStatus(
        "reaching the system key store (the Secret Service: is a keyring such as GNOME Keyring running "
        "in this session?)");
  }
  g_object_unref(service);
  return Status::Ok();
}

Status KeyStore::Store(const std::string& vault_id, const std::string& label, ByteView secret) {
  CB_RETURN_IF_ERROR(CheckVaultId(vault_id));
  std::unique_ptr<SecretValue, SecretValueUnref> value(
      secret_value_new(reinterpret_cast<const gchar*>(secret.data()), static_cast<gssize>(secret.size()),
                       "application/octet-stream"));
  ErrorOut error;
  gboolean stored =
      secret_password_store_binary_sync(Schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), value.get(),
                                        nullptr, error.out(), "vault", vault_id.c_str(), nullptr);
  if (!stored || error.set())
    return error.ToStatus("storing the vault's device secret in the system key store");
  return Status::Ok();
}

Result<crypto::SecureBytes> KeyStore::Lookup(const std::string& vault_id) {
  CB_RETURN_IF_ERROR(CheckVaultId(vault_id));
  ErrorOut error;
  std::unique_ptr<SecretValue, SecretValueUnref> value(
      secret_password_lookup_binary_sync(Schema(), nullptr, error.out(), "vault", vault_id.c_str(), nullptr));
  if (error.set()) return error.ToStatus("looking up the vault's device secret in the system key store");
  if (!value) return Status::NotFound("the system key store holds no secret for vault " + vault_id);
  gsize size = 0;
  const gchar* data = secret_value_get(value.get(), &size);
  return crypto::SecureBytes(reinterpret_cast<const uint8_t*>(data), size);
}

Status KeyStore::Remove(const std::string& vault_id) {
  CB_RETURN_IF_ERROR(CheckVaultId(vault_id));
  ErrorOut error;
  // FALSE without an error means there was nothing to remove: fine.
  secret_password_clear_sync(Schema(), nullptr, error.out(), "vault", vault_id.c_str(), nullptr);
  if (error.set()) return error.ToStatus("removing the vault's device secret from the system key store");
  return Status::Ok();
}

}  // namespace caseboard::platform
