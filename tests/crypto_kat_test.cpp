// Known-answer tests: every primitive in core/crypto against the test vectors
// published with its standard. The hex below is copied from the standards (and
// cross-checked against independent copies); a mismatch means our wrapper or
// the OpenSSL build it calls does not compute the standard function.
// Round-trip and tamper tests are in crypto_test.cpp.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/crypto/kdf.h"
#include "caseboard/crypto/sealed_box.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/crypto/signature.h"
#include "test_support.h"

using namespace caseboard;
using namespace caseboard::crypto;

namespace {

SecureBytes SecretFromHex(std::string_view hex) { return SecureBytes(ByteView(test::Hex(hex))); }

// ---------------------------------------------------------------------------
// RFC 8032 section 7.1, "Test Vectors for Ed25519": TEST 1, TEST 2, TEST 3 and
// TEST 1024.
// ---------------------------------------------------------------------------

struct Ed25519Vector {
  std::string_view name;
  std::string_view secret_key;
  std::string_view public_key;
  std::string_view message;
  std::string_view signature;
};

// TEST 1024's message: 1023 bytes.
constexpr std::string_view kEd25519Test1024Message =
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
    "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
    "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
    "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
    "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
    "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
    "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
    "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
    "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
    "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
    "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
    "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
    "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
    "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
    "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
    "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
    "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
    "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
    "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
    "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
    "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
    "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
    "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
    "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
    "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
    "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
    "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
    "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
    "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
    "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
    "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
    "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0";

const Ed25519Vector kEd25519Vectors[] = {
    {"RFC 8032 7.1 TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"RFC 8032 7.1 TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"RFC 8032 7.1 TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"RFC 8032 7.1 TEST 1024", "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
     "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e", kEd25519Test1024Message,
     "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
     "aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03"},
};

}  // namespace

TEST_CASE("Ed25519 matches the RFC 8032 section 7.1 test vectors") {
  for (const Ed25519Vector& v : kEd25519Vectors) {
    CAPTURE(v.name);
    Bytes message = test::Hex(v.message);
    Bytes expected_signature = test::Hex(v.signature);

    auto pair = Ed25519FromSeed(test::Hex(v.secret_key));
    REQUIRE(pair.ok());
    CHECK(ToHex(pair->public_key) == v.public_key);

    auto signature = Ed25519Sign(pair->seed, message);
    REQUIRE(signature.ok());
    CHECK(ToHex(*signature) == v.signature);

    Bytes public_key = test::Hex(v.public_key);
    CHECK(Ed25519Verify(public_key, message, expected_signature).ok());

    // One flipped bit in R, in S, or in the message (TEST 1's message is empty: one added byte) is
    // refused.
    for (size_t byte : {size_t{0}, size_t{32}}) {
      Bytes bad = expected_signature;
      bad[byte] ^= 0x01;
      CHECK(Ed25519Verify(public_key, message, bad).code() == Status::Code::kAuthFailed);
    }
    Bytes other_message = message;
    if (other_message.empty()) {
      other_message.push_back(0x00);
    } else {
      other_message.back() ^= 0x01;
    }
    CHECK(Ed25519Verify(public_key, other_message, expected_signature).code() == Status::Code::kAuthFailed);
  }
}

// ---------------------------------------------------------------------------
// RFC 7748 section 5.2: the two X25519 scalar-multiplication vectors.
// (The second input u-coordinate has its top bit set; X25519 must mask it.)
// ---------------------------------------------------------------------------

TEST_CASE("X25519 matches the RFC 7748 section 5.2 scalar-multiplication vectors") {
  struct Vector {
    std::string_view scalar, u, out;
  };
  const Vector vectors[] = {
      {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
       "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
       "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
      {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
       "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
       "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
  };
  for (const Vector& v : vectors) {
    CAPTURE(v.scalar);
    auto out = X25519(SecretFromHex(v.scalar), test::Hex(v.u));
    REQUIRE(out.ok());
    CHECK(ToHex(out->view()) == v.out);
  }
}

// ---------------------------------------------------------------------------
// RFC 7748 section 6.1: the Curve25519 Diffie-Hellman example.
// ---------------------------------------------------------------------------

TEST_CASE("X25519 Diffie-Hellman matches the RFC 7748 section 6.1 example") {
  constexpr std::string_view kAlicePrivate =
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
  constexpr std::string_view kAlicePublic =
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
  constexpr std::string_view kBobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
  constexpr std::string_view kBobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
  constexpr std::string_view kShared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

  auto alice = X25519FromPrivate(test::Hex(kAlicePrivate));
  REQUIRE(alice.ok());
  CHECK(ToHex(alice->public_key) == kAlicePublic);

  auto bob = X25519FromPrivate(test::Hex(kBobPrivate));
  REQUIRE(bob.ok());
  CHECK(ToHex(bob->public_key) == kBobPublic);

  auto alice_shared = X25519(alice->private_key, test::Hex(kBobPublic));
  REQUIRE(alice_shared.ok());
  CHECK(ToHex(alice_shared->view()) == kShared);

  auto bob_shared = X25519(bob->private_key, test::Hex(kAlicePublic));
  REQUIRE(bob_shared.ok());
  CHECK(ToHex(bob_shared->view()) == kShared);
}

// ---------------------------------------------------------------------------
// RFC 7914 section 12: scrypt test vectors 1, 2 and 3. Vector 4
// (N = 1048576, 1 GiB of memory) is left out on purpose.
// ---------------------------------------------------------------------------

TEST_CASE("scrypt matches the RFC 7914 section 12 test vectors") {
  struct Vector {
    std::string_view password, salt;
    ScryptParams params;
    std::string_view derived;
  };
  const Vector vectors[] = {
      {"",
       "",
       {16, 1, 1},
       "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
       "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"},
      {"password",
       "NaCl",
       {1024, 8, 16},
       "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
       "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"},
      {"pleaseletmein",
       "SodiumChloride",
       {16384, 8, 1},
       "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
       "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"},
  };
  for (const Vector& v : vectors) {
    CAPTURE(v.password);
    CAPTURE(v.params.n);
    auto derived = ScryptUnchecked(AsBytes(v.password), AsBytes(v.salt), v.params, 64);
    REQUIRE(derived.ok());
    CHECK(ToHex(derived->view()) == v.derived);
  }
}

// ---------------------------------------------------------------------------
// RFC 5869 Appendix A: HKDF-SHA256 test cases 1, 2 and 3 (A.1, A.2, A.3).
// ---------------------------------------------------------------------------

TEST_CASE("HKDF-SHA256 matches the RFC 5869 Appendix A test cases 1-3") {
  struct Vector {
    std::string_view name;
    std::string_view ikm, salt, info;
    size_t length;
    std::string_view okm;
  };
  const Vector vectors[] = {
      {"A.1 test case 1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
       "f0f1f2f3f4f5f6f7f8f9", 42,
       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
      {"A.2 test case 2",
       "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
       "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
       "404142434445464748494a4b4c4d4e4f",
       "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
       "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
       "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
       "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
       "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
       "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
       82,
       "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
       "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
       "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
      // Zero-length salt and info.
      {"A.3 test case 3", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
  };
  for (const Vector& v : vectors) {
    CAPTURE(v.name);
    auto okm = Hkdf(test::Hex(v.ikm), test::Hex(v.salt), test::Hex(v.info), v.length);
    REQUIRE(okm.ok());
    CHECK(ToHex(okm->view()) == v.okm);
  }
}

// ---------------------------------------------------------------------------
// McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B:
// the AES-256 test cases with a 96-bit IV, 13 to 16.
// ---------------------------------------------------------------------------

TEST_CASE("AES-256-GCM matches the GCM specification test cases 13-16") {
  struct Vector {
    std::string_view name;
    std::string_view key, iv, plaintext, aad, ciphertext, tag;
  };
  constexpr std::string_view kKey15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
  constexpr std::string_view kIv15 = "cafebabefacedbaddecaf888";
  const Vector vectors[] = {
      {"test case 13", "0000000000000000000000000000000000000000000000000000000000000000",
       "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
      {"test case 14", "0000000000000000000000000000000000000000000000000000000000000000",
       "000000000000000000000000", "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
       "d0d1c8a799996bf0265b98b5d48ab919"},
      {"test case 15", kKey15, kIv15,
       "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
       "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
       "",
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
       "b094dac5d93471bdec1a502270e3cc6c"},
      {"test case 16", kKey15, kIv15,
       "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
       "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
       "feedfacedeadbeeffeedfacedeadbeefabaddad2",
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
       "76fc6ece0f4e1768cddf8853bb2d551b"},
  };
  for (const Vector& v : vectors) {
    CAPTURE(v.name);
    SecureBytes key = SecretFromHex(v.key);
    Bytes iv = test::Hex(v.iv);
    Bytes plaintext = test::Hex(v.plaintext);
    Bytes aad = test::Hex(v.aad);
    std::string expected = std::string(v.ciphertext) + std::string(v.tag);

    auto sealed = AeadEncrypt(key, iv, plaintext, aad);
    REQUIRE(sealed.ok());
    CHECK(ToHex(*sealed) == expected);

    Bytes ciphertext_and_tag = test::Hex(expected);
    auto opened = AeadDecrypt(key, iv, ciphertext_and_tag, aad);
    REQUIRE(opened.ok());
    CHECK(ToHex(opened->view()) == v.plaintext);

    // A tag with one flipped bit is refused, and no plaintext comes back.
    Bytes tampered = ciphertext_and_tag;
    tampered.back() ^= 0x01;
    auto refused = AeadDecrypt(key, iv, tampered, aad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kAuthFailed);
  }
}

// ---------------------------------------------------------------------------
// FIPS 180-2 Appendix B.1 and B.2 (NIST's SHA-256 examples): the one-block
// message "abc" and the two-block 448-bit message.
// ---------------------------------------------------------------------------

TEST_CASE("SHA-256 matches the FIPS 180 examples for \"abc\" and the 448-bit message") {
  constexpr std::string_view kAbcDigest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  constexpr std::string_view k448BitMessage = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  constexpr std::string_view k448BitDigest =
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

  CHECK(ToHex(Sha256(AsBytes("abc"))) == kAbcDigest);
  CHECK(ToHex(Sha256(AsBytes(k448BitMessage))) == k448BitDigest);

  // The streaming form, fed in uneven pieces, gives the same digests.
  StreamingHash abc = StreamingHash::Sha256();
  abc.Update(AsBytes("a"));
  abc.Update(AsBytes("bc"));
  CHECK(ToHex(abc.Final()) == kAbcDigest);

  StreamingHash two_blocks = StreamingHash::Sha256();
  two_blocks.Update(AsBytes(k448BitMessage.substr(0, 13)));
  two_blocks.Update(AsBytes(k448BitMessage.substr(13)));
  CHECK(ToHex(two_blocks.Final()) == k448BitDigest);
}

// ---------------------------------------------------------------------------
// RFC 4231 section 4.2 (test case 1) and section 4.3 (test case 2):
// HMAC-SHA-256.
// ---------------------------------------------------------------------------

TEST_CASE("HMAC-SHA256 matches the RFC 4231 test cases 1 and 2") {
  // Test case 1: key = 20 bytes of 0x0b, data = "Hi There".
  Bytes key1 = test::Hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  constexpr std::string_view kMac1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  CHECK(ToHex(HmacSha256(key1, AsBytes("Hi There"))) == kMac1);

  // Test case 2: key = "Jefe", data = "what do ya want for nothing?".
  constexpr std::string_view kMac2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  CHECK(ToHex(HmacSha256(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"))) == kMac2);

  StreamingHash streamed = StreamingHash::Hmac(AsBytes("Jefe"));
  streamed.Update(AsBytes("what do ya want "));
  streamed.Update(AsBytes("for nothing?"));
  CHECK(ToHex(streamed.Final()) == kMac2);
}
