#include "caseboard/crypto/signature.h"

#include <utility>

#include "evp_key.h"

namespace caseboard::crypto {
using internal::MdCtx;
using internal::Pkey;

Result<Ed25519KeyPair> Ed25519FromSeed(ByteView seed) {
  if (seed.size() != kEd25519SeedSize) return Status::InvalidArgument("an Ed25519 private key is 32 bytes");
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!key) return Status::Internal("OpenSSL could not load an Ed25519 private key");
  Ed25519KeyPair pair;
  pair.seed = SecureBytes(seed);
  size_t len = pair.public_key.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), pair.public_key.data(), &len) != 1 || len != 32)
    return Status::Internal("OpenSSL could not derive the Ed25519 public key");
  return pair;
}

Result<Ed25519KeyPair> Ed25519Generate() {
  SecureBytes seed = SecureBytes::Random(kEd25519SeedSize);
  return Ed25519FromSeed(seed.view());
}

Result<Ed25519Signer> Ed25519Signer::FromSeed(ByteView seed) {
  if (seed.size() != kEd25519SeedSize) return Status::InvalidArgument("an Ed25519 private key is 32 bytes");
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size());
  if (!key) return Status::Internal("OpenSSL could not load an Ed25519 private key");
  return Ed25519Signer(key);
}

Ed25519Signer::~Ed25519Signer() { EVP_PKEY_free(static_cast<EVP_PKEY*>(key_)); }

Ed25519Signer::Ed25519Signer(Ed25519Signer&& other) noexcept : key_(std::exchange(other.key_, nullptr)) {}

Ed25519Signer& Ed25519Signer::operator=(Ed25519Signer&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(static_cast<EVP_PKEY*>(key_));
    key_ = std::exchange(other.key_, nullptr);
  }
  return *this;
}

static Result<Ed25519Signature> SignWith(EVP_PKEY* key, ByteView message) {
  MdCtx ctx(EVP_MD_CTX_new());
  Ed25519Signature sig{};
  size_t len = sig.size();
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1 || len != sig.size()) {
    return Status::Internal("Ed25519 signing failed in OpenSSL");
  }
  return sig;
}

Result<Ed25519Signature> Ed25519Signer::Sign(ByteView message) const {
  return SignWith(static_cast<EVP_PKEY*>(key_), message);
}

Result<Ed25519Signature> Ed25519Sign(const SecureBytes& seed, ByteView message) {
  CB_ASSIGN_OR_RETURN(Ed25519Signer signer, Ed25519Signer::FromSeed(seed.view()));
  return signer.Sign(message);
}

Status Ed25519Verify(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != kEd25519PublicKeySize)
    return Status::InvalidArgument("an Ed25519 public key is 32 bytes");
  if (signature.size() != kEd25519SignatureSize)
    return Status::AuthFailed("an Ed25519 signature is 64 bytes");
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  if (!key) return Status::AuthFailed("the Ed25519 public key is not a valid curve point");
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
    return Status::Internal("OpenSSL could not start Ed25519 verification");
  if (EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) != 1)
    return Status::AuthFailed("Ed25519 signature does not verify");
  return Status::Ok();
}

}  // namespace caseboard::crypto
