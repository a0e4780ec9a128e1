// The sync wire types (sync/include/caseboard/sync/wire.h): invites, request
// signing input and CBOR bodies round trip; malformed input is refused with
// a message, never accepted half-read.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "caseboard/crypto/hash.h"
#include "caseboard/sync/wire.h"

using namespace caseboard;
using namespace caseboard::sync;

namespace {

Invite SampleInvite() {
  return {"https://board.example:8443", std::string(64, 'a'), std::string(64, 'b'), std::string(64, 'c')};
}

}  // namespace

TEST_CASE("an invite round trips and tolerates a trailing newline") {
  Invite in = SampleInvite();
  std::string text = EncodeInvite(in);
  CHECK(text.rfind("cbinvite1:", 0) == 0);
  CHECK(text.find_first_of("+/= \n") == std::string::npos);  // safe to paste anywhere
  auto out = ParseInvite(text + "\n");
  REQUIRE_MESSAGE(out.ok(), out.status().message());
  CHECK(out->url == in.url);
  CHECK(out->ca_sha256 == in.ca_sha256);
  CHECK(out->key_sha256 == in.key_sha256);
  CHECK(out->token == in.token);
}

TEST_CASE("damaged and unsafe invites are refused with a message") {
  std::string good = EncodeInvite(SampleInvite());
  CHECK(ParseInvite("").status().message().find("not a Caseboard invite") != std::string::npos);
  CHECK_FALSE(ParseInvite("cbinvite1:").ok());
  CHECK_FALSE(ParseInvite("cbinvite1:!!!").ok());
  CHECK_FALSE(ParseInvite(good.substr(0, good.size() - 5)).ok());
  for (size_t i = 10; i < good.size(); i += 7) {
    std::string bad = good;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto r = ParseInvite(bad);
    if (r.ok()) CHECK(r->url.rfind("https://", 0) == 0);  // whatever survives is still well formed
  }
  Invite http = SampleInvite();
  http.url = "http://board.example";
  CHECK(ParseInvite(EncodeInvite(http)).status().message().find("not https") != std::string::npos);
  Invite short_pin = SampleInvite();
  short_pin.key_sha256 = "abc";
  CHECK_FALSE(ParseInvite(EncodeInvite(short_pin)).ok());
}

TEST_CASE("the request signing input binds method, target, body, time and nonce") {
  Bytes body = {1, 2, 3};
  Bytes a = RequestSigningInput("POST", "/v1/reviews/x/changes", body, 1700000000000, "00ff");
  std::string s(a.begin(), a.end());
  CHECK(s == "caseboard/request/v1\nPOST\n/v1/reviews/x/changes\n" + ToHex(crypto::Sha256(body)) +
                 "\n1700000000000\n00ff");
  CHECK(RequestSigningInput("GET", "/v1/reviews/x/changes", body, 1700000000000, "00ff") != a);
  CHECK(RequestSigningInput("POST", "/v1/reviews/y/changes", body, 1700000000000, "00ff") != a);
  CHECK(RequestSigningInput("POST", "/v1/reviews/x/changes", Bytes{1, 2}, 1700000000000, "00ff") != a);
  CHECK(RequestSigningInput("POST", "/v1/reviews/x/changes", body, 1700000000001, "00ff") != a);
  CHECK(RequestSigningInput("POST", "/v1/reviews/x/changes", body, 1700000000000, "00fe") != a);
}

TEST_CASE("bodies round trip") {
  PushRequest push{{Bytes{1, 2}, Bytes{}, Bytes(1000, 7)}};
  auto push2 = DecodePushRequest(Encode(push));
  REQUIRE(push2.ok());
  CHECK(push2->changes == push.changes);

  PushResponse pr{{{"aa", 5, ""}, {"bb", 0, "not a member"}}, 9};
  auto pr2 = DecodePushResponse(Encode(pr));
  REQUIRE(pr2.ok());
  REQUIRE(pr2->results.size() == 2);
  CHECK(pr2->results[0].seq == 5);
  CHECK(pr2->results[1].error == "not a member");
  CHECK(pr2->head == 9);

  PullResponse pull{{{1, Bytes{9}}, {2, Bytes{8, 8}}}, 2, true};
  auto pull2 = DecodePullResponse(Encode(pull));
  REQUIRE(pull2.ok());
  CHECK(pull2->changes == pull.changes);
  CHECK(pull2->next == 2);
  CHECK(pull2->more);

  ReviewList list{{{"r1", 3}, {"r2", 0}}, {"dev"}};
  auto list2 = DecodeReviewList(Encode(list));
  REQUIRE(list2.ok());
  CHECK(list2->reviews.size() == 2);
  CHECK(list2->reviews[0].head == 3);
  CHECK(list2->revoked == list.revoked);

  EnrolRequest enrol{"tok", "cbdev1:x", "Laptop", Bytes(64, 1)};
  auto enrol2 = DecodeEnrolRequest(Encode(enrol));
  REQUIRE(enrol2.ok());
  CHECK(enrol2->proof == enrol.proof);
  CHECK(DecodeEnrolResponse(Encode(EnrolResponse{"dev", 42}))->server_time == 42);
  CHECK(DecodeWaitResponse(Encode(WaitResponse{77}))->head == 77);
  CHECK(DecodeErrorBody(Encode(ErrorBody{"forbidden", "not a member"}))->error == "forbidden");
}

TEST_CASE("malformed bodies are refused") {
  using nlohmann::json;
  CHECK_FALSE(DecodePushRequest(Bytes{}).ok());
  CHECK_FALSE(DecodePushRequest(Bytes{0xff, 0x00}).ok());
  CHECK_FALSE(DecodePushRequest(json::to_cbor(json::array())).ok());
  CHECK_FALSE(DecodePushRequest(json::to_cbor(json{{"changes", json::array({"text, not bytes"})}})).ok());
  json too_many = json::array();
  for (size_t i = 0; i <= kMaxPushChanges; ++i) too_many.push_back(json::binary_t(Bytes{1}));
  CHECK(DecodePushRequest(json::to_cbor(json{{"changes", too_many}})).status().message().find("at most") !=
        std::string::npos);
  CHECK_FALSE(
      DecodePullResponse(
          json::to_cbor(json{{"changes", json::array({json::array({1})})}, {"next", 1}, {"more", false}}))
          .ok());
  CHECK_FALSE(DecodeReviewList(
                  json::to_cbor(json{{"reviews", json::array({{{"id", 5}}})}, {"revoked", json::array()}}))
                  .ok());
  CHECK_FALSE(DecodeEnrolRequest(json::to_cbor(json{{"token", "t"}})).ok());
  CHECK_FALSE(DecodeWaitResponse(json::to_cbor(json{{"head", -1}})).ok());
}

TEST_CASE("a file's status round trips; one that contradicts itself is refused") {
  using nlohmann::json;
  auto status = DecodeFileStatus(Encode(FileStatus{3, {0, 2}}));
  REQUIRE(status.ok());
  CHECK(status->chunks == 3);
  CHECK(status->have == std::vector<uint32_t>{0, 2});
  CHECK_FALSE(status->complete());
  CHECK(DecodeFileStatus(Encode(FileStatus{2, {0, 1}}))->complete());
  CHECK_FALSE(DecodeFileStatus(json::to_cbor(json{{"chunks", 0}, {"have", json::array()}})).ok());
  CHECK_FALSE(
      DecodeFileStatus(json::to_cbor(json{{"chunks", 2}, {"have", {0, 2}}})).ok());  // index out of range
  CHECK_FALSE(DecodeFileStatus(json::to_cbor(json{{"chunks", 3}, {"have", {1, 1}}})).ok());  // repeated
  CHECK_FALSE(
      DecodeFileStatus(json::to_cbor(json{{"chunks", kMaxFileChunks + 1}, {"have", json::array()}})).ok());
}
