#include "tls_material.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "caseboard/crypto/hash.h"
#include "caseboard/crypto/secure_bytes.h"
#include "data_dir.h"

namespace caseboard::server {

namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Ext = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

constexpr long kCaValiditySeconds = 10L * 365 * 24 * 3600;  // ten years
// The server certificate lives as long as the CA: the board has no renewal
// step, and clients pin its key whatever the dates say.
constexpr long kServerValiditySeconds = kCaValiditySeconds;

Status OpenSslError(const std::string& what) {
  unsigned long e = ERR_get_error();
  char buf[256] = "unknown error";
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return Status::Internal(what + ": " + buf);
}

Result<PKey> NewP256Key() {
  PKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return OpenSslError("generating an ECDSA P-256 key");
  return key;
}

Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return OpenSslError(std::string("adding ") + OBJ_nid2sn(nid) + " to a certificate");
  return Status::Ok();
}

// An unsigned certificate for `key` named `common_name`, with a random
// serial; the caller names its issuer, adds extensions and signs it.
Result<Cert> NewCertificate(EVP_PKEY* key, const std::string& common_name, long validity_seconds) {
  Cert cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
    return OpenSslError("creating a certificate");
  Bytes serial = crypto::RandomBytes(16);
  serial[0] &= 0x7f;  // positive, as RFC 5280 requires
  Bn bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())))
    return OpenSslError("setting a certificate serial");
  // Valid from an hour ago, so that a client whose clock is a little behind accepts it.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity_seconds))
    return OpenSslError("setting certificate dates");
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>("Caseboard"), -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0))
    return OpenSslError("naming a certificate");
  if (X509_set_pubkey(cert.get(), key) != 1) return OpenSslError("setting a certificate's key");
  return cert;
}

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

Result<std::string> ToPem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return OpenSslError("encoding a certificate");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<Cert> ReadCertificate(const std::string& pem_path) {
  CB_ASSIGN_OR_RETURN(std::string pem, ReadTextFile(pem_path));
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    ERR_clear_error();
    return Status::Corruption(pem_path + " does not hold a PEM certificate");
  }
  return cert;
}

std::string Sha256Hex(const unsigned char* der, int len) {
  return ToHex(crypto::Sha256(ByteView(der, static_cast<size_t>(len))));
}

}  // namespace

Status CreateTlsMaterial(const TlsFiles& files, const std::vector<std::string>& hosts) {
  // The CA: self-signed, may sign end-entity certificates only.
  CB_ASSIGN_OR_RETURN(PKey ca_key, NewP256Key());
  std::string ca_name = "Caseboard board CA " + ToHex(crypto::RandomBytes(4));
  CB_ASSIGN_OR_RETURN(Cert ca, NewCertificate(ca_key.get(), ca_name, kCaValiditySeconds));
  if (X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())) != 1)
    return OpenSslError("naming the CA as its own issuer");
  CB_RETURN_IF_ERROR(AddExtension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  CB_RETURN_IF_ERROR(AddExtension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  CB_RETURN_IF_ERROR(AddExtension(ca.get(), ca.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) return OpenSslError("signing the CA certificate");

  // The server certificate: names localhost, loopback and the given hosts.
  CB_ASSIGN_OR_RETURN(PKey key, NewP256Key());
  std::string common_name = hosts.empty() ? "localhost" : hosts.front();
  CB_ASSIGN_OR_RETURN(Cert cert, NewCertificate(key.get(), common_name, kServerValiditySeconds));
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get())) != 1)
    return OpenSslError("naming the server certificate's issuer");
  std::string san = "DNS:localhost,IP:127.0.0.1";
  for (const auto& h : hosts) {
    if (h.empty() || h.find_first_of(", \t\n") != std::string::npos)
      return Status::InvalidArgument("'" + h + "' is not a host name or address");
    if (h == "localhost" || h == "127.0.0.1") continue;
    san += (IsIpAddress(h) ? ",IP:" : ",DNS:") + h;
  }
  CB_RETURN_IF_ERROR(AddExtension(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE"));
  CB_RETURN_IF_ERROR(AddExtension(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature"));
  CB_RETURN_IF_ERROR(AddExtension(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth"));
  CB_RETURN_IF_ERROR(AddExtension(cert.get(), ca.get(), NID_subject_alt_name, san));
  CB_RETURN_IF_ERROR(AddExtension(cert.get(), ca.get(), NID_subject_key_identifier, "hash"));
  CB_RETURN_IF_ERROR(AddExtension(cert.get(), ca.get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), ca_key.get(), EVP_sha256()) == 0)
    return OpenSslError("signing the server certificate");

  Bio key_bio(BIO_new(BIO_s_mem()));
  if (!key_bio ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return OpenSslError("encoding the server key");
  char* key_data = nullptr;
  long key_len = BIO_get_mem_data(key_bio.get(), &key_data);
  // The key is written first and alone at 0600; a crash before the
  // certificates are written leaves a folder that init refuses to reuse.
  crypto::SecureBytes key_pem(reinterpret_cast<const uint8_t*>(key_data), static_cast<size_t>(key_len));
  OPENSSL_cleanse(key_data, static_cast<size_t>(key_len));
  CB_RETURN_IF_ERROR(WriteFileAtomically(files.server_key, std::string(key_pem.str()), 0600));
  CB_ASSIGN_OR_RETURN(std::string ca_pem, ToPem(ca.get()));
  CB_ASSIGN_OR_RETURN(std::string cert_pem, ToPem(cert.get()));
  CB_RETURN_IF_ERROR(WriteFileAtomically(files.ca_pem, ca_pem, 0644));
  return WriteFileAtomically(files.server_pem, cert_pem, 0644);
}

Result<std::string> CertificateSha256(const std::string& pem_path) {
  CB_ASSIGN_OR_RETURN(Cert cert, ReadCertificate(pem_path));
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return OpenSslError("encoding " + pem_path);
  std::string hex = Sha256Hex(der, len);
  OPENSSL_free(der);
  return hex;
}

Result<std::string> PublicKeySha256(const std::string& pem_path) {
  CB_ASSIGN_OR_RETURN(Cert cert, ReadCertificate(pem_path));
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(X509_get0_pubkey(cert.get()), &der);
  if (len <= 0) return OpenSslError("encoding the public key of " + pem_path);
  std::string hex = Sha256Hex(der, len);
  OPENSSL_free(der);
  return hex;
}

}  // namespace caseboard::server
