// The review document through caseboard-cli, as a field team uses it: two real
// vaults on disk, the second added as a member by the first, both editing the
// same review offline and merging both ways through files.
#include <doctest/doctest.h>

#include "cli_device.h"

using namespace caseboard;
using namespace caseboard::test;

TEST_CASE("two vaults edit one review offline and merge both ways to the same hash") {
  TempDir dir;
  Device one = MakeDevice(dir, "one"), two = MakeDevice(dir, "two");
  std::string review =
      one.Ok({"review", "create", "--title", "Review of Child B", "--name", "Chair Ann Lowe"});
  CHECK(review.size() == 32);
  one.Ok({"member", "add", review, IdentityOf(two), "--role", "editor", "--compartments", "general,family",
          "--name", "Reviewer Sam Okoro"});

  std::string note =
      one.Ok({"entity", "add", review, "note", "title=Home visit", "body=Spoke with the mother."});
  std::string family =
      one.Ok({"entity", "add", review, "note", "title=Family account", "--compartment", "family"});
  std::string secret =
      one.Ok({"entity", "add", review, "note", "title=Police disclosure", "--compartment", "restricted"});

  std::string x = dir.Sub("one.changes"), y = dir.Sub("two.changes");
  one.Ok({"changes", "export", review, "--out", x});
  CliRun imported = two.Run({"changes", "import", x});
  REQUIRE_MESSAGE(imported.exit_code == 0, imported.err);
  CHECK(imported.out.find("quarantined") == std::string::npos);

  // The member without the restricted key sees that the review has records it cannot read, never their
  // content.
  CHECK(two.Run({"entity", "get", review, secret}).exit_code == 1);
  CHECK(two.Ok({"review", "show", review}).find("no key for the restricted compartment") !=
        std::string::npos);
  CHECK(two.Ok({"entity", "get", review, family}).find("Family account") != std::string::npos);
  CHECK(two.Run({"entity", "add", review, "note", "title=x", "--compartment", "restricted"}).exit_code == 1);

  // Offline, both edit: the same field, different fields, a delete.
  one.Ok({"entity", "set", review, note, "title=Home visit (one)"});
  two.Ok(
      {"entity", "set", review, note, "title=Home visit (two)", "body=Spoke with mother and grandmother."});
  std::string note2 = two.Ok({"entity", "add", review, "note", "title=Written on two"});
  one.Ok({"entity", "delete", review, family});

  two.Ok({"changes", "export", review, "--out", y});
  one.Ok({"changes", "import", y});
  one.Ok({"changes", "export", review, "--out", x});
  two.Ok({"changes", "import", x});

  // Compare what both devices can read: the owner's view includes the
  // restricted compartment, so compare the member's hash with the owner's
  // after the owner gives it the restricted key as well.
  one.Ok({"member", "add", review, IdentityOf(two), "--role", "editor", "--compartments",
          "general,family,restricted"});
  one.Ok({"changes", "export", review, "--out", x});
  two.Ok({"changes", "import", x});
  std::string h1 = one.Ok({"review", "hash", review}), h2 = two.Ok({"review", "hash", review});
  CHECK(h1.size() == 64);
  CHECK(h1 == h2);
  CHECK(one.Ok({"review", "show", review, "--json"}) == two.Ok({"review", "show", review, "--json"}));

  // Nothing typed offline was lost.
  std::string shown = one.Ok({"review", "show", review, "--json"});
  CHECK(shown.find("Written on two") != std::string::npos);
  CHECK(shown.find("Spoke with mother and grandmother.") != std::string::npos);
  CHECK(shown.find("Police disclosure") != std::string::npos);
  CHECK(shown.find("Family account") == std::string::npos);  // deleted
  CHECK(two.Ok({"entity", "get", review, note2, "--json"}).find("Written on two") != std::string::npos);

  // The audit trail names both devices.
  std::string history = one.Ok({"history", review, note});
  CHECK(history.find("(owner, Chair Ann Lowe)") != std::string::npos);
  CHECK(history.find("(editor, Reviewer Sam Okoro)") != std::string::npos);
  CHECK(one.Ok({"changes", "quarantined", review}).empty());

  // Removing the member starts a new key epoch the removed device never gets.
  std::string two_id = IdentityOf(two).substr(7, 32);
  one.Ok({"member", "remove", review, two_id});
  one.Ok({"entity", "add", review, "note", "title=After removal"});
  one.Ok({"changes", "export", review, "--out", x});
  two.Ok({"changes", "import", x});
  CHECK(two.Ok({"review", "show", review, "--json"}).find("After removal") == std::string::npos);
  CHECK(one.Ok({"review", "show", review, "--json"}).find("After removal") != std::string::npos);
}

TEST_CASE("review and entity commands check their input and say what is wrong") {
  TempDir dir;
  Device one = MakeDevice(dir, "one");
  std::string review = one.Ok({"review", "create", "--title", "Checks"});
  CliRun bad_field = one.Run({"entity", "add", review, "note", "colour=red"});
  CHECK(bad_field.exit_code == 1);
  CHECK(bad_field.err.find("no field 'colour'") != std::string::npos);
  CliRun bad_type = one.Run({"entity", "add", review, "spaceship"});
  CHECK(bad_type.err.find("unknown entity type") != std::string::npos);
  CHECK(one.Run({"review", "show", "0123456789abcdef0123456789abcdef"}).err.find("no review") !=
        std::string::npos);
  CHECK(one.Run({"review", "create"}).exit_code == 2);
  CHECK(one.Run({"member", "add", review, "cbdev1:nonsense", "--role", "editor"}).exit_code == 1);
  std::string junk = dir.Sub("junk");
  WriteFile(junk, AsBytes("not a changes file"));
  CliRun imp = one.Run({"changes", "import", junk});
  CHECK(imp.exit_code == 1);
  CHECK(imp.err.find("not a Caseboard changes file") != std::string::npos);
  CHECK(Trimmed(one.Ok({"review", "list"})).rfind(review, 0) == 0);  // id first

  // A file in and out.
  std::string file = dir.Sub("report.txt");
  WriteFile(file, AsBytes(std::string(200000, 'r')));
  std::string att = one.Ok({"attach", review, file});
  one.Ok({"extract", review, att, "--out", dir.Sub("back.txt")});
  CHECK(ReadFile(dir.Sub("back.txt")) == ReadFile(file));
}

TEST_CASE("text insert, delete and get: two devices type into one note offline and merge") {
  TempDir dir;
  Device one = MakeDevice(dir, "one"), two = MakeDevice(dir, "two");
  std::string review = one.Ok({"review", "create", "--title", "Review of Child C"});
  one.Ok({"member", "add", review, IdentityOf(two), "--role", "editor", "--compartments", "general"});
  std::string note = one.Ok({"entity", "add", review, "note", "title=Panel notes", "body=Agreed: ."});
  std::string x = dir.Sub("one.changes"), y = dir.Sub("two.changes");
  one.Ok({"changes", "export", review, "--out", x});
  two.Ok({"changes", "import", x});

  // Positions count characters, not bytes: "é" is one.
  one.Ok({"text", "insert", review, note, "body", "8", "réunion held"});
  two.Ok({"text", "insert", review, note, "body", "8", "chronology late"});
  two.Ok({"text", "delete", review, note, "body", "0", "8"});
  CHECK(one.Ok({"text", "get", review, note, "body"}) == "Agreed: réunion held.");
  CHECK(two.Ok({"text", "get", review, note, "body"}) == "chronology late.");

  one.Ok({"changes", "export", review, "--out", x});
  two.Ok({"changes", "export", review, "--out", y});
  one.Ok({"changes", "import", y});
  two.Ok({"changes", "import", x});
  std::string merged = one.Ok({"text", "get", review, note, "body"});
  CHECK(merged == two.Ok({"text", "get", review, note, "body"}));
  CHECK(merged.find("réunion held") != std::string::npos);
  CHECK(merged.find("chronology late") != std::string::npos);
  CHECK(merged.find("Agreed") == std::string::npos);
  CHECK(one.Ok({"review", "hash", review}) == two.Ok({"review", "hash", review}));

  // Bad input: a clear error and nothing changed.
  CliRun past = one.Run({"text", "insert", review, note, "body", "999", "x"});
  CHECK(past.exit_code == 1);
  CHECK(past.err.find("past the end") != std::string::npos);
  CliRun bad_utf8 = one.Run({"text", "insert", review, note, "body", "0", "\xff\xfe"});
  CHECK(bad_utf8.exit_code == 1);
  CHECK(bad_utf8.err.find("UTF-8") != std::string::npos);
  CHECK(one.Run({"text", "insert", review, note, "title", "0", "x"}).err.find("not a text field") !=
        std::string::npos);
  CHECK(one.Run({"text", "delete", review, note, "body", "0", "-3"}).exit_code == 2);
  CHECK(one.Run({"text", "get", review, note}).exit_code == 2);
  CHECK(one.Ok({"text", "get", review, note, "body"}) == merged);
}
