// KeyStore when this build has no key store library (libsecret was not found
// when it was configured). Not a stand-in: every call says plainly that the
// feature is missing, and callers keep working with the passphrase alone.
#include "caseboard/platform/platform.h"

namespace caseboard::platform {
namespace {

Status NotAvailable() {
  return Status::Unsupported(
      "the system key store is not available on this system (this Caseboard was built without "
      "libsecret); unlock with your passphrase");
}

}  // namespace

Status KeyStore::Available() { return NotAvailable(); }
Status KeyStore::Store(const std::string&, const std::string&, ByteView) { return NotAvailable(); }
Result<crypto::SecureBytes> KeyStore::Lookup(const std::string&) { return NotAvailable(); }
Status KeyStore::Remove(const std::string&) { return NotAvailable(); }

}  // namespace caseboard::platform
