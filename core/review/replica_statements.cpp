// Signed statements: a device's signature over bytes the domain layer
// composes (a sign-off over a record's content hash), checked later by any
// member against the signer's key in the membership.
#include "caseboard/crypto/hash.h"
#include "caseboard/crypto/signature.h"
#include "caseboard/review/replica.h"

namespace caseboard::review {

Result<std::string> Replica::SignStatement(ByteView message) const {
  CB_ASSIGN_OR_RETURN(crypto::Ed25519Signature sig, vault_.SignAsDevice(message));
  return ToHex(sig);
}

Status Replica::VerifyStatement(const std::string& device, ByteView message,
                                const std::string& signature_hex) const {
  auto member = membership_.members().find(device);
  if (member == membership_.members().end())
    return Status::NotFound("device " + device + " was never a member of this review");
  auto sig = FromHex(signature_hex);
  if (!sig) return Status::AuthFailed("the signature is not hex");
  return crypto::Ed25519Verify(member->second.identity.signing_key, message, *sig);
}

std::string Replica::DigestHex(std::string_view bytes) { return ToHex(crypto::Sha256(AsBytes(bytes))); }

}  // namespace caseboard::review
