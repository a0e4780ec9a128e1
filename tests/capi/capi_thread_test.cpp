// The C API's thread-safety contract (caseboard.h: THREADS): one vault used
// from two threads at once, each with its own review handle, editing and
// reading; the calls are serialised inside, nothing is lost, and the result
// is the same review a second vault gets by import.
#include <doctest/doctest.h>

#include <thread>

#include "capi_support.h"
#include "test_support.h"

using namespace caseboard::test;
using nlohmann::json;

namespace {

constexpr int kEdits = 150;

// One thread's work: types kEdits characters at the end of its own entry's
// text, reading a read model and the hash in between.
void Typist(caseboard_vault* vault, const std::string& review_id, const std::string& entry, char letter,
            std::string* failure) {
  caseboard_review* r = nullptr;
  char* error = nullptr;
  auto fail = [&](const char* what) {
    *failure = std::string(what) + ": " + (error ? error : "");
    caseboard_string_free(error);
  };
  if (caseboard_review_open(vault, review_id.c_str(), &r, &error) != CASEBOARD_OK) return fail("open");
  for (int i = 0; i < kEdits; ++i) {
    if (caseboard_text_insert(r, entry.c_str(), "event", static_cast<size_t>(i), &letter, 1, &error) !=
        CASEBOARD_OK)
      return fail("insert");
    if (i % 10 == 0) {
      char* out = nullptr;
      if (caseboard_review_read(r, "chronology", nullptr, &out, &error) != CASEBOARD_OK) return fail("read");
      caseboard_string_free(out);
      if (caseboard_review_hash(r, &out, &error) != CASEBOARD_OK) return fail("hash");
      caseboard_string_free(out);
    }
    if (i % 25 == 24 && caseboard_text_flush(r, &error) != CASEBOARD_OK) return fail("flush");
  }
  caseboard_review_close(r);
}

}  // namespace

TEST_CASE("one vault used from two threads at once") {
  TempDir dir;
  caseboard_vault* v = CreateVault(dir.Sub("a"), "passphrase");
  caseboard_review* r = nullptr;
  CAPI_OK(caseboard_review_create(v, "SCR Child T", nullptr, nullptr, "2024-12-02", &r, &capi_error_));
  std::string entries[2];
  for (auto& e : entries)
    e = Command(r, {{"command", "add_record"},
                    {"type", "chronology_entry"},
                    {"fields", {{"agency", "Police"}, {"date", "2024-03-01"}, {"event", "."}}}})["id"];
  char* id = nullptr;
  CAPI_OK(caseboard_review_id(r, &id, &capi_error_));
  std::string review_id = Take(id);

  std::string failures[2];
  std::thread one(Typist, v, review_id, entries[0], 'a', &failures[0]);
  std::thread two(Typist, v, review_id, entries[1], 'b', &failures[1]);
  one.join();
  two.join();
  CHECK_MESSAGE(failures[0].empty(), failures[0]);
  CHECK_MESSAGE(failures[1].empty(), failures[1]);

  CHECK(Text(r, entries[0], "event") == std::string(kEdits, 'a') + ".");
  CHECK(Text(r, entries[1], "event") == std::string(kEdits, 'b') + ".");
  std::string hash = Hash(r);

  // Everything was signed and stored: a second vault that imports the
  // changes, and this vault after a lock and unlock, read the same review.
  TempDir dir_b;
  caseboard_vault* vb = CreateVault(dir_b.Sub("b"), "passphrase of B");
  AddMember(r, vb);
  hash = Hash(r);
  Carry(r, vb);
  caseboard_review* rb = nullptr;
  CAPI_OK(caseboard_review_open(vb, review_id.c_str(), &rb, &capi_error_));
  CHECK(Hash(rb) == hash);
  CAPI_OK(caseboard_vault_lock(v, &capi_error_));
  std::string pass = "passphrase";
  CAPI_OK(caseboard_vault_unlock(v, Octets(pass), pass.size(), &capi_error_));
  CHECK(Hash(r) == hash);

  // Locking from another thread while this one reads: each call sees the
  // vault either unlocked (and answers) or locked (and says so), never half.
  std::thread locker([&] {
    char* error = nullptr;
    for (int i = 0; i < 20; ++i) {
      caseboard_vault_lock(v, &error);
      caseboard_string_free(error);
      caseboard_vault_unlock(v, Octets(pass), pass.size(), &error);
      caseboard_string_free(error);
    }
  });
  for (int i = 0; i < 200; ++i) {
    char* out = nullptr;
    char* error = nullptr;
    caseboard_status s = caseboard_review_hash(r, &out, &error);
    CHECK((s == CASEBOARD_OK || s == CASEBOARD_LOCKED));
    if (s == CASEBOARD_OK) CHECK(std::string(out) == hash);
    caseboard_string_free(out);
    caseboard_string_free(error);
  }
  locker.join();

  caseboard_review_close(rb);
  caseboard_vault_close(vb);
  caseboard_review_close(r);
  caseboard_vault_close(v);
}
