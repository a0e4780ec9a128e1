// The board's TLS identity. `caseboard-server init` makes the board its own
// CA (ECDSA P-256, ten years) and a server certificate signed by it; the CA's
// private key is discarded once it has signed, so nothing else can ever be
// issued under it. Clients trust only this CA (by the SHA-256 of its
// certificate) and also pin the server's public key (by the SHA-256 of its
// SubjectPublicKeyInfo): both digests travel in every invite.
#pragma once

#include <string>
#include <vector>

#include "caseboard/status.h"

namespace caseboard::server {

struct TlsFiles {
  std::string ca_pem;      // written 0644 within the private data folder
  std::string server_pem;  // the server certificate
  std::string server_key;  // written 0600
};

// Creates the CA and the server certificate. The certificate names
// DNS:localhost and IP:127.0.0.1 and every entry of `hosts` (as an IP
// address if it parses as one, else as a DNS name).
Status CreateTlsMaterial(const TlsFiles& files, const std::vector<std::string>& hosts);

// Hex SHA-256 of the DER encoding of the certificate in a PEM file.
Result<std::string> CertificateSha256(const std::string& pem_path);
// Hex SHA-256 of the DER SubjectPublicKeyInfo of the certificate in a PEM file.
Result<std::string> PublicKeySha256(const std::string& pem_path);

}  // namespace caseboard::server
