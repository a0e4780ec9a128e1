// Helpers shared by the text CRDT unit suites (text_test, text_codec_test):
// checked edits, replicas with a given text, and concurrent typists.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/crdt/text.h"
#include "caseboard/status.h"

namespace text_support {

using caseboard::AsBytes;
using caseboard::Bytes;
using caseboard::ByteView;
using caseboard::IsValidUtf8;
using caseboard::Status;
using caseboard::crdt::TextAnchor;
using caseboard::crdt::TextSequence;

// ---- Helpers ----

// The code points of (valid) UTF-8 text, one UTF-8 string each.
inline std::vector<std::string> Chars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

inline void InsertOk(TextSequence& t, const std::string& agent, size_t pos, const std::string& text) {
  Status s = t.Insert(agent, pos, text);
  REQUIRE_MESSAGE(s.ok(), "insert '", text, "' at ", pos, ": ", s.message());
}

inline void DeleteOk(TextSequence& t, const std::string& agent, size_t pos, size_t len) {
  Status s = t.Delete(agent, pos, len);
  REQUIRE_MESSAGE(s.ok(), "delete ", len, " at ", pos, ": ", s.message());
}

inline void ApplyOk(TextSequence& t, const std::string& author, const Bytes& batch) {
  Status s = t.Apply(author, batch);
  REQUIRE_MESSAGE(s.ok(), "apply a batch by ", author, ": ", s.message());
}

inline Bytes Take(TextSequence& t) {
  REQUIRE(t.has_local_edits());
  Bytes b = t.TakeLocalEdits();
  REQUIRE_FALSE(b.empty());
  CHECK_FALSE(t.has_local_edits());
  CHECK(TextSequence::CheckBatch(b).ok());
  return b;
}

// A replica that starts from `text`, typed by "base" and received as a batch.
inline TextSequence Replica(const std::string& text) {
  TextSequence base;
  if (!text.empty()) InsertOk(base, "base", 0, text);
  TextSequence r;
  if (!text.empty()) ApplyOk(r, "base", Take(base));
  REQUIRE(r.Text() == text);
  return r;
}

inline TextSequence RoundTrip(const TextSequence& t) {
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
inline std::vector<Batch> Type(TextSequence& r, const Typist& who, size_t pos) {
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
inline std::string TypeConcurrently(const std::vector<Typist>& typists) {
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

// A text with three authors, tombstones, multi-byte characters and enough runs
// to need several blocks.
inline TextSequence BusyText(int rounds = 60, std::vector<Batch>* batches = nullptr) {
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

}  // namespace text_support
