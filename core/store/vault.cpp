#include "caseboard/store/vault.h"

#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"
#include "schema.h"
#include "vault_impl.h"

namespace caseboard::store {

using crypto::SecureBytes;
using internal::Db;
using internal::Stmt;
using internal::Transaction;

namespace {

constexpr char kDbFile[] = "vault.db";
constexpr char kLockFile[] = "vault.lock";
constexpr char kFormat[] = "caseboard-vault";
constexpr size_t kVaultIdSize = 16;
constexpr size_t kSaltSize = 32;

std::string DbPath(const std::string& dir) { return (std::filesystem::path(dir) / kDbFile).string(); }
// The app and the CLI both open vaults; say which may be holding this one.
constexpr char kBusyMessage[] = "the vault is open in another Caseboard process (the app or caseboard-cli)";

std::string LockPath(const std::string& dir) { return (std::filesystem::path(dir) / kLockFile).string(); }

Status ApplyPragmas(Db& db) {
  // WAL for crash safety with concurrent readers; synchronous=FULL so a write
  // reported committed survives power loss, not only a crash: field notes
  // typed on a laptop that then dies must still be there. secure_delete zeroes
  // freed pages; temp_store keeps sort spills and temp tables in memory.
  return db.Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
      "PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=ON;");
}

Result<Bytes> ReadMeta(Db& db, const char* key) {
  CB_ASSIGN_OR_RETURN(Stmt st, db.Prepare("SELECT value FROM meta WHERE key = ?1"));
  st.Bind(1, std::string_view(key));
  CB_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Corruption(std::string("vault is missing its '") + key + "' entry");
  ByteView v = st.Blob(0);
  return Bytes(v.begin(), v.end());
}

Status WriteMeta(Db& db, const char* key, ByteView value) {
  CB_ASSIGN_OR_RETURN(Stmt st, db.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"));
  return st.Bind(1, std::string_view(key)).Bind(2, value).Run();
}

struct KdfRecord {
  crypto::ScryptParams params;
  Bytes salt;
};

Bytes EncodeKdf(const KdfRecord& k) {
  nlohmann::json j = {
      {"alg", "scrypt"}, {"n", k.params.n}, {"r", k.params.r}, {"p", k.params.p}, {"salt", ToHex(k.salt)}};
  std::string s = j.dump();
  return Bytes(s.begin(), s.end());
}

Result<KdfRecord> DecodeKdf(ByteView bytes) {
  auto j = nlohmann::json::parse(AsString(bytes), nullptr, /*allow_exceptions=*/false);
  KdfRecord k;
  if (!j.is_object() || j.value("alg", "") != "scrypt" || !j["n"].is_number_unsigned() ||
      !j["r"].is_number_unsigned() || !j["p"].is_number_unsigned() || !j["salt"].is_string())
    return Status::Corruption("the vault's key-derivation parameters are damaged");
  k.params.n = j["n"].get<uint64_t>();
  k.params.r = j["r"].get<uint32_t>();
  k.params.p = j["p"].get<uint32_t>();
  auto salt = FromHex(j["salt"].get<std::string>());
  if (!salt || salt->size() < 16) return Status::Corruption("the vault's passphrase salt is damaged");
  k.salt = std::move(*salt);
  if (!k.params.Validate().ok())
    return Status::Corruption("the vault's key-derivation parameters are out of range: " +
                              k.params.Validate().message());
  return k;
}

// The wrapped vault key is bound to the vault id and to the exact KDF record,
// so parameters cannot be swapped for weaker ones without the wrap failing.
Bytes VaultKeyAad(ByteView vault_id, ByteView kdf_record) {
  Bytes aad;
  AppendLengthPrefixed(aad, std::string_view("caseboard/vault-key/v1"));
  AppendLengthPrefixed(aad, vault_id);
  AppendLengthPrefixed(aad, kdf_record);
  return aad;
}

Bytes DeviceKeysAad(ByteView vault_id) {
  Bytes aad;
  AppendLengthPrefixed(aad, std::string_view("caseboard/device-keys/v1"));
  AppendLengthPrefixed(aad, vault_id);
  return aad;
}

Result<Bytes> WrapVaultKey(const SecureBytes& vault_key, ByteView passphrase, const KdfRecord& kdf,
                           ByteView vault_id, Bytes& kdf_encoded) {
  kdf_encoded = EncodeKdf(kdf);
  CB_ASSIGN_OR_RETURN(SecureBytes kek,
                      crypto::Scrypt(passphrase, kdf.salt, kdf.params, crypto::kAeadKeySize));
  return crypto::AeadSeal(kek, vault_key.view(), VaultKeyAad(vault_id, kdf_encoded));
}

// The device unlock slot ("remember on this device") is one more row in the
// meta table: the vault key sealed under a key derived from a random device
// secret that the caller keeps in the OS key store. It needs no migration:
// meta is a key-value table, every build reads only the keys it knows, and a
// vault without the row simply has no slot. The schema version counts table
// changes, not meta rows; an older build opens a vault that has the row and
// leaves it alone (its ChangePassphrase rewraps the same vault key, so the
// slot stays valid).
constexpr char kDeviceSlot[] = "device_unlock";
constexpr size_t kDeviceSecretSize = 32;

// HKDF rather than the secret itself: the secret is full-entropy, so no
// stretching is needed, but the derivation binds the key to this vault and
// to this one use.
Result<SecureBytes> DeviceSlotKey(ByteView secret, ByteView vault_id) {
  return crypto::Hkdf(secret, vault_id, AsBytes("caseboard/device-unlock-key/v1"), crypto::kAeadKeySize);
}

Bytes DeviceSlotAad(ByteView vault_id) {
  Bytes aad;
  AppendLengthPrefixed(aad, std::string_view("caseboard/device-unlock/v1"));
  AppendLengthPrefixed(aad, vault_id);
  return aad;
}

Status CheckPassphrase(ByteView passphrase) {
  if (passphrase.empty()) return Status::InvalidArgument("the passphrase is empty");
  return Status::Ok();
}

}  // namespace

Status Vault::Impl::RequireUnlocked() const {
  if (!vault_key) return Status::Locked("the vault is locked; unlock it with your passphrase first");
  return Status::Ok();
}

Result<const SecureBytes*> Vault::Impl::Key(KeyPurpose purpose, std::string_view review) const {
  CB_RETURN_IF_ERROR(RequireUnlocked());
  auto slot = std::make_pair(static_cast<int>(purpose), std::string(review));
  auto it = derived.find(slot);
  if (it != derived.end()) return &it->second;
  static const char* kInfo[] = {"caseboard/records/v1", "caseboard/attachment-chunks/v1",
                                "caseboard/attachment-ids/v1"};
  Bytes info;
  AppendLengthPrefixed(info, std::string_view(kInfo[static_cast<int>(purpose)]));
  AppendLengthPrefixed(info, review);
  CB_ASSIGN_OR_RETURN(SecureBytes key, crypto::Hkdf(vault_key->view(), vault_id, info, crypto::kAeadKeySize));
  return &derived.emplace(std::move(slot), std::move(key)).first->second;
}

Status Vault::Impl::SetDeviceKeys(crypto::Ed25519KeyPair signing_keys, crypto::X25519KeyPair sealing_keys) {
  CB_ASSIGN_OR_RETURN(crypto::Ed25519Signer loaded,
                      crypto::Ed25519Signer::FromSeed(signing_keys.seed.view()));
  signer = std::move(loaded);
  signing = std::move(signing_keys);
  sealing = std::move(sealing_keys);
  return Status::Ok();
}

void Vault::Impl::WipeKeys() {
  vault_key.reset();  // SecureBytes destructors cleanse
  signer.reset();     // EVP_PKEY_free cleanses the private key
  signing.reset();
  sealing.reset();
  derived.clear();
}

Vault::Vault(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Vault::~Vault() { Lock(); }

bool Vault::Exists(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(DbPath(dir), ec);
}

Result<std::unique_ptr<Vault>> Vault::Create(const std::string& dir, ByteView passphrase,
                                             const CreateOptions& options) {
  CB_RETURN_IF_ERROR(CheckPassphrase(passphrase));
  CB_RETURN_IF_ERROR(options.kdf.Validate());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create the vault folder " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);  // the folder itself is private to this user
  if (Exists(dir)) return Status::AlreadyExists("there is already a vault in " + dir);

  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  CB_ASSIGN_OR_RETURN(impl->lock, FileLock::Acquire(LockPath(dir), kBusyMessage));
  auto db = Db::Open(DbPath(dir), /*create=*/true);
  if (!db.ok()) return db.status();
  impl->db = std::move(db).value();

  // From here on a failure leaves a half-made file; remove it so that a retry
  // of `init` is not told a vault already exists.
  auto fail = [&](const Status& s) -> Status {
    impl->db.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(DbPath(dir) + suffix, ec);
    return s;
  };
  Status s = ApplyPragmas(*impl->db);
  if (s.ok()) s = internal::Migrate(*impl->db);
  if (!s.ok()) return fail(s);

  impl->vault_id = crypto::RandomBytes(kVaultIdSize);
  impl->kdf = options.kdf;
  KdfRecord kdf{options.kdf, crypto::RandomBytes(kSaltSize)};
  SecureBytes vault_key = SecureBytes::Random(crypto::kAeadKeySize);
  Bytes kdf_encoded;
  auto wrapped = WrapVaultKey(vault_key, passphrase, kdf, impl->vault_id, kdf_encoded);
  if (!wrapped.ok()) return fail(wrapped.status());

  auto signing = crypto::Ed25519Generate();
  auto sealing = crypto::X25519Generate();
  if (!signing.ok()) return fail(signing.status());
  if (!sealing.ok()) return fail(sealing.status());
  SecureBytes device_secret(64);
  std::copy_n(signing->seed.data(), 32, device_secret.data());
  std::copy_n(sealing->private_key.data(), 32, device_secret.data() + 32);
  auto sealed_device = crypto::AeadSeal(vault_key, device_secret.view(), DeviceKeysAad(impl->vault_id));
  if (!sealed_device.ok()) return fail(sealed_device.status());

  {
    auto txn = Transaction::Begin(*impl->db);
    if (!txn.ok()) return fail(txn.status());
    for (auto [key, value] : {std::pair<const char*, ByteView>{"format", AsBytes(kFormat)},
                              {"vault_id", impl->vault_id},
                              {"kdf", kdf_encoded},
                              {"vault_key", *wrapped},
                              {"device_keys", *sealed_device}}) {
      s = WriteMeta(*impl->db, key, value);
      if (!s.ok()) return fail(s);
    }
    s = (*txn)->Commit();
    if (!s.ok()) return fail(s);
  }

  impl->vault_key = std::move(vault_key);
  s = impl->SetDeviceKeys(std::move(signing).value(), std::move(sealing).value());
  if (!s.ok()) return fail(s);
  return std::unique_ptr<Vault>(new Vault(std::move(impl)));
}

Result<std::unique_ptr<Vault>> Vault::Open(const std::string& dir) {
  if (!Exists(dir))
    return Status::NotFound("there is no vault in " + dir + "; create one with 'caseboard-cli init'");
  std::error_code ec;
  if (std::filesystem::file_size(DbPath(dir), ec) == 0 && !ec)
    return Status::Corruption(
        "the vault file " + DbPath(dir) +
        " is empty: it was truncated; restore it from a backup or re-sync it from the board");
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  CB_ASSIGN_OR_RETURN(impl->lock, FileLock::Acquire(LockPath(dir), kBusyMessage));
  CB_ASSIGN_OR_RETURN(impl->db, Db::Open(DbPath(dir), /*create=*/false));
  Db& db = *impl->db;
  CB_RETURN_IF_ERROR(ApplyPragmas(db));
  CB_ASSIGN_OR_RETURN(int version, internal::ReadSchemaVersion(db));
  if (version == 0) return Status::InvalidArgument(DbPath(dir) + " is not a Caseboard vault");
  CB_RETURN_IF_ERROR(internal::Migrate(db));

  {
    CB_ASSIGN_OR_RETURN(Stmt st, db.Prepare("SELECT value FROM meta WHERE key = 'format'"));
    CB_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || AsString(st.Blob(0)) != kFormat)
      return Status::InvalidArgument(DbPath(dir) + " is not a Caseboard vault");
  }
  CB_ASSIGN_OR_RETURN(impl->vault_id, ReadMeta(db, "vault_id"));
  if (impl->vault_id.size() != kVaultIdSize) return Status::Corruption("the vault's id entry is damaged");
  CB_ASSIGN_OR_RETURN(Bytes kdf_bytes, ReadMeta(db, "kdf"));
  CB_ASSIGN_OR_RETURN(KdfRecord kdf, DecodeKdf(kdf_bytes));
  impl->kdf = kdf.params;
  // Chunks of uploads that never finished belong to no attachment.
  CB_RETURN_IF_ERROR(
      db.Exec("DELETE FROM attachment_chunks WHERE blob NOT IN (SELECT blob FROM attachments)"));
  return std::unique_ptr<Vault>(new Vault(std::move(impl)));
}

// Derives the passphrase key with the stored parameters and unwraps the vault
// key. Reads only; a wrong passphrase changes nothing.
static Result<SecureBytes> UnwrapVaultKey(Db& db, ByteView vault_id, ByteView passphrase,
                                          crypto::ScryptParams* params_out) {
  CB_ASSIGN_OR_RETURN(Bytes kdf_bytes, ReadMeta(db, "kdf"));
  CB_ASSIGN_OR_RETURN(KdfRecord kdf, DecodeKdf(kdf_bytes));
  CB_ASSIGN_OR_RETURN(Bytes wrapped, ReadMeta(db, "vault_key"));
  CB_ASSIGN_OR_RETURN(SecureBytes kek,
                      crypto::Scrypt(passphrase, kdf.salt, kdf.params, crypto::kAeadKeySize));
  auto vault_key = crypto::AeadOpen(kek, wrapped, VaultKeyAad(vault_id, kdf_bytes));
  if (!vault_key.ok() || vault_key->size() != crypto::kAeadKeySize)
    return Status::AuthFailed("wrong passphrase");
  if (params_out) *params_out = kdf.params;
  return vault_key;
}

// With the vault key in hand (from either slot), opens the device's identity
// keys and keeps both; the two ways to unlock share everything after the unwrap.
static Status InstallVaultKey(Vault::Impl& impl, SecureBytes vault_key) {
  CB_ASSIGN_OR_RETURN(Bytes sealed_device, ReadMeta(*impl.db, "device_keys"));
  auto device_keys = crypto::AeadOpen(vault_key, sealed_device, DeviceKeysAad(impl.vault_id));
  if (!device_keys.ok() || device_keys->size() != 64)
    return Status::Corruption("the vault key opened but the device keys entry is damaged");
  CB_ASSIGN_OR_RETURN(auto signing, crypto::Ed25519FromSeed(device_keys->view().first(32)));
  CB_ASSIGN_OR_RETURN(auto sealing, crypto::X25519FromPrivate(device_keys->view().subspan(32)));
  CB_RETURN_IF_ERROR(impl.SetDeviceKeys(std::move(signing), std::move(sealing)));
  impl.vault_key = std::move(vault_key);
  return Status::Ok();
}

Status Vault::Unlock(ByteView passphrase) {
  if (impl_->vault_key) return Status::Ok();
  crypto::ScryptParams params;
  CB_ASSIGN_OR_RETURN(SecureBytes vault_key,
                      UnwrapVaultKey(*impl_->db, impl_->vault_id, passphrase, &params));
  CB_RETURN_IF_ERROR(InstallVaultKey(*impl_, std::move(vault_key)));
  impl_->kdf = params;
  return Status::Ok();
}

Result<SecureBytes> Vault::EnableDeviceUnlock() {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  SecureBytes secret = SecureBytes::Random(kDeviceSecretSize);
  CB_ASSIGN_OR_RETURN(SecureBytes slot_key, DeviceSlotKey(secret.view(), impl_->vault_id));
  CB_ASSIGN_OR_RETURN(Bytes wrapped,
                      crypto::AeadSeal(slot_key, impl_->vault_key->view(), DeviceSlotAad(impl_->vault_id)));
  CB_RETURN_IF_ERROR(WriteMeta(*impl_->db, kDeviceSlot, wrapped));
  return secret;
}

Status Vault::UnlockWithDeviceSecret(ByteView secret) {
  Db& db = *impl_->db;
  if (!HasDeviceUnlock())
    return Status::NotFound("this vault is not remembered on this device; unlock it with your passphrase");
  CB_ASSIGN_OR_RETURN(Bytes wrapped, ReadMeta(db, kDeviceSlot));
  // Checked even when already unlocked, unlike the passphrase (whose check
  // costs a scrypt run): a caller handing in a stale secret should learn so.
  Result<SecureBytes> opened = Status::AuthFailed("a device secret is 32 bytes");
  if (secret.size() == kDeviceSecretSize) {
    CB_ASSIGN_OR_RETURN(SecureBytes slot_key, DeviceSlotKey(secret, impl_->vault_id));
    opened = crypto::AeadOpen(slot_key, wrapped, DeviceSlotAad(impl_->vault_id));
  }
  if (!opened.ok() || opened->size() != crypto::kAeadKeySize)
    return Status::AuthFailed(
        "the secret remembered on this device does not open this vault (it is stale or belongs to "
        "another vault); unlock with your passphrase");
  if (impl_->vault_key) return Status::Ok();
  return InstallVaultKey(*impl_, std::move(opened).value());
}

Status Vault::DisableDeviceUnlock() {
  CB_ASSIGN_OR_RETURN(Stmt st, impl_->db->Prepare("DELETE FROM meta WHERE key = ?1"));
  return st.Bind(1, std::string_view(kDeviceSlot)).Run();
}

bool Vault::HasDeviceUnlock() const {
  auto st = impl_->db->Prepare("SELECT 1 FROM meta WHERE key = ?1");
  if (!st.ok()) return false;
  st->Bind(1, std::string_view(kDeviceSlot));
  auto row = st->Step();
  return row.ok() && *row;
}

std::string Vault::id() const { return ToHex(impl_->vault_id); }

void Vault::Lock() {
  if (impl_) impl_->WipeKeys();
}

bool Vault::is_unlocked() const { return impl_->vault_key.has_value(); }

Status Vault::ChangePassphrase(ByteView old_passphrase, ByteView new_passphrase,
                               std::optional<crypto::ScryptParams> new_params) {
  CB_RETURN_IF_ERROR(CheckPassphrase(new_passphrase));
  crypto::ScryptParams params = new_params.value_or(impl_->kdf);
  CB_RETURN_IF_ERROR(params.Validate());
  Db& db = *impl_->db;
  // Always check the old passphrase, even when unlocked: someone at an
  // unlocked, unattended laptop must not be able to take the vault over.
  CB_ASSIGN_OR_RETURN(SecureBytes vault_key, UnwrapVaultKey(db, impl_->vault_id, old_passphrase, nullptr));

  KdfRecord kdf{params, crypto::RandomBytes(kSaltSize)};
  Bytes kdf_encoded;
  CB_ASSIGN_OR_RETURN(Bytes rewrapped,
                      WrapVaultKey(vault_key, new_passphrase, kdf, impl_->vault_id, kdf_encoded));
  CB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  CB_RETURN_IF_ERROR(WriteMeta(db, "kdf", kdf_encoded));
  CB_RETURN_IF_ERROR(WriteMeta(db, "vault_key", rewrapped));
  CB_RETURN_IF_ERROR(txn->Commit());
  impl_->kdf = params;
  return Status::Ok();
}

const std::string& Vault::dir() const { return impl_->dir; }
crypto::ScryptParams Vault::kdf_params() const { return impl_->kdf; }
int Vault::schema_version() const { return internal::kSchemaVersion; }

Result<DeviceIdentity> Vault::Identity() const {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  return DeviceIdentity::FromKeys(impl_->signing->public_key, impl_->sealing->public_key);
}

Result<crypto::Ed25519Signature> Vault::SignAsDevice(ByteView message) const {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  return impl_->signer->Sign(message);
}

Result<SecureBytes> Vault::OpenSealedToDevice(ByteView sealed, ByteView aad) const {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  return crypto::OpenSealed(*impl_->sealing, sealed, aad);
}

}  // namespace caseboard::store
