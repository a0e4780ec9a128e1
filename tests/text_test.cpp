// Unit tests of the text CRDT (caseboard::crdt::TextSequence): local edits in
// code points, UTF-8 checks, the FugueMax merge of concurrent typing, deletes
// racing inserts, duplicate and early batches, cursors, snapshots and the
// decoders' handling of damaged input. One "known limitation" case fails
// today and is marked should_fail. Uses zlib directly, to damage a snapshot
// below its deflate layer.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <zlib.h>

#include "caseboard/bytes.h"
#include "caseboard/crdt/text.h"
#include "caseboard/status.h"

using caseboard::AsBytes;
using caseboard::Bytes;
using caseboard::ByteView;
using caseboard::IsValidUtf8;
using caseboard::Status;
using caseboard::crdt::TextAnchor;
using caseboard::crdt::TextSequence;

namespace {

// ---- Helpers ----

// The code points of (valid) UTF-8 text, one UTF-8 string each.
std::vector<std::string> Chars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

void InsertOk(TextSequence& t, const std::string& agent, size_t pos, const std::string& text) {
  Status s = t.Insert(agent, pos, text);
  REQUIRE_MESSAGE(s.ok(), "insert '", text, "' at ", pos, ": ", s.message());
}

void DeleteOk(TextSequence& t, const std::string& agent, size_t pos, size_t len) {
  Status s = t.Delete(agent, pos, len);
  REQUIRE_MESSAGE(s.ok(), "delete ", len, " at ", pos, ": ", s.message());
}

void ApplyOk(TextSequence& t, const std::string& author, const Bytes& batch) {
  Status s = t.Apply(author, batch);
  REQUIRE_MESSAGE(s.ok(), "apply a batch by ", author, ": ", s.message());
}

Bytes Take(TextSequence& t) {
  REQUIRE(t.has_local_edits());
  Bytes b = t.TakeLocalEdits();
  REQUIRE_FALSE(b.empty());
  CHECK_FALSE(t.has_local_edits());
  CHECK(TextSequence::CheckBatch(b).ok());
  return b;
}

// A replica that starts from `text`, typed by "base" and received as a batch.
TextSequence Replica(const std::string& text) {
  TextSequence base;
  if (!text.empty()) InsertOk(base, "base", 0, text);
  TextSequence r;
  if (!text.empty()) ApplyOk(r, "base", Take(base));
  REQUIRE(r.Text() == text);
  return r;
}

TextSequence RoundTrip(const TextSequence& t) {
  Bytes encoded = t.Encode();
  auto decoded = TextSequence::Decode(encoded);
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().message());
  CHECK(decoded->Text() == t.Text());
  CHECK(decoded->size() == t.size());
  CHECK(decoded->waiting() == t.waiting());
  CHECK(decoded->Encode() == encoded);
  return std::move(decoded).value();
}

// How one replica types its sentence in the concurrency tests.
enum class Typing {
  kForward,   // one character at a time, each after the last
  kBackward,  // one character at a time, each at the same position (before the last)
  kWhole,     // the whole sentence in one Insert
};

struct Typist {
  std::string agent;
  std::string sentence;
  Typing typing = Typing::kForward;
  size_t batch_every = 0;  // take a batch after this many keystrokes; 0: one batch at the end
};

struct Batch {
  std::string author;
  Bytes bytes;
};

// Types `who.sentence` at `pos` on `r`, returning the batches it makes.
std::vector<Batch> Type(TextSequence& r, const Typist& who, size_t pos) {
  std::vector<Batch> out;
  std::vector<std::string> chars = Chars(who.sentence);
  auto maybe_take = [&](size_t typed) {
    if (who.batch_every && typed % who.batch_every == 0) out.push_back({who.agent, Take(r)});
  };
  switch (who.typing) {
    case Typing::kForward:
      for (size_t i = 0; i < chars.size(); ++i) {
        InsertOk(r, who.agent, pos + i, chars[i]);
        maybe_take(i + 1);
      }
      break;
    case Typing::kBackward:
      for (size_t i = chars.size(); i-- > 0;) {
        InsertOk(r, who.agent, pos, chars[i]);
        maybe_take(chars.size() - i);
      }
      break;
    case Typing::kWhole:
      InsertOk(r, who.agent, pos, who.sentence);
      break;
  }
  if (r.has_local_edits()) out.push_back({who.agent, Take(r)});
  return out;
}

// Every typist types their sentence at position 1 of "[]" concurrently; then
// batches are exchanged in several orders. Every replica, and fresh replicas
// that receive all batches in other orders (early ones included), must end
// with the same text, which is "[" + the sentences whole, in some order, + "]".
std::string TypeConcurrently(const std::vector<Typist>& typists) {
  std::vector<TextSequence> replicas;
  std::vector<std::vector<Batch>> made;
  for (const Typist& who : typists) {
    replicas.push_back(Replica("[]"));
    made.push_back(Type(replicas.back(), who, 1));
    CHECK(replicas.back().Text() == "[" + who.sentence + "]");
  }
  // Each typist receives the others' batches, in author order.
  for (size_t i = 0; i < replicas.size(); ++i)
    for (size_t j = 0; j < made.size(); ++j)
      if (j != i)
        for (const Batch& b : made[j]) ApplyOk(replicas[i], b.author, b.bytes);
  const std::string result = replicas[0].Text();
  for (size_t i = 0; i < replicas.size(); ++i) {
    CAPTURE(i);
    CHECK(replicas[i].Text() == result);
    CHECK(replicas[i].waiting() == 0);
  }

  // Fresh replicas: every order of authors, each author's batches in order,
  // then the same with each author's batches newest first (they wait).
  std::vector<size_t> order(typists.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  do {
    for (bool reversed : {false, true}) {
      TextSequence fresh = Replica("[]");
      for (size_t a : order) {
        std::vector<Batch> batches = made[a];
        if (reversed) std::reverse(batches.begin(), batches.end());
        for (const Batch& b : batches) ApplyOk(fresh, b.author, b.bytes);
      }
      CAPTURE(reversed);
      CHECK(fresh.Text() == result);
      CHECK(fresh.waiting() == 0);
    }
  } while (std::next_permutation(order.begin(), order.end()));

  // The result is the sentences whole, one after another.
  std::vector<size_t> perm(typists.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = i;
  bool whole = false;
  do {
    std::string expect = "[";
    for (size_t i : perm) expect += typists[i].sentence;
    whole |= expect + "]" == result;
  } while (!whole && std::next_permutation(perm.begin(), perm.end()));
  CHECK_MESSAGE(whole, "interleaved: ", result);
  return result;
}

// ---- Basics ----

TEST_CASE("an empty text") {
  TextSequence t;
  CHECK(t.size() == 0);
  CHECK(t.Text().empty());
  CHECK_FALSE(t.has_local_edits());
  CHECK(t.TakeLocalEdits().empty());
  CHECK(t.waiting() == 0);
  CHECK(t.AnchorAt(0) == TextAnchor{});
  CHECK(t.PositionOf(TextAnchor{}) == 0);
}

TEST_CASE("insert, delete and Text") {
  TextSequence t;
  InsertOk(t, "a", 0, "hello");
  CHECK(t.Text() == "hello");
  CHECK(t.size() == 5);
  InsertOk(t, "a", 5, " world");
  InsertOk(t, "a", 0, ">> ");
  CHECK(t.Text() == ">> hello world");
  InsertOk(t, "a", 8, ",");
  CHECK(t.Text() == ">> hello, world");
  DeleteOk(t, "a", 0, 3);
  CHECK(t.Text() == "hello, world");
  DeleteOk(t, "a", 5, 1);
  CHECK(t.Text() == "hello world");
  DeleteOk(t, "a", 10, 1);  // the last character
  CHECK(t.Text() == "hello worl");
  CHECK(t.size() == 10);

  // Empty edits are accepted and change nothing.
  InsertOk(t, "a", 3, "");
  DeleteOk(t, "a", 3, 0);
  DeleteOk(t, "a", 10, 0);
  CHECK(t.Text() == "hello worl");

  // Backspacing and deleting forwards, one character at a time.
  for (int i = 0; i < 3; ++i) DeleteOk(t, "a", 4 - i, 1);
  CHECK(t.Text() == "he worl");
  for (int i = 0; i < 2; ++i) DeleteOk(t, "a", 3, 1);
  CHECK(t.Text() == "he rl");

  // A peer that receives the batch sees the same text.
  TextSequence peer;
  ApplyOk(peer, "a", Take(t));
  CHECK(peer.Text() == "he rl");
  CHECK(peer.size() == 5);

  DeleteOk(t, "a", 0, t.size());
  CHECK(t.Text().empty());
  CHECK(t.size() == 0);
  InsertOk(t, "a", 0, "again");
  CHECK(t.Text() == "again");
  ApplyOk(peer, "a", Take(t));
  CHECK(peer.Text() == "again");
}

TEST_CASE("positions are code points") {
  TextSequence t;
  InsertOk(t, "a", 0, "é😀");  // 2 + 4 bytes
  CHECK(t.size() == 2);
  CHECK(t.Text() == "é😀");
  InsertOk(t, "a", 1, "x");
  CHECK(t.Text() == "éx😀");
  InsertOk(t, "a", 3, "€");  // 3 bytes, at the end
  CHECK(t.Text() == "éx😀€");
  InsertOk(t, "a", 0, "日本");
  CHECK(t.Text() == "日本éx😀€");
  CHECK(t.size() == 6);
  DeleteOk(t, "a", 4, 1);  // the emoji
  CHECK(t.Text() == "日本éx€");
  DeleteOk(t, "a", 1, 2);
  CHECK(t.Text() == "日x€");
  InsertOk(t, "a", 2, "\U0010FFFF\u0080\u07FF\u0800\uFFFD");  // the edges of each UTF-8 length
  CHECK(t.Text() == "日x\U0010FFFF\u0080\u07FF\u0800\uFFFD€");
  CHECK(t.size() == 8);

  TextSequence peer;
  ApplyOk(peer, "a", Take(t));
  CHECK(peer.Text() == t.Text());
  CHECK(peer.size() == 8);
  // A peer's edit lands by code point too.
  InsertOk(peer, "b", 3, "🙂");
  DeleteOk(peer, "b", 7, 1);
  ApplyOk(t, "b", Take(peer));
  CHECK(t.Text() == "日x\U0010FFFF🙂\u0080\u07FF\u0800€");
  CHECK(peer.Text() == t.Text());
}

TEST_CASE("invalid UTF-8 is refused and changes nothing") {
  const std::vector<std::string> bad = {
      "\x80",                  // a lone continuation byte
      "\xC3",                  // truncated two-byte sequence
      "abc\xC3",               // ... at the end of good text
      "\xE2\x82",              // truncated three-byte sequence
      "\xF0\x9F\x98",          // truncated four-byte sequence
      "\xC0\xAF",              // overlong '/'
      "\xE0\x80\xAF",          // overlong, three bytes
      "\xF0\x80\x80\xAF",      // overlong, four bytes
      "\xED\xA0\x80",          // a UTF-16 surrogate
      "\xF4\x90\x80\x80",      // above U+10FFFF
      "\xF8\x88\x80\x80\x80",  // five-byte form
      "\xFF",
      "ab\xFE"
      "cd",
      "\xC3\x28",  // a lead byte followed by ASCII
      std::string("a\0\xC3", 3),
  };
  TextSequence t = Replica("héllo");
  InsertOk(t, "a", 5, "!");
  const Bytes before = t.Encode();
  for (const std::string& s : bad) {
    CAPTURE(caseboard::ToHex(AsBytes(s)));
    REQUIRE_FALSE(IsValidUtf8(s));
    for (size_t pos : {size_t{0}, size_t{3}, t.size()}) {
      Status st = t.Insert("a", pos, s);
      CHECK_FALSE(st.ok());
      CHECK(st.code() == Status::Code::kInvalidArgument);
      CHECK_FALSE(st.message().empty());
    }
  }
  CHECK(t.Text() == "héllo!");
  CHECK(t.size() == 6);
  CHECK(t.Encode() == before);
  // The batch holds only the one good insert.
  TextSequence peer = Replica("héllo");
  ApplyOk(peer, "a", Take(t));
  CHECK(peer.Text() == "héllo!");

  // A refused insert from a fresh replica records nothing.
  TextSequence fresh;
  CHECK_FALSE(fresh.Insert("a", 0, "\xC3").ok());
  CHECK_FALSE(fresh.has_local_edits());
  CHECK(fresh.TakeLocalEdits().empty());
}

TEST_CASE("out-of-range positions and missing authors are refused") {
  TextSequence t = Replica("abc");
  const Bytes before = t.Encode();
  for (size_t pos : {size_t{4}, size_t{5}, size_t{1000}, SIZE_MAX}) {
    CAPTURE(pos);
    Status st = t.Insert("a", pos, "x");
    CHECK_FALSE(st.ok());
    CHECK(st.code() == Status::Code::kInvalidArgument);
    CHECK_FALSE(st.message().empty());
    CHECK_FALSE(t.Insert("a", pos, "é").ok());
  }
  struct Range {
    size_t pos, len;
  };
  for (Range r : {Range{0, 4}, Range{1, 3}, Range{3, 1}, Range{4, 0}, Range{4, 1}, Range{2, SIZE_MAX},
                  Range{SIZE_MAX, 1}, Range{SIZE_MAX, SIZE_MAX}, Range{1, SIZE_MAX - 1}}) {
    CAPTURE(r.pos);
    CAPTURE(r.len);
    Status st = t.Delete("a", r.pos, r.len);
    CHECK_FALSE(st.ok());
    CHECK(st.code() == Status::Code::kInvalidArgument);
  }
  CHECK_FALSE(t.Insert("", 0, "x").ok());
  CHECK_FALSE(t.Delete("", 0, 1).ok());
  CHECK(t.Text() == "abc");
  CHECK_FALSE(t.has_local_edits());
  CHECK(t.Encode() == before);

  // The edges themselves are fine.
  InsertOk(t, "a", 3, "d");
  DeleteOk(t, "a", 0, 4);
  CHECK(t.Text().empty());
}

TEST_CASE("one batch holds one device's edits") {
  TextSequence t = Replica("abc");
  InsertOk(t, "a", 1, "x");
  Status st = t.Insert("b", 1, "y");
  CHECK_FALSE(st.ok());
  CHECK_FALSE(t.Delete("b", 0, 1).ok());
  CHECK(t.Text() == "axbc");
  Bytes first = Take(t);
  InsertOk(t, "b", 1, "y");  // after the first batch is taken, another device may edit
  Bytes second = Take(t);
  TextSequence peer = Replica("abc");
  ApplyOk(peer, "a", first);
  ApplyOk(peer, "b", second);
  CHECK(peer.Text() == "ayxbc");
  CHECK(t.Text() == "ayxbc");
}

TEST_CASE("a batch has the documented encoding") {
  TextSequence t;
  InsertOk(t, "a", 0, "hi");
  // version 1, no other agents, one edit: insert seq 0, no origins, 2 bytes "hi".
  CHECK(Take(t) == Bytes{0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x02, 'h', 'i'});
  DeleteOk(t, "a", 1, 1);
  // one edit: delete, agent ref 0 (the author), seq 1, len 1.
  CHECK(Take(t) == Bytes{0x01, 0x00, 0x01, 0x01, 0x00, 0x01, 0x01});
}

// ---- Concurrent typing ----

TEST_CASE("two replicas typing a sentence each at one spot get both sentences whole") {
  const std::string a = "Hello there, how are you? ";
  const std::string b = "Good morning! ";
  for (Typing ta : {Typing::kForward, Typing::kBackward, Typing::kWhole}) {
    for (Typing tb : {Typing::kForward, Typing::kBackward, Typing::kWhole}) {
      for (size_t every : {0, 1, 4}) {
        CAPTURE(static_cast<int>(ta));
        CAPTURE(static_cast<int>(tb));
        CAPTURE(every);
        std::string r = TypeConcurrently({{"alice", a, ta, every}, {"bob", b, tb, every}});
        CHECK((r == "[" + a + b + "]" || r == "[" + b + a + "]"));
      }
    }
  }
}

TEST_CASE("typing backwards at one spot does not interleave") {
  // Each keystroke at the same position, the sentence typed last letter first.
  std::string r = TypeConcurrently(
      {{"alice", "abcdefgh", Typing::kBackward, 0}, {"bob", "ABCDEFGH", Typing::kBackward, 0}});
  CHECK((r == "[abcdefghABCDEFGH]" || r == "[ABCDEFGHabcdefgh]"));
  // The same with the agents' names the other way round, and batch per key.
  r = TypeConcurrently(
      {{"zed", "abcdefgh", Typing::kBackward, 1}, {"amy", "ABCDEFGH", Typing::kBackward, 1}});
  CHECK((r == "[abcdefghABCDEFGH]" || r == "[ABCDEFGHabcdefgh]"));
}

TEST_CASE("multi-byte sentences typed at one spot stay whole") {
  TypeConcurrently(
      {{"a", "日本語のテキスト", Typing::kForward, 2}, {"b", "😀🙂😎 émojis", Typing::kBackward, 3}});
}

TEST_CASE("three replicas typing at one spot get three whole sentences") {
  const std::vector<std::string> s = {"The quick brown fox. ", "Jumps over. ", "The lazy dog! "};
  for (Typing t : {Typing::kForward, Typing::kBackward}) {
    CAPTURE(static_cast<int>(t));
    TypeConcurrently({{"carol", s[0], t, 0}, {"alice", s[1], t, 3}, {"bob", s[2], t, 1}});
  }
  // Mixed: one forwards, one backwards, one in a single insert.
  TypeConcurrently({{"carol", s[0], Typing::kForward, 2},
                    {"alice", s[1], Typing::kBackward, 0},
                    {"bob", s[2], Typing::kWhole, 0}});
}

TEST_CASE("typing continues inside a merged sentence without breaking the other") {
  TextSequence a = Replica("[]"), b = Replica("[]");
  std::vector<Batch> from_a = Type(a, {"alice", "one two", Typing::kForward, 0}, 1);
  std::vector<Batch> from_b = Type(b, {"bob", "three four", Typing::kForward, 0}, 1);
  ApplyOk(a, "bob", from_b[0].bytes);
  ApplyOk(b, "alice", from_a[0].bytes);
  REQUIRE(a.Text() == b.Text());
  const std::string merged = a.Text();
  // Alice inserts in the middle of her own words, Bob appends to his, concurrently.
  size_t in_a = Chars(merged.substr(0, merged.find("one") + 3)).size();
  InsertOk(a, "alice", in_a, "-and-a-half");
  size_t end_b = Chars(merged.substr(0, merged.find("four") + 4)).size();
  InsertOk(b, "bob", end_b, " five");
  Bytes ba = Take(a), bb = Take(b);
  ApplyOk(a, "bob", bb);
  ApplyOk(b, "alice", ba);
  CHECK(a.Text() == b.Text());
  CHECK(a.Text().find("one-and-a-half two") != std::string::npos);
  CHECK(a.Text().find("three four five") != std::string::npos);
}

// ---- Deletes racing inserts ----

TEST_CASE("deletes concurrent with inserts") {
  SUBCASE("an insert inside a deleted range survives, in place") {
    TextSequence a = Replica("abcdef"), b = Replica("abcdef");
    DeleteOk(a, "alice", 2, 2);   // "cd"
    InsertOk(b, "bob", 3, "XY");  // between c and d
    Bytes ba = Take(a), bb = Take(b);
    ApplyOk(a, "bob", bb);
    ApplyOk(b, "alice", ba);
    CHECK(a.Text() == "abXYef");
    CHECK(b.Text() == "abXYef");
  }
  SUBCASE("deleting everything keeps a concurrent insert") {
    TextSequence a = Replica("hello world"), b = Replica("hello world");
    DeleteOk(a, "alice", 0, 11);
    InsertOk(b, "bob", 5, ",");
    InsertOk(b, "bob", 12, "!");
    Bytes ba = Take(a), bb = Take(b);
    ApplyOk(a, "bob", bb);
    ApplyOk(b, "alice", ba);
    CHECK(a.Text() == ",!");
    CHECK(b.Text() == ",!");
  }
  SUBCASE("overlapping deletes delete the union once") {
    TextSequence a = Replica("0123456789"), b = Replica("0123456789");
    DeleteOk(a, "alice", 1, 4);  // 1234
    DeleteOk(b, "bob", 3, 4);    // 3456
    Bytes ba = Take(a), bb = Take(b);
    ApplyOk(a, "bob", bb);
    ApplyOk(b, "alice", ba);
    CHECK(a.Text() == "0789");
    CHECK(b.Text() == "0789");
    CHECK(a.size() == 4);
  }
  SUBCASE("inserting next to a character the peer deletes") {
    TextSequence a = Replica("abc"), b = Replica("abc");
    DeleteOk(a, "alice", 1, 1);  // b
    InsertOk(b, "bob", 2, "1");  // after b
    InsertOk(b, "bob", 1, "0");  // before b
    Bytes ba = Take(a), bb = Take(b);
    ApplyOk(a, "bob", bb);
    ApplyOk(b, "alice", ba);
    CHECK(a.Text() == "a01c");
    CHECK(b.Text() == "a01c");
  }
  SUBCASE("a delete of characters typed concurrently by a third replica") {
    TextSequence a = Replica("ab"), b = Replica("ab"), c = Replica("ab");
    InsertOk(a, "alice", 1, "XYZ");
    Bytes ba = Take(a);
    ApplyOk(b, "alice", ba);
    DeleteOk(b, "bob", 2, 1);      // Y
    InsertOk(c, "carol", 1, "Q");  // concurrent with both
    Bytes bb = Take(b), bc = Take(c);
    ApplyOk(a, "bob", bb);
    ApplyOk(a, "carol", bc);
    ApplyOk(b, "carol", bc);
    ApplyOk(c, "bob", bb);  // before the characters it deletes: waits
    CHECK(c.waiting() > 0);
    CHECK(c.Text() == "aQb");
    ApplyOk(c, "alice", ba);
    CHECK(c.waiting() == 0);
    CHECK(a.Text() == b.Text());
    CHECK(a.Text() == c.Text());
    CHECK(a.Text().find("XZ") != std::string::npos);
    CHECK(a.Text().find('Y') == std::string::npos);
    CHECK(a.size() == 5);
  }
}

// ---- Delivery: duplicates and early batches ----

TEST_CASE("applying a batch twice, or to its own author, changes nothing") {
  TextSequence a = Replica("abc");
  InsertOk(a, "alice", 1, "xyz");
  DeleteOk(a, "alice", 0, 1);
  Bytes batch = Take(a);
  TextSequence b = Replica("abc");
  ApplyOk(b, "alice", batch);
  const std::string text = b.Text();
  const Bytes state = b.Encode();
  ApplyOk(b, "alice", batch);
  CHECK(b.Text() == text);
  CHECK(b.Encode() == state);
  CHECK(b.waiting() == 0);

  const Bytes own = a.Encode();
  ApplyOk(a, "alice", batch);
  CHECK(a.Text() == text);
  CHECK(a.Encode() == own);
  CHECK_FALSE(a.has_local_edits());
}

TEST_CASE("a batch that arrives before the one it builds on waits") {
  TextSequence a;
  InsertOk(a, "alice", 0, "abc");
  Bytes first = Take(a);
  InsertOk(a, "alice", 3, "def");
  DeleteOk(a, "alice", 0, 1);
  Bytes second = Take(a);

  TextSequence b;
  ApplyOk(b, "alice", second);
  CHECK(b.waiting() > 0);
  CHECK(b.Text().empty());
  ApplyOk(b, "alice", second);  // a duplicate while waiting
  CHECK(b.Text().empty());
  // A snapshot keeps what waits.
  TextSequence c = RoundTrip(b);
  CHECK(c.waiting() > 0);
  ApplyOk(b, "alice", first);
  CHECK(b.waiting() == 0);
  CHECK(b.Text() == "bcdef");
  ApplyOk(c, "alice", first);
  CHECK(c.waiting() == 0);
  CHECK(c.Text() == "bcdef");

  SUBCASE("across authors") {
    // Bob types into Alice's text; Carol gets Bob's batch first.
    TextSequence bob;
    ApplyOk(bob, "alice", first);
    InsertOk(bob, "bob", 1, "B");
    Bytes from_bob = Take(bob);
    TextSequence carol;
    ApplyOk(carol, "bob", from_bob);
    CHECK(carol.waiting() > 0);
    CHECK(carol.Text().empty());
    ApplyOk(carol, "alice", second);
    CHECK(carol.Text().empty());
    ApplyOk(carol, "alice", first);
    CHECK(carol.waiting() == 0);
    CHECK(carol.Text() == "Bbcdef");
  }
  SUBCASE("characters that never arrive never change the text") {
    TextSequence bob;
    ApplyOk(bob, "alice", first);
    InsertOk(bob, "bob", 2, "!");
    Bytes from_bob = Take(bob);
    TextSequence dave = Replica("xyz");
    ApplyOk(dave, "bob", from_bob);
    CHECK(dave.Text() == "xyz");
    CHECK(dave.waiting() > 0);
    InsertOk(dave, "dave", 3, "!");
    CHECK(dave.Text() == "xyz!");
  }
}

// ---- Cursors ----

TEST_CASE("anchors follow remote edits") {
  TextSequence a = Replica("hello world"), b = Replica("hello world");
  TextAnchor after_hello = b.AnchorAt(5);
  TextAnchor start = b.AnchorAt(0);
  TextAnchor end = b.AnchorAt(11);
  CHECK(start == TextAnchor{});
  CHECK_FALSE(after_hello.agent.empty());
  CHECK(b.PositionOf(after_hello) == 5);
  CHECK(b.PositionOf(end) == 11);
  CHECK(b.AnchorAt(500) == end);  // past the end: the end

  InsertOk(a, "alice", 0, ">> ");  // before the cursor
  InsertOk(a, "alice", 14, "!");   // after it, at the end
  Bytes ins = Take(a);
  ApplyOk(b, "alice", ins);
  REQUIRE(b.Text() == ">> hello world!");
  CHECK(b.PositionOf(after_hello) == 8);
  CHECK(b.PositionOf(start) == 0);
  CHECK(b.PositionOf(end) == 14);  // the end anchor is "after d", not the end
  // The same on the replica that made the edits.
  CHECK(a.PositionOf(after_hello) == 8);

  DeleteOk(a, "alice", 5, 3);  // "llo": the anchored 'o' goes
  Bytes del = Take(a);
  ApplyOk(b, "alice", del);
  REQUIRE(b.Text() == ">> he world!");
  CHECK(b.PositionOf(after_hello) == 5);  // where the 'o' was, after "he"
  // A later insert before the deleted character still moves the cursor.
  InsertOk(a, "alice", 3, "oh, ");
  ApplyOk(b, "alice", Take(a));
  REQUIRE(b.Text() == ">> oh, he world!");
  CHECK(b.PositionOf(after_hello) == 9);

  // Anchors survive a snapshot round trip.
  TextSequence c = RoundTrip(b);
  CHECK(c.PositionOf(after_hello) == 9);
  CHECK(c.PositionOf(end) == b.PositionOf(end));

  // Anchors name characters: one for a character this replica has not seen
  // resolves to the end.
  TextSequence fresh = Replica("hello world");
  CHECK(fresh.PositionOf(b.AnchorAt(3)) == fresh.size());
  CHECK(fresh.PositionOf(TextAnchor{"nobody", 0}) == fresh.size());
  CHECK(fresh.PositionOf(TextAnchor{after_hello.agent, 999}) == fresh.size());

  // AnchorAt and PositionOf agree everywhere.
  for (size_t p = 0; p <= b.size(); ++p) CHECK(b.PositionOf(b.AnchorAt(p)) == p);
}

// ---- Snapshots ----

// A text with three authors, tombstones, multi-byte characters and enough runs
// to need several blocks.
TextSequence BusyText(int rounds = 60, std::vector<Batch>* batches = nullptr) {
  TextSequence a, b, c;
  std::mt19937 rng(7);
  const std::vector<std::string> words = {"a", "bc", "é", "日本", "😀", "xyz ", "ü"};
  std::vector<std::pair<std::string, TextSequence*>> who = {{"alice", &a}, {"bob", &b}, {"carol", &c}};
  std::vector<Batch> sent;
  for (int round = 0; round < rounds; ++round) {
    for (auto& [name, r] : who) {
      for (int k = 0; k < 5; ++k) {
        if (r->size() > 4 && rng() % 3 == 0) {
          size_t pos = rng() % (r->size() - 1);
          DeleteOk(*r, name, pos, 1 + rng() % 2);
        } else {
          InsertOk(*r, name, rng() % (r->size() + 1), words[rng() % words.size()]);
        }
      }
      sent.push_back({name, Take(*r)});
    }
    for (auto& [name, r] : who)
      for (const Batch& batch : sent)
        if (batch.author != name) ApplyOk(*r, batch.author, batch.bytes);
    if (batches) batches->insert(batches->end(), sent.begin(), sent.end());
    sent.clear();
  }
  REQUIRE(a.Text() == b.Text());
  REQUIRE(a.Text() == c.Text());
  if (rounds >= 60) REQUIRE(a.stats().blocks > 1);
  return a;
}

TEST_CASE("Encode and Decode round trip exactly and keep merging") {
  SUBCASE("empty") {
    TextSequence t;
    TextSequence copy = RoundTrip(t);
    CHECK(copy.size() == 0);
    InsertOk(copy, "a", 0, "x");
    CHECK(copy.Text() == "x");
  }
  SUBCASE("busy") {
    std::vector<Batch> history;
    TextSequence original = BusyText(60, &history);
    TextSequence copy = RoundTrip(original);
    CHECK(copy.stats().chars == original.stats().chars);

    // A peer that was offline sends edits made against an old version.
    TextSequence late;
    for (size_t i = 0; i < history.size() / 2; ++i) ApplyOk(late, history[i].author, history[i].bytes);
    InsertOk(late, "dave", late.size() / 2, "<dave>");
    DeleteOk(late, "dave", 0, 3);
    Bytes from_late = Take(late);
    ApplyOk(original, "dave", from_late);
    ApplyOk(copy, "dave", from_late);
    CHECK(copy.Text() == original.Text());
    CHECK(copy.Text().find("<dave>") != std::string::npos);

    // Local edits on the copy reach the original and the late peer.
    InsertOk(copy, "alice", 3, "[copy]");
    DeleteOk(copy, "alice", copy.size() - 2, 2);
    Bytes from_copy = Take(copy);
    ApplyOk(original, "alice", from_copy);
    CHECK(copy.Text() == original.Text());
    for (size_t i = history.size() / 2; i < history.size(); ++i)
      ApplyOk(late, history[i].author, history[i].bytes);
    ApplyOk(late, "alice", from_copy);
    CHECK(late.Text() == original.Text());
    CHECK(late.waiting() == 0);

    // And the round trip of the merged state is still exact.
    RoundTrip(copy);
  }
}

Bytes Inflate(ByteView in, size_t size) {
  Bytes out(size);
  uLongf n = size;
  REQUIRE(uncompress(out.data(), &n, in.data(), in.size()) == Z_OK);
  REQUIRE(n == size);
  return out;
}

// A state with a different body: the header, then the body deflated.
Bytes Repack(const Bytes& body) {
  Bytes out{0x03};
  for (uint64_t v = body.size();; v >>= 7) {
    out.push_back(static_cast<uint8_t>((v & 0x7F) | (v >= 0x80 ? 0x80 : 0)));
    if (v < 0x80) break;
  }
  uLongf n = compressBound(body.size());
  Bytes packed(n);
  REQUIRE(compress2(packed.data(), &n, body.data(), body.size(), 6) == Z_OK);
  out.insert(out.end(), packed.begin(), packed.begin() + static_cast<ptrdiff_t>(n));
  return out;
}

// The body of an encoded state (format 3: version, varint size, deflated body).
Bytes Unpack(const Bytes& state) {
  REQUIRE(state.size() > 2);
  REQUIRE(state[0] == 0x03);
  uint64_t size = 0;
  size_t i = 1;
  for (int shift = 0;; shift += 7, ++i) {
    size |= static_cast<uint64_t>(state[i] & 0x7F) << shift;
    if (!(state[i] & 0x80)) break;
  }
  return Inflate(ByteView(state).subspan(i + 1), size);
}

// Whatever Decode accepted must be usable: read, edited, merged and encoded.
void Exercise(TextSequence t) {
  std::string text = t.Text();
  CHECK(IsValidUtf8(text));
  CHECK(t.size() <= text.size());
  for (size_t p = 0; p <= t.size(); p += 1 + t.size() / 7) t.PositionOf(t.AnchorAt(p));
  Bytes again = t.Encode();
  auto redecoded = TextSequence::Decode(again);
  CHECK(redecoded.ok());
  InsertOk(t, "x", 0, "a");
  InsertOk(t, "x", t.size(), "é");
  InsertOk(t, "x", t.size() / 2, "mid");
  DeleteOk(t, "x", 0, t.size() / 2);
  t.TakeLocalEdits();
  TextSequence other;
  InsertOk(other, "y", 0, "from y");
  CHECK(t.Apply("y", other.TakeLocalEdits()).ok());
  CHECK(IsValidUtf8(t.Text()));
  auto after = TextSequence::Decode(t.Encode());
  CHECK(after.ok());
  if (after.ok()) CHECK(after->Text() == t.Text());
}

TEST_CASE("Decode refuses truncated and damaged states without crashing") {
  TextSequence small = Replica("héllo 😀");
  InsertOk(small, "alice", 2, "xy");
  DeleteOk(small, "alice", 0, 1);
  small.TakeLocalEdits();
  TextSequence waiting;
  ApplyOk(waiting, "carol", [] {
    TextSequence c = Replica("abc");
    InsertOk(c, "carol", 1, "z");
    return c.TakeLocalEdits();
  }());
  REQUIRE(waiting.waiting() > 0);

  for (const TextSequence* t : {&small, &waiting}) {
    const Bytes full = t->Encode();
    for (size_t n = 0; n < full.size(); ++n) {
      CAPTURE(n);
      auto r = TextSequence::Decode(ByteView(full).first(n));
      CHECK_FALSE(r.ok());
      if (!r.ok()) {
        CHECK(r.status().IsCorruption());
        CHECK_FALSE(r.status().message().empty());
      }
    }

    std::mt19937 rng(42);
    for (int i = 0; i < 2000; ++i) {
      Bytes bad = full;
      int flips = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < flips; ++k) bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      auto r = TextSequence::Decode(bad);
      if (r.ok()) Exercise(std::move(r).value());
    }
  }
  CHECK_FALSE(TextSequence::Decode(Bytes{}).ok());
  CHECK_FALSE(TextSequence::Decode(Bytes{0x03}).ok());
  CHECK_FALSE(TextSequence::Decode(Bytes{0x02, 0x00}).ok());
  CHECK_FALSE(
      TextSequence::Decode(Bytes{0x03, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}).ok());
}

TEST_CASE("Decode checks the inflated body too") {
  // Damage below the deflate layer (re-deflated), which a checksum cannot catch.
  TextSequence busy = BusyText(12);
  DeleteOk(busy, "alice", 1, 2);
  busy.TakeLocalEdits();
  TextSequence waiting = busy;
  {
    TextSequence c = busy;
    InsertOk(c, "carol", 1, "z");
    c.TakeLocalEdits();
    InsertOk(c, "carol", 1, "q");
    ApplyOk(waiting, "carol", c.TakeLocalEdits());
    REQUIRE(waiting.waiting() > 0);
  }
  for (const TextSequence* t : {&busy, &waiting}) {
    const Bytes body = Unpack(t->Encode());
    {
      auto same = TextSequence::Decode(Repack(body));
      REQUIRE(same.ok());
      CHECK(same->Text() == t->Text());
    }
    // Every truncation of the body (a sample of lengths, all of the short ones).
    for (size_t n = 0; n < body.size(); n += n < 64 ? 1 : 1 + body.size() / 256) {
      CAPTURE(n);
      auto r = TextSequence::Decode(Repack(Bytes(body.begin(), body.begin() + static_cast<ptrdiff_t>(n))));
      CHECK_FALSE(r.ok());
    }
    std::mt19937 rng(1234);
    size_t accepted = 0;
    for (int i = 0; i < 1500; ++i) {
      Bytes bad = body;
      int flips = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < flips; ++k) {
        size_t at = rng() % bad.size();
        // Flip small values and high bits alike: varints hold the structure.
        bad[at] =
            rng() % 2 ? static_cast<uint8_t>(bad[at] ^ (1u << (rng() % 8))) : static_cast<uint8_t>(rng() % 8);
      }
      CAPTURE(i);
      auto r = TextSequence::Decode(Repack(bad));
      if (r.ok()) {
        ++accepted;
        Exercise(std::move(r).value());
      }
    }
    CHECK(accepted > 0);  // some damage passes the checks: Exercise ran
  }
}

// ---- Batches from peers ----

TEST_CASE("CheckBatch and Apply refuse malformed batches and accept real ones") {
  // Real batches: inserts, multi-byte text, deletes of several authors' characters.
  TextSequence a = Replica("hello");
  InsertOk(a, "alice", 5, " wörld 😀");
  Bytes insert = Take(a);
  DeleteOk(a, "alice", 0, 3);  // base's characters
  DeleteOk(a, "alice", 4, 2);  // alice's
  InsertOk(a, "alice", 1, "x");
  Bytes mixed = Take(a);
  for (const Bytes* b : {&insert, &mixed}) CHECK(TextSequence::CheckBatch(*b).ok());

  TextSequence target = Replica("hello");
  auto refused = [&](const Bytes& b) {
    Status s = TextSequence::CheckBatch(b);
    CHECK_FALSE(s.ok());
    CHECK_FALSE(TextSequence::Summarize(b).ok());
    Status applied = target.Apply("alice", b);
    CHECK_FALSE(applied.ok());
    CHECK(applied.code() == s.code());
    CHECK(target.Text() == "hello");
    CHECK(target.waiting() == 0);
    return s;
  };
  CHECK(refused(Bytes{}).IsCorruption());
  refused(Bytes{0x00});
  refused(Bytes{0x02, 0x00, 0x00});
  refused(Bytes{0x01});
  refused(Bytes{0x01, 0x00});
  refused(Bytes{0x01, 0x00, 0x01, 0x02});                                     // unknown edit kind
  refused(Bytes{0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0xFF});       // invalid UTF-8
  refused(Bytes{0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00});             // empty insert
  refused(Bytes{0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 'x'});  // origin names agent 1 of 0
  refused(Bytes{0x01, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00});                   // delete of no characters
  refused(Bytes{0x01, 0x00, 0x01, 0x01, 0x01, 0x00, 0x01});  // delete by an unknown agent ref
  refused(Bytes{0x01, 0x01, 0x00, 0x00});                    // an empty agent name
  refused(Bytes{0x01, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x01, 'x'});  // seq too big
  Bytes trailing = insert;
  trailing.push_back(0);
  refused(trailing);
  CHECK_FALSE(target.Apply("", insert).ok());  // no author

  for (const Bytes* real : {&insert, &mixed}) {
    for (size_t n = 0; n < real->size(); ++n) {
      CAPTURE(n);
      refused(Bytes(real->begin(), real->begin() + static_cast<ptrdiff_t>(n)));
    }
  }
  std::mt19937 rng(99);
  for (int i = 0; i < 200; ++i) {
    Bytes garbage(1 + rng() % 40);
    for (auto& byte : garbage) byte = static_cast<uint8_t>(rng());
    garbage[0] = 0x02 + static_cast<uint8_t>(rng() % 200);  // never the real version
    refused(garbage);
  }

  ApplyOk(target, "alice", insert);
  ApplyOk(target, "alice", mixed);
  CHECK(target.Text() == a.Text());
}

TEST_CASE("damaged batches that still parse never crash a replica") {
  // Batches carry no checksum: a flipped byte can make another well-formed
  // batch. Applying it may change the text, but must not break the replica.
  TextSequence a = Replica("The quick brown fox");
  TextSequence b = a;
  InsertOk(b, "bob", 4, "very ");
  Bytes from_b = Take(b);
  ApplyOk(a, "bob", from_b);
  InsertOk(a, "alice", 10, "ish");
  DeleteOk(a, "alice", 0, 4);
  DeleteOk(a, "alice", 8, 3);
  InsertOk(a, "alice", a.size(), "!");
  const Bytes batch = Take(a);
  TextSequence target = Replica("The quick brown fox");
  ApplyOk(target, "bob", from_b);
  std::mt19937 rng(5);
  size_t parsed = 0;
  for (int i = 0; i < 1500; ++i) {
    Bytes bad = batch;
    int flips = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < flips; ++k) {
      size_t at = rng() % bad.size();
      bad[at] =
          rng() % 2 ? static_cast<uint8_t>(bad[at] ^ (1u << (rng() % 8))) : static_cast<uint8_t>(rng() % 8);
    }
    if (!TextSequence::CheckBatch(bad).ok()) {
      TextSequence copy = target;
      CHECK_FALSE(copy.Apply("alice", bad).ok());
      continue;
    }
    ++parsed;
    CAPTURE(caseboard::ToHex(bad));
    TextSequence copy = target;
    REQUIRE(copy.Apply("alice", bad).ok());
    CHECK(IsValidUtf8(copy.Text()));
    // The real batch still applies, and the state still round-trips.
    REQUIRE(copy.Apply("alice", batch).ok());
    auto decoded = TextSequence::Decode(copy.Encode());
    CHECK(decoded.ok());
    if (decoded.ok()) CHECK(decoded->Text() == copy.Text());
    InsertOk(copy, "zed", copy.size() / 2, "z");
    DeleteOk(copy, "zed", 0, copy.size() / 3);
    copy.TakeLocalEdits();
  }
  CHECK(parsed > 50);  // the test exercised Apply, not just the parser
}

TEST_CASE("Summarize counts the characters a batch inserts and deletes") {
  TextSequence t = Replica("hello");
  InsertOk(t, "alice", 5, " wörld 😀");  // 8 code points
  DeleteOk(t, "alice", 0, 2);
  DeleteOk(t, "alice", 3, 4);  // spans base's and alice's characters
  auto sum = TextSequence::Summarize(Take(t));
  REQUIRE(sum.ok());
  CHECK(sum->inserted == 8);
  CHECK(sum->deleted == 6);
  DeleteOk(t, "alice", 0, 1);
  sum = TextSequence::Summarize(Take(t));
  REQUIRE(sum.ok());
  CHECK(sum->inserted == 0);
  CHECK(sum->deleted == 1);
  CHECK_FALSE(TextSequence::Summarize(Bytes{0x01, 0x00}).ok());
}

// ---- Damaged state and batches ----

TEST_CASE("Decode refuses bytes after the deflated state") {
  TextSequence t;
  InsertOk(t, "a", 0, "hi");
  Bytes longer = t.Encode();
  longer.push_back(0x00);
  longer.push_back(0x55);
  CHECK_FALSE(TextSequence::Decode(longer).ok());
}

TEST_CASE("a refused batch leaves no trace, not even its agent names") {
  TextSequence t;
  InsertOk(t, "a", 0, "hi");
  t.TakeLocalEdits();
  const Bytes before = t.Encode();
  // Two agent names, then garbage: nothing may be interned before the whole
  // batch has decoded.
  Bytes junk{0x01, 0x02, 0x03, 'e', 'v', 'e', 0x04, 'j', 'u', 'n', 'k', 0x07};
  CHECK_FALSE(t.Apply("mallory", junk).ok());
  CHECK(t.Encode() == before);
}

TEST_CASE("Decode refuses a waiting insert with no text") {
  // Body: one agent "w", no runs, no text; one waiting edit: insert, agent 0,
  // seq 0, len 0, no origins, "" (DecodeBatch refuses an empty insert).
  const Bytes body = {0x01, 0x01, 'w', 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  Bytes state{0x03, static_cast<uint8_t>(body.size())};
  uLongf n = compressBound(body.size());
  Bytes packed(n);
  REQUIRE(compress2(packed.data(), &n, body.data(), body.size(), 6) == Z_OK);
  state.insert(state.end(), packed.begin(), packed.begin() + static_cast<ptrdiff_t>(n));
  // Accepted, it would be integrated as a zero-length run once anything
  // arrived, and the text's own snapshot would no longer decode.
  CHECK_FALSE(TextSequence::Decode(state).ok());
}

// Known limitation (should_fail keeps the suite green and turns red once it is
// fixed: then drop the decorator). The fix is to judge each insert against
// its change's causal past: see the text CRDT notes in issue 8.
TEST_CASE("known limitation: batches with forged origins make replicas diverge" * doctest::should_fail()) {
  // A real replica's insert names two origins with nothing but tombstones
  // between them (on its side). Apply does not check that, and with origins
  // that were never neighbours the result depends on the order of arrival:
  // a device that may write can split everyone's copy of a text for good.
  // "X" between the start and 'b' (skipping 'a'), "Y" between the start and 'c'.
  const Bytes x = {0x01, 0x01, 0x04, 'b', 'a', 's', 'e', 0x01, 0x00, 0x00, 0x00, 0x02, 0x01, 0x01, 'X'};
  const Bytes y = {0x01, 0x01, 0x04, 'b', 'a', 's', 'e', 0x01, 0x00, 0x00, 0x00, 0x02, 0x02, 0x01, 'Y'};
  REQUIRE(TextSequence::CheckBatch(x).ok());
  REQUIRE(TextSequence::CheckBatch(y).ok());
  TextSequence p = Replica("abcdef"), q = Replica("abcdef");
  ApplyOk(p, "mallory", x);
  ApplyOk(p, "trudy", y);
  ApplyOk(q, "trudy", y);
  ApplyOk(q, "mallory", x);
  CHECK(p.Text() == q.Text());  // today: "aYXbcdef" vs "aXbYcdef"
}

TEST_CASE("a snapshot holds unsent local characters but not the edits to send") {
  // Take local edits before Encode: the snapshot keeps the text, but what was
  // not yet taken is no longer pending after Decode.
  TextSequence t = Replica("ab");
  InsertOk(t, "alice", 1, "X");
  REQUIRE(t.has_local_edits());
  auto decoded = TextSequence::Decode(t.Encode());
  REQUIRE(decoded.ok());
  CHECK(decoded->Text() == "aXb");
  CHECK_FALSE(decoded->has_local_edits());
  CHECK(decoded->TakeLocalEdits().empty());
  CHECK(t.has_local_edits());  // the original still has them
}

// ---- Copies ----

TEST_CASE("a copy is independent of its original") {
  TextSequence original = Replica("abc");
  InsertOk(original, "alice", 3, "def");
  TextSequence copy(original);
  CHECK(copy.Text() == "abcdef");
  CHECK(copy.has_local_edits());  // pending local edits are copied too
  CHECK(copy.Encode() == original.Encode());

  InsertOk(copy, "alice", 0, ">");
  DeleteOk(original, "alice", 0, 1);
  CHECK(copy.Text() == ">abcdef");
  CHECK(original.Text() == "bcdef");

  Bytes from_copy = Take(copy);
  Bytes from_original = Take(original);
  CHECK(from_copy != from_original);
  TextSequence peer = Replica("abc");
  ApplyOk(peer, "alice", from_copy);
  CHECK(peer.Text() == ">abcdef");

  // Assignment, including from a text with waiting edits.
  TextSequence waiting;
  ApplyOk(waiting, "alice", from_copy);  // needs "abc" from base
  REQUIRE(waiting.waiting() > 0);
  TextSequence assigned = Replica("zzz");
  assigned = waiting;
  CHECK(assigned.waiting() == waiting.waiting());
  // Feed "abc" to the assigned copy only.
  TextSequence typed;
  InsertOk(typed, "base", 0, "abc");
  ApplyOk(assigned, "base", Take(typed));
  CHECK(assigned.Text() == ">abcdef");
  CHECK(assigned.waiting() == 0);
  CHECK(waiting.Text().empty());
  CHECK(waiting.waiting() > 0);

  // Copies of a multi-block text keep working independently.
  TextSequence busy = BusyText();
  TextSequence busy_copy = busy;
  const std::string text = busy.Text();
  for (int i = 0; i < 200; ++i) InsertOk(busy_copy, "x", (i * 37) % (busy_copy.size() + 1), "é");
  CHECK(busy.Text() == text);
  CHECK(busy_copy.size() == busy.size() + 200);
  TextSequence busy_peer = busy;
  ApplyOk(busy_peer, "x", Take(busy_copy));
  CHECK(busy_peer.Text() == busy_copy.Text());
}

}  // namespace
