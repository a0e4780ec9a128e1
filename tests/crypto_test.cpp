// Round-trip and tamper tests for every primitive in core/crypto.
// Known-answer tests from the standards are in crypto_kat_test.cpp.
#include <doctest/doctest.h>

#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/crypto/kdf.h"
#include "caseboard/crypto/sealed_box.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/crypto/signature.h"
#include "test_support.h"

using namespace caseboard;
using namespace caseboard::crypto;

TEST_CASE("SecureBytes is wiped when cleared and moves without copying") {
  SecureBytes a = SecureBytes::Random(32);
  CHECK(a.size() == 32);
  const uint8_t* p = a.data();
  SecureBytes b = std::move(a);
  CHECK(b.data() == p);
  CHECK(a.empty());  // NOLINT: moved-from state is part of the contract
  SecureBytes c = b.Clone();
  CHECK(c.Equals(b.view()));
  CHECK(c.data() != b.data());
  b.Clear();
  CHECK(b.empty());
  CHECK_FALSE(c.Equals(b.view()));
  static_assert(!std::is_copy_constructible_v<SecureBytes>);
  static_assert(!std::is_copy_assignable_v<SecureBytes>);
}

TEST_CASE("two random keys differ") {
  CHECK_FALSE(SecureBytes::Random(32).Equals(SecureBytes::Random(32).view()));
}

TEST_CASE("AEAD seal/open round trip, and every tamper is caught") {
  SecureBytes key = SecureBytes::Random(kAeadKeySize);
  Bytes aad = Bytes{'r', 'e', 'v', '1'};
  std::string message = "Interview with the child's grandmother, 3 March";
  auto sealed = AeadSeal(key, AsBytes(message), aad);
  REQUIRE(sealed.ok());
  CHECK(sealed->size() == message.size() + kAeadOverhead);
  CHECK_FALSE(test::Contains(*sealed, AsBytes("grandmother")));

  auto opened = AeadOpen(key, *sealed, aad);
  REQUIRE(opened.ok());
  CHECK(opened->str() == message);

  SUBCASE("a flipped bit anywhere fails the tag") {
    for (size_t i = 0; i < sealed->size(); ++i) {
      Bytes t = *sealed;
      t[i] ^= 0x01;
      auto r = AeadOpen(key, t, aad);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == Status::Code::kAuthFailed);
    }
  }
  SUBCASE("other associated data fails") {
    CHECK(AeadOpen(key, *sealed, AsBytes("rev2")).status().IsAuthFailed());
  }
  SUBCASE("another key fails") {
    CHECK(AeadOpen(SecureBytes::Random(32), *sealed, aad).status().IsAuthFailed());
  }
  SUBCASE("truncation fails") {
    for (size_t n : {size_t{0}, size_t{5}, kAeadOverhead - 1, sealed->size() - 1}) {
      CHECK_FALSE(AeadOpen(key, ByteView(*sealed).first(n), aad).ok());
    }
  }
  SUBCASE("nonces are fresh: sealing twice gives different bytes") {
    auto again = AeadSeal(key, AsBytes(message), aad);
    REQUIRE(again.ok());
    CHECK(*again != *sealed);
  }
}

TEST_CASE("AEAD rejects a wrong-size key") {
  SecureBytes short_key = SecureBytes::Random(16);
  CHECK(AeadSeal(short_key, AsBytes("x"), {}).status().code() == Status::Code::kInvalidArgument);
}

TEST_CASE("AEAD handles empty plaintext and empty AAD") {
  SecureBytes key = SecureBytes::Random(32);
  auto sealed = AeadSeal(key, {}, {});
  REQUIRE(sealed.ok());
  auto opened = AeadOpen(key, *sealed, {});
  REQUIRE(opened.ok());
  CHECK(opened->empty());
}

TEST_CASE("scrypt is deterministic, salt- and passphrase-sensitive, and validates parameters") {
  auto p = ScryptParams::ForTests();
  auto a = Scrypt(AsBytes("correct horse"), AsBytes("salt-salt-salt-1"), p, 32);
  auto b = Scrypt(AsBytes("correct horse"), AsBytes("salt-salt-salt-1"), p, 32);
  auto c = Scrypt(AsBytes("correct horsf"), AsBytes("salt-salt-salt-1"), p, 32);
  auto d = Scrypt(AsBytes("correct horse"), AsBytes("salt-salt-salt-2"), p, 32);
  REQUIRE((a.ok() && b.ok() && c.ok() && d.ok()));
  CHECK(a->Equals(b->view()));
  CHECK_FALSE(a->Equals(c->view()));
  CHECK_FALSE(a->Equals(d->view()));
  CHECK_FALSE(ScryptParams{1000, 8, 1}.Validate().ok());      // not a power of two
  CHECK_FALSE(ScryptParams{256, 8, 1}.Validate().ok());       // too weak
  CHECK_FALSE(ScryptParams{1u << 24, 8, 1}.Validate().ok());  // 2 GiB+
  CHECK(ScryptParams::Default().Validate().ok());
}

TEST_CASE("HKDF separates by info and salt") {
  Bytes ikm(32, 7);
  auto a = Hkdf(ikm, AsBytes("salt"), AsBytes("records"), 32);
  auto b = Hkdf(ikm, AsBytes("salt"), AsBytes("attachments"), 32);
  auto c = Hkdf(ikm, AsBytes("other"), AsBytes("records"), 32);
  REQUIRE((a.ok() && b.ok() && c.ok()));
  CHECK_FALSE(a->Equals(b->view()));
  CHECK_FALSE(a->Equals(c->view()));
  CHECK_FALSE(Hkdf(ikm, {}, {}, 0).ok());
}

TEST_CASE("Ed25519 sign/verify, and forgeries are refused") {
  auto kp = Ed25519Generate();
  REQUIRE(kp.ok());
  std::string msg = "agency report signed off by the senior manager";
  auto sig = Ed25519Sign(kp->seed, AsBytes(msg));
  REQUIRE(sig.ok());
  CHECK(Ed25519Verify(kp->public_key, AsBytes(msg), *sig).ok());

  Bytes altered_msg(msg.begin(), msg.end());
  altered_msg[0] ^= 1;
  CHECK(Ed25519Verify(kp->public_key, altered_msg, *sig).IsAuthFailed());
  for (size_t i = 0; i < sig->size(); i += 7) {
    Ed25519Signature bad = *sig;
    bad[i] ^= 0x40;
    CHECK_FALSE(Ed25519Verify(kp->public_key, AsBytes(msg), bad).ok());
  }
  auto other = Ed25519Generate();
  REQUIRE(other.ok());
  CHECK_FALSE(Ed25519Verify(other->public_key, AsBytes(msg), *sig).ok());
  CHECK_FALSE(Ed25519Verify(kp->public_key, AsBytes(msg), ByteView(*sig).first(63)).ok());

  auto again = Ed25519FromSeed(kp->seed.view());
  REQUIRE(again.ok());
  CHECK(again->public_key == kp->public_key);
}

TEST_CASE("X25519 agreement is symmetric and rejects the all-zero point") {
  auto a = X25519Generate();
  auto b = X25519Generate();
  REQUIRE((a.ok() && b.ok()));
  auto ab = X25519(a->private_key, b->public_key);
  auto ba = X25519(b->private_key, a->public_key);
  REQUIRE((ab.ok() && ba.ok()));
  CHECK(ab->Equals(ba->view()));
  Bytes zero_point(32, 0);
  CHECK_FALSE(X25519(a->private_key, zero_point).ok());
}

TEST_CASE("sealed boxes open only for their recipient and only unaltered") {
  auto alice = X25519Generate();
  auto mallory = X25519Generate();
  REQUIRE((alice.ok() && mallory.ok()));
  SecureBytes review_key = SecureBytes::Random(32);
  Bytes aad = {'k', 'e', 'y', 's'};
  auto box = SealTo(alice->public_key, review_key.view(), aad);
  REQUIRE(box.ok());
  auto opened = OpenSealed(*alice, *box, aad);
  REQUIRE(opened.ok());
  CHECK(opened->Equals(review_key.view()));

  CHECK(OpenSealed(*mallory, *box, aad).status().IsAuthFailed());
  CHECK_FALSE(OpenSealed(*alice, *box, AsBytes("other")).ok());
  for (size_t i = 0; i < box->size(); i += 5) {
    Bytes t = *box;
    t[i] ^= 0x10;
    CHECK_FALSE(OpenSealed(*alice, t, aad).ok());
  }
  CHECK_FALSE(OpenSealed(*alice, ByteView(*box).first(40), aad).ok());
}

TEST_CASE("streaming hashes equal one-shot hashes") {
  Bytes data(100000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 31);
  auto s = StreamingHash::Sha256();
  auto h = StreamingHash::Hmac(AsBytes("key"));
  for (size_t i = 0; i < data.size(); i += 333) {
    ByteView piece = ByteView(data).subspan(i, std::min<size_t>(333, data.size() - i));
    s.Update(piece);
    h.Update(piece);
  }
  CHECK(s.Final() == Sha256(data));
  CHECK(h.Final() == HmacSha256(AsBytes("key"), data));
}

TEST_CASE("UTF-8 validation accepts text and refuses malformed sequences") {
  CHECK(IsValidUtf8("plain ASCII"));
  CHECK(IsValidUtf8("Zoë, Łódź, 子供, 👶"));
  CHECK(IsValidUtf8(""));
  CHECK_FALSE(IsValidUtf8("\xff"));
  CHECK_FALSE(IsValidUtf8("\xc3"));              // truncated two-byte sequence
  CHECK_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a UTF-16 surrogate
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(IsValidUtf8("ok\x80"));            // stray continuation byte
  CHECK(IsId("3f2a-B9"));
  CHECK_FALSE(IsId(""));
  CHECK_FALSE(IsId("has space"));
  CHECK_FALSE(IsId(std::string(65, 'a')));
}
