// The C API (core/include/caseboard/caseboard.h) through libcaseboard, as an
// app would call it: vaults, reviews, commands and read models, texts with
// anchors, streamed attachments, changes by file.
#include <doctest/doctest.h>

#include <filesystem>
#include <vector>

#include "capi_support.h"
#include "cli_runner.h"
#include "test_support.h"

using namespace caseboard::test;
using nlohmann::json;

namespace {

const std::string kPass = "passphrase of device A";

// `error` by reference: read after the call has filled it.
Failure Fails(caseboard_status status, char*& error) {
  Failure f{status, Take(error)};
  return f;
}

// A review with one chronology entry (its "event" is a text field).
struct Fixture {
  TempDir dir;
  caseboard_vault* vault = CreateVault(dir.Sub("a"), kPass);
  caseboard_review* review = nullptr;
  std::string entry;
  Fixture() {
    CAPI_OK(caseboard_review_create(vault, "SCR Child A", nullptr, "Northshire LSCB", "2024-12-02", &review,
                                    &capi_error_));
    entry = Command(review, {{"command", "add_record"},
                             {"type", "chronology_entry"},
                             {"fields",
                              {{"agency", "Police"},
                               {"date", "2024-03-01"},
                               {"significance", "key"},
                               {"event", "Hello world"}}}})["id"];
  }
  ~Fixture() {
    caseboard_review_close(review);
    caseboard_vault_close(vault);
  }
};

}  // namespace

TEST_CASE("a vault is created, locked, refused a wrong passphrase and unlocked") {
  TempDir dir;
  caseboard_vault* v = CreateVault(dir.Sub("v"), kPass);
  CHECK(caseboard_vault_is_unlocked(v) == 1);
  caseboard_review* r = nullptr;
  CAPI_OK(caseboard_review_create(v, "SCR Child B", "scr-wt2015", nullptr, "2024-12-02", &r, &capi_error_));
  std::string before = Hash(r);

  CAPI_OK(caseboard_vault_lock(v, &capi_error_));
  CHECK(caseboard_vault_is_unlocked(v) == 0);
  char* error = nullptr;
  char* hash = nullptr;
  Failure locked = Fails(caseboard_review_hash(r, &hash, &error), error);
  CHECK(locked.status == CASEBOARD_LOCKED);
  CHECK(hash == nullptr);
  CHECK(locked.message.find("locked") != std::string::npos);

  std::string wrong = "not the passphrase";
  Failure refused = Fails(caseboard_vault_unlock(v, Octets(wrong), wrong.size(), &error), error);
  CHECK(refused.status == CASEBOARD_AUTH_FAILED);
  CHECK(refused.message.find("passphrase") != std::string::npos);
  CHECK(caseboard_vault_is_unlocked(v) == 0);

  CAPI_OK(caseboard_vault_unlock(v, Octets(kPass), kPass.size(), &capi_error_));
  CHECK(Hash(r) == before);  // the review handle reopened its review

  // The vault is in use by this process: a second open is refused while it is.
  caseboard_vault* again = nullptr;
  Failure busy = Fails(caseboard_vault_open(dir.Sub("v").c_str(), &again, &error), error);
  CHECK(busy.status == CASEBOARD_BUSY);
  CHECK(again == nullptr);

  caseboard_review_close(r);
  caseboard_vault_close(v);
  // Closed: it opens again, locked.
  CAPI_OK(caseboard_vault_open(dir.Sub("v").c_str(), &again, &capi_error_));
  CHECK(caseboard_vault_is_unlocked(again) == 0);
  CAPI_OK(caseboard_vault_unlock(again, Octets(kPass), kPass.size(), &capi_error_));
  char* list = nullptr;
  CAPI_OK(caseboard_review_list(again, &list, &capi_error_));
  json reviews = json::parse(Take(list));
  REQUIRE(reviews.size() == 1);
  CHECK(reviews[0]["title"] == "SCR Child B");
  caseboard_review* reopened = nullptr;
  CAPI_OK(caseboard_review_open(again, reviews[0]["id"].get<std::string>().c_str(), &reopened, &capi_error_));
  CHECK(Hash(reopened) == before);
  caseboard_review_close(reopened);
  caseboard_vault_close(again);

  Failure missing = Fails(caseboard_vault_open(dir.Sub("none").c_str(), &again, &error), error);
  CHECK(missing.status != CASEBOARD_OK);
  CHECK(!missing.message.empty());
  CHECK(std::string(caseboard_status_name(CASEBOARD_AUTH_FAILED)) == "auth_failed");
  CHECK(std::string(caseboard_status_name(CASEBOARD_REVOKED)) == "revoked");

  // Wiping: refused while a handle is open, then the vault is gone.
  CAPI_OK(caseboard_vault_open(dir.Sub("v").c_str(), &again, &capi_error_));
  Failure in_use = Fails(caseboard_vault_wipe(dir.Sub("v").c_str(), &error), error);
  CHECK(in_use.status == CASEBOARD_BUSY);
  caseboard_vault_close(again);
  CAPI_OK(caseboard_vault_wipe(dir.Sub("v").c_str(), &capi_error_));
  Failure gone = Fails(caseboard_vault_open(dir.Sub("v").c_str(), &again, &error), error);
  CHECK(gone.status != CASEBOARD_OK);
  Failure twice = Fails(caseboard_vault_wipe(dir.Sub("v").c_str(), &error), error);
  CHECK(twice.status == CASEBOARD_NOT_FOUND);
}

TEST_CASE("bad commands are refused with a clear message and write nothing") {
  Fixture f;
  std::string before = Hash(f.review);
  struct Bad {
    std::string command;
    std::string says;
  };
  std::vector<Bad> bad = {
      {"{not json", "not valid JSON"},
      {"[1,2]", "JSON object"},
      {R"({"type": "agency"})", "needs \"command\""},
      {R"({"command": "launch_rocket"})", "unknown command 'launch_rocket'"},
      {R"({"command": "add_record", "fields": {}})", "needs 'type'"},
      {R"({"command": "add_record", "type": 7})", "'type' must be a string"},
      {R"({"command": "add_record", "type": "agency", "feilds": {}})", "no member 'feilds'"},
      {R"({"command": "add_record", "type": "agency", "fields": [1]})", "'fields' must be an object"},
      {R"({"command": "add_record", "type": "no_such_type", "fields": {}})", "no_such_type"},
      {R"({"command": "assess_marker", "number": "three", "rating": "met"})", "'number'"},
      {R"({"command": "decide", "outcome": "proceed", "rationale": "ok", "date": "2024-13-45"})",
       "2024-13-45"},
      {R"({"command": "destroy", "kind": "agency_reports"})", "has not set a retention period"},
      {R"({"command": "destroy", "kind": "everything"})", "unknown kind of material"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.command);
    char* error = nullptr;
    char* result = nullptr;
    Failure fail = Fails(caseboard_review_command(f.review, b.command.c_str(), &result, &error), error);
    CHECK(fail.status == CASEBOARD_INVALID_ARGUMENT);
    CHECK(result == nullptr);
    CHECK_MESSAGE(fail.message.find(b.says) != std::string::npos, fail.message);
  }
  CHECK(Hash(f.review) == before);

  char* error = nullptr;
  char* out = nullptr;
  Failure unknown = Fails(caseboard_review_read(f.review, "gossip", nullptr, &out, &error), error);
  CHECK(unknown.status == CASEBOARD_INVALID_ARGUMENT);
  CHECK(unknown.message.find("unknown read model 'gossip'") != std::string::npos);
  Failure bad_params =
      Fails(caseboard_review_read(f.review, "records", "{\"type\": 1}", &out, &error), error);
  CHECK(bad_params.status == CASEBOARD_INVALID_ARGUMENT);
  Failure null_arg = Fails(caseboard_review_command(f.review, nullptr, &out, &error), error);
  CHECK(null_arg.status == CASEBOARD_INVALID_ARGUMENT);
  CHECK(null_arg.message.find("NULL") != std::string::npos);
}

TEST_CASE("a phone destroys what the retention schedule says is due, through the destroy command") {
  Fixture f;
  Command(f.review, {{"command", "add_record"},
                     {"type", "publication_plan"},
                     {"fields", {{"decision", "publish"}, {"publish_on", "2024-03-01"}}}});
  Command(f.review, {{"command", "set_record"},
                     {"type", "retention"},
                     {"fields", {{"starts_from", "published"}, {"agency_reports_years", 1}}}});
  json done = Command(f.review, {{"command", "destroy"}, {"kind", "agency_reports"}});
  CHECK(done["records"] == 1);  // the fixture's chronology entry
  json retention = json::parse(Read(f.review, "retention"));
  REQUIRE(retention["destructions"].size() == 1);
  CHECK(retention["destructions"][0]["what"] == "agency_reports");
  char* out = nullptr;
  char* error = nullptr;
  Failure gone = Fails(caseboard_text_get(f.review, f.entry.c_str(), "event", &out, &error), error);
  CHECK(gone.status == CASEBOARD_NOT_FOUND);
}

TEST_CASE("commands move a review on, and read models match caseboard-cli --json") {
  TempDir dir;
  std::string vault_dir = dir.Sub("v");
  caseboard_vault* v = CreateVault(vault_dir, kPass);
  caseboard_review* r = nullptr;
  CAPI_OK(caseboard_review_create(v, "SCR Child D", "scr-wt2015", "Northshire LSCB", "2024-12-02", &r,
                                  &capi_error_));
  Command(r, {{"command", "set_record"},
              {"type", "referral"},
              {"fields",
               {{"referrer", "Health visitor"},
                {"referrer_agency", "Community health"},
                {"senior_officer_support", true},
                {"aware_on", "2024-11-28"},
                {"referred_on", "2024-11-29"},
                {"categories", {"notify.child_died"}},
                {"criteria_met", "yes"},
                {"rationale", "Infant died; neglect suspected."}}}});
  json step = Command(
      r, {{"command", "add_record"},
          {"type", "chronology_entry"},
          {"fields",
           {{"agency", "Police"}, {"date", "2024-03-01"}, {"significance", "key"}, {"event", "Call-out"}}}});
  CHECK(step["id"].is_string());
  Command(r,
          {{"command", "answer_checklist"}, {"checklist", "scoping"}, {"item", "period"}, {"answer", "yes"}});
  Command(r, {{"command", "assess_marker"}, {"number", 3}, {"rating", "met"}, {"notes", "Agreed at panel."}});

  const json today = {{"today", "2024-12-04"}};
  struct Model {
    std::string name;
    json params;
    std::vector<std::string> cli;
  };
  char* id = nullptr;
  CAPI_OK(caseboard_review_id(r, &id, &capi_error_));
  std::string review = Take(id);
  std::vector<Model> models = {
      {"status", today, {"scr", "status", review, "--today", "2024-12-04"}},
      {"deadlines",
       {{"today", "2024-12-04"}, {"all", true}},
       {"scr", "deadlines", review, "--today", "2024-12-04", "--all"}},
      {"records", {{"type", "chronology_entry"}}, {"scr", "list", review, "chronology_entry"}},
      {"chair", {}, {"scr", "chair", review}},
      {"checklists", {{"checklist", "scoping"}}, {"scr", "checklist", review, "scoping"}},
      {"chronology",
       {{"agencies", "Police"}, {"sort", "agency"}},
       {"scr", "chronology", review, "--agency", "Police", "--sort", "agency"}},
      {"markers", {}, {"scr", "markers", review}},
      {"recommendations", {}, {"scr", "recommendations", review}},
      {"signoffs", {}, {"scr", "signoffs", review}},
      {"frameworks", {}, {"scr", "frameworks"}},
      {"roles", {}, {"scr", "roles"}},
  };
  std::vector<std::string> ours;
  for (const auto& m : models) ours.push_back(Read(r, m.name, m.params));
  char* categories = nullptr;
  CAPI_OK(caseboard_reference_data("categories", &categories, &capi_error_));
  std::string categories_json = Take(categories);

  // caseboard-cli cannot open the vault while this process has it open.
  caseboard_review_close(r);
  caseboard_vault_close(v);
  std::vector<std::string> env = {"CASEBOARD_PASSPHRASE=" + kPass};
  for (size_t i = 0; i < models.size(); ++i) {
    CAPTURE(models[i].name);
    std::vector<std::string> args = {"--vault", vault_dir};
    args.insert(args.end(), models[i].cli.begin(), models[i].cli.end());
    args.push_back("--json");
    CliRun run = Cli(args, env);
    REQUIRE_MESSAGE(run.exit_code == 0, run.err);
    CHECK(run.out == ours[i] + "\n");  // byte for byte
  }
  CliRun cats = Cli({"--vault", vault_dir, "scr", "categories", "--json"}, env);
  CHECK(cats.out == categories_json + "\n");
  json st = json::parse(ours[0]);
  CHECK(st["review"] == review);
  CHECK(json::parse(ours[2]).size() == 1);
}

TEST_CASE("a cursor anchor stays in place when another device inserts before it") {
  Fixture a;
  TempDir dir_b;
  caseboard_vault* vb = CreateVault(dir_b.Sub("b"), "passphrase of B");
  char* line = nullptr;
  CAPI_OK(caseboard_vault_device(vb, &line, &capi_error_));
  Command(a.review, {{"command", "assign_role"},
                     {"role", "lead_reviewer"},
                     {"person", "Lead reviewer"},
                     {"device", Take(line)}});

  char* anchor = nullptr;
  CAPI_OK(caseboard_text_anchor(a.review, a.entry.c_str(), "event", 5, &anchor, &capi_error_));
  std::string cursor = Take(anchor);  // just after "Hello"
  CHECK(!cursor.empty());

  Carry(a.review, vb);
  char* id = nullptr;
  CAPI_OK(caseboard_review_id(a.review, &id, &capi_error_));
  caseboard_review* rb = nullptr;
  CAPI_OK(caseboard_review_open(vb, Take(id).c_str(), &rb, &capi_error_));
  CHECK(Text(rb, a.entry, "event") == "Hello world");
  Insert(rb, a.entry, "event", 0, "Né: ");  // B types at the start, offline
  Carry(rb, a.vault);                       // export flushes B's burst

  size_t pos = 0;
  CAPI_OK(caseboard_text_position(a.review, a.entry.c_str(), "event", cursor.c_str(), &pos, &capi_error_));
  CHECK(pos == 9);  // 4 code points arrived before it
  char* after = nullptr;
  CAPI_OK(caseboard_text_insert_at(a.review, a.entry.c_str(), "event", cursor.c_str(), ", dear", 6, &after,
                                   &capi_error_));
  CAPI_OK(caseboard_text_position(a.review, a.entry.c_str(), "event", after, &pos, &capi_error_));
  Take(after);
  CHECK(pos == 15);
  CHECK(Text(a.review, a.entry, "event") == "Né: Hello, dear world");
  Carry(a.review, vb);
  CHECK(Hash(rb) == Hash(a.review));

  char* error = nullptr;
  Failure bad =
      Fails(caseboard_text_position(a.review, a.entry.c_str(), "event", "garbage", &pos, &error), error);
  CHECK(bad.status == CASEBOARD_INVALID_ARGUMENT);
  Failure not_text =
      Fails(caseboard_text_insert(a.review, a.entry.c_str(), "agency", 0, "x", 1, &error), error);
  CHECK(not_text.status == CASEBOARD_INVALID_ARGUMENT);
  CHECK(not_text.message.find("not a text field") != std::string::npos);
  std::string invalid = "\xff\xfe";
  Failure bad_utf8 = Fails(
      caseboard_text_insert(a.review, a.entry.c_str(), "event", 0, invalid.data(), invalid.size(), &error),
      error);
  CHECK(bad_utf8.status == CASEBOARD_INVALID_ARGUMENT);
  CHECK(Text(a.review, a.entry, "event") == "Né: Hello, dear world");
  caseboard_review_close(rb);
  caseboard_vault_close(vb);
}

namespace {

struct Source {
  const std::vector<uint8_t>* data;
  size_t at = 0;
  size_t chunk = 0;  // at most this much per call
  int calls = 0;
  int64_t fail_at_call = -1;
};

int64_t ReadChunk(void* user, uint8_t* buf, size_t capacity) {
  auto* s = static_cast<Source*>(user);
  if (s->calls++ == s->fail_at_call) return -1;
  size_t n = std::min({capacity, s->chunk, s->data->size() - s->at});
  std::memcpy(buf, s->data->data() + s->at, n);
  s->at += n;
  return static_cast<int64_t>(n);
}

struct Sink {
  std::vector<uint8_t> data;
  int calls = 0;
  int stop_after = -1;
};

int WriteChunk(void* user, const uint8_t* data, size_t size) {
  auto* s = static_cast<Sink*>(user);
  if (s->calls++ == s->stop_after) return 1;
  s->data.insert(s->data.end(), data, data + size);
  return 0;
}

}  // namespace

TEST_CASE("attachments stream in and out through callbacks, chunk by chunk") {
  Fixture f;
  std::vector<uint8_t> file(300 * 1000 + 17);
  for (size_t i = 0; i < file.size(); ++i) file[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
  Source src{&file, 0, 7000};
  char* entity = nullptr;
  CAPI_OK(caseboard_file_attach(f.review, "interview.pdf", "application/pdf", nullptr, ReadChunk, &src,
                                &entity, &capi_error_));
  std::string id = Take(entity);
  CHECK(src.calls > 40);
  Sink sink;
  CAPI_OK(caseboard_file_extract(f.review, id.c_str(), WriteChunk, &sink, &capi_error_));
  CHECK(sink.calls >= 4);  // 64 KiB pieces
  CHECK(sink.data == file);

  std::string before = Hash(f.review);
  Source failing{&file, 0, 7000, 0, 3};
  char* error = nullptr;
  Failure stopped =
      Fails(caseboard_file_attach(f.review, "x.bin", nullptr, nullptr, ReadChunk, &failing, &entity, &error),
            error);
  CHECK(stopped.status == CASEBOARD_CANCELLED);
  CHECK(entity == nullptr);
  CHECK(Hash(f.review) == before);  // nothing attached
  Sink stopping;
  stopping.stop_after = 1;
  Failure cut = Fails(caseboard_file_extract(f.review, id.c_str(), WriteChunk, &stopping, &error), error);
  CHECK(cut.status == CASEBOARD_CANCELLED);
  Failure none = Fails(caseboard_file_extract(f.review, "nope", WriteChunk, &sink, &error), error);
  CHECK(none.status == CASEBOARD_NOT_FOUND);
}

TEST_CASE("changes exported from one vault and imported into another give the same review") {
  Fixture a;
  Insert(a.review, a.entry, "event", 0, "Officers attended. ");
  // Not flushed: export signs the burst first.
  TempDir dir_b;
  caseboard_vault* vb = CreateVault(dir_b.Sub("b"), "passphrase of B");
  AddMember(a.review, vb);
  uint8_t* data = nullptr;
  size_t size = 0;
  CAPI_OK(caseboard_changes_export(a.review, &data, &size, &capi_error_));
  char* summary = nullptr;
  CAPI_OK(caseboard_changes_import(vb, data, size, &summary, &capi_error_));
  json s = json::parse(Take(summary));
  CHECK(s["outcomes"]["applied"].get<int>() == s["changes"].get<int>());
  // Importing twice changes nothing.
  CAPI_OK(caseboard_changes_import(vb, data, size, &summary, &capi_error_));
  CHECK(json::parse(Take(summary))["outcomes"]["duplicate"] == s["changes"]);
  caseboard_buffer_free(data, size);

  caseboard_review* rb = nullptr;
  CAPI_OK(caseboard_review_open(vb, s["review"].get<std::string>().c_str(), &rb, &capi_error_));
  CHECK(Hash(rb) == Hash(a.review));
  CHECK(Text(rb, a.entry, "event") == "Officers attended. Hello world");

  std::string junk = "definitely not a changes file";
  char* error = nullptr;
  Failure bad = Fails(caseboard_changes_import(vb, Octets(junk), junk.size(), &summary, &error), error);
  CHECK(bad.status == CASEBOARD_INVALID_ARGUMENT);
  CHECK(bad.message.find("not a Caseboard changes file") != std::string::npos);
  caseboard_review_close(rb);
  caseboard_vault_close(vb);
}
