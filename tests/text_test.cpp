// Unit tests of the text CRDT (caseboard::crdt::TextSequence): local edits in
// code points, UTF-8 checks, the FugueMax merge of concurrent typing, deletes
// racing inserts, duplicate and early batches, cursors and copies.
// text_codec_test covers snapshots and damaged input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "text_support.h"

using namespace text_support;

namespace {

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
