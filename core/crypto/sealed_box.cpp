#include "caseboard/crypto/sealed_box.h"

#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/kdf.h"
#include "evp_key.h"

namespace caseboard::crypto {
using internal::Pkey;
using internal::PkeyCtx;

namespace {
constexpr char kSealInfo[] = "caseboard/sealed-box/v1";

Result<SecureBytes> BoxKey(const SecureBytes& shared, ByteView eph_pub, ByteView recipient_pub) {
  Bytes salt(eph_pub.begin(), eph_pub.end());
  salt.insert(salt.end(), recipient_pub.begin(), recipient_pub.end());
  return Hkdf(shared.view(), salt, AsBytes(kSealInfo), kAeadKeySize);
}
}  // namespace

Result<X25519KeyPair> X25519FromPrivate(ByteView private_key) {
  if (private_key.size() != kX25519KeySize)
    return Status::InvalidArgument("an X25519 private key is 32 bytes");
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), private_key.size()));
  if (!key) return Status::Internal("OpenSSL could not load an X25519 private key");
  X25519KeyPair pair;
  pair.private_key = SecureBytes(private_key);
  size_t len = pair.public_key.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), pair.public_key.data(), &len) != 1 || len != kX25519KeySize)
    return Status::Internal("OpenSSL could not derive the X25519 public key");
  return pair;
}

Result<X25519KeyPair> X25519Generate() {
  SecureBytes priv = SecureBytes::Random(kX25519KeySize);
  return X25519FromPrivate(priv.view());
}

Result<SecureBytes> X25519(const SecureBytes& private_key, ByteView peer_public_key) {
  if (private_key.size() != kX25519KeySize || peer_public_key.size() != kX25519KeySize)
    return Status::InvalidArgument("X25519 keys are 32 bytes");
  Pkey ours(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, private_key.data(), private_key.size()));
  Pkey peer(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, peer_public_key.data(), peer_public_key.size()));
  if (!ours || !peer) return Status::InvalidArgument("X25519 key could not be loaded");
  PkeyCtx ctx(EVP_PKEY_CTX_new(ours.get(), nullptr));
  SecureBytes shared(kX25519KeySize);
  size_t len = shared.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1 || len != kX25519KeySize) {
    // OpenSSL refuses an all-zero result itself; report it as the bad peer key it is.
    return Status::InvalidArgument("X25519 agreement failed: the peer's public key is invalid");
  }
  static const uint8_t kZero[kX25519KeySize] = {};
  if (shared.Equals(ByteView(kZero, sizeof kZero)))
    return Status::InvalidArgument(
        "X25519 agreement gave the all-zero secret: the peer's public key is invalid");
  return shared;
}

Result<Bytes> SealTo(ByteView recipient_public_key, ByteView plaintext, ByteView aad) {
  if (recipient_public_key.size() != kX25519KeySize)
    return Status::InvalidArgument("an X25519 public key is 32 bytes");
  CB_ASSIGN_OR_RETURN(X25519KeyPair eph, X25519Generate());
  CB_ASSIGN_OR_RETURN(SecureBytes shared, X25519(eph.private_key, recipient_public_key));
  CB_ASSIGN_OR_RETURN(SecureBytes key, BoxKey(shared, eph.public_key, recipient_public_key));
  Bytes out(eph.public_key.begin(), eph.public_key.end());
  CB_RETURN_IF_ERROR(AeadSealAppend(key, plaintext, aad, out));
  return out;
}

Result<SecureBytes> OpenSealed(const X25519KeyPair& recipient, ByteView sealed, ByteView aad) {
  if (sealed.size() < kX25519KeySize + kAeadOverhead) return Status::AuthFailed("sealed box is truncated");
  ByteView eph_pub = sealed.first(kX25519KeySize);
  auto shared = X25519(recipient.private_key, eph_pub);
  if (!shared.ok()) return Status::AuthFailed("sealed box carries an invalid ephemeral key");
  CB_ASSIGN_OR_RETURN(SecureBytes key, BoxKey(*shared, eph_pub, recipient.public_key));
  auto opened = AeadOpen(key, sealed.subspan(kX25519KeySize), aad);
  if (!opened.ok()) return Status::AuthFailed("sealed box does not open: not for this device, or altered");
  return opened;
}

}  // namespace caseboard::crypto
