// The serious case review through caseboard-cli, as a board's business
// support officer would script it: start, fill in, get refused with a clear
// reason, move on, check deadlines and sign-offs, merge across devices.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_device.h"

using namespace caseboard;
using namespace caseboard::test;
using nlohmann::json;

namespace {

json Json(const Device& d, const std::vector<std::string>& args) { return json::parse(d.Ok(args)); }

}  // namespace

TEST_CASE("a review moves from referral to decision only once its gate is met") {
  TempDir dir;
  Device chair = MakeDevice(dir, "chair");
  std::string review = chair.Ok({"scr", "start", "--title", "SCR Child D", "--board", "Northshire LSCB",
                                 "--opened", "2024-12-02", "--name", "Business manager"});
  json st = Json(chair, {"scr", "status", review, "--json", "--today", "2024-12-02"});
  CHECK(st["stage"] == "referral");
  CHECK(st["can_advance"] == false);

  CliRun refused = chair.Run({"scr", "advance", review, "--today", "2024-12-02"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("rationale for the referral") != std::string::npos);

  CliRun bad_category = chair.Run({"scr", "set", review, "referral", "categories=notify.made_up"});
  CHECK(bad_category.exit_code == 1);
  CHECK(bad_category.err.find("unknown notification category") != std::string::npos);

  chair.Ok({"scr", "set", review, "referral", "referrer=Health visitor", "referrer_agency=Community health",
            "senior_officer_support=true", "aware_on=2024-11-28", "referred_on=2024-11-29",
            "categories=notify.child_died", "criteria_met=yes", "rationale=Infant died; neglect suspected."});
  CHECK(chair.Ok({"scr", "advance", review, "--today", "2024-12-02"}) == "decision");

  // Appendix 2: a panel member's view without its rationale is refused.
  CliRun no_rationale = chair.Run(
      {"scr", "add", review, "panel_view", "member=Police DI", "agency=Police", "recommends=review"});
  CHECK(no_rationale.exit_code == 1);
  CHECK(no_rationale.err.find("rationale") != std::string::npos);
  chair.Ok({"scr", "add", review, "panel_view", "member=Police DI", "agency=Police", "recommends=review",
            "rationale=Criteria met: death with neglect suspected."});
  chair.Ok({"scr", "add", review, "agency_information", "agency=Police", "summary=Two call-outs in 2024."});

  // Appendix 1: a child died and neglect is suspected, so not proceeding is refused.
  chair.Ok({"scr", "set", review, "chair_decision", "child_died=yes", "abuse_or_neglect=yes", "culpability=4",
            "public_interest=2", "panel_response=accept"});
  json verdict = Json(chair, {"scr", "chair", review, "--json"});
  CHECK(verdict["verdict"] == "must_commission");
  CHECK(verdict["methodology"].get<std::string>().find("hybrid") != std::string::npos);
  CliRun contradict =
      chair.Run({"scr", "decide", review, "not_proceed", "--rationale", "No learning expected."});
  CHECK(contradict.exit_code == 1);
  CHECK(contradict.err.find("must be commissioned") != std::string::npos);

  // Proceeding on Friday 20 December 2024 starts the 5-working-day
  // notification deadline: over Christmas it falls on 31 December.
  chair.Ok(
      {"scr", "decide", review, "proceed", "--rationale", "Statutory criteria met.", "--date", "2024-12-20"});
  json deadlines = Json(chair, {"scr", "deadlines", review, "--json", "--today", "2024-12-23"});
  REQUIRE(deadlines.size() == 2);
  CHECK(deadlines[0]["id"] == "notify");
  CHECK(deadlines[0]["due"] == "2024-12-31");
  CHECK(deadlines[0]["state"] == "due");
  CHECK(Json(chair, {"scr", "deadlines", review, "--json", "--today", "2024-12-30"})[0]["state"] ==
        "at risk");
  CHECK(Json(chair, {"scr", "deadlines", review, "--json", "--today", "2025-01-02"})[0]["state"] ==
        "overdue");
  CHECK(deadlines[1]["due"] == "2025-06-20");  // six months

  CHECK(chair.Ok({"scr", "advance", review, "--today", "2024-12-23"}) == "commissioning");
  chair.Ok(
      {"scr", "set", review, "notification", "sent_on=2025-01-02", "recipients=ofsted,dfe,national_panel"});
  CHECK(Json(chair, {"scr", "deadlines", review, "--json"})[0]["state"] == "met late");
}

TEST_CASE("a decision not to proceed drafts the letters and closes the review once they are sent") {
  TempDir dir;
  Device chair = MakeDevice(dir, "chair");
  std::string review = chair.Ok({"scr", "start", "--title", "Referral E", "--opened", "2025-03-03"});
  chair.Ok({"scr", "set", review, "referral", "referrer=School nurse", "referrer_agency=Health",
            "safeguarding_lead=Named nurse", "senior_officer_support=true", "aware_on=2025-02-26",
            "referred_on=2025-02-27", "categories=consider.concerns_not_taken_seriously", "criteria_met=no",
            "rationale=Concern that a referral was not acted on."});
  CHECK(Json(chair, {"scr", "categories", "--json"}).size() == 14);  // 4 must-notify, 3 always, 7 consider
  chair.Ok({"scr", "advance", review});
  chair.Ok({"scr", "add", review, "agency_information", "agency=Health", "summary=Universal services only."});
  chair.Ok({"scr", "add", review, "panel_view", "member=Named nurse", "recommends=no_review",
            "rationale=No abuse or neglect; single-agency learning."});
  chair.Ok({"scr", "set", review, "chair_decision", "child_died=no", "abuse_or_neglect=no",
            "panel_response=accept"});
  chair.Ok({"scr", "decide", review, "not_proceed", "--rationale",
            "Criteria not met; single-agency review instead.", "--date", "2025-03-10"});
  json letters = Json(chair, {"scr", "list", review, "letter", "--json"});
  REQUIRE(letters.size() == 4);
  json st = Json(chair, {"scr", "status", review, "--json"});
  CHECK(st["can_advance"] == false);
  CHECK(st["missing"].dump().find("national panel") != std::string::npos);
  for (const auto& l : letters) chair.Ok({"scr", "update", review, l["id"], "sent_on=2025-03-11"});
  CHECK(chair.Ok({"scr", "advance", review}) == "closed");
  CHECK(Json(chair, {"scr", "status", review, "--json"})["stage"] == "closed");
}

TEST_CASE("a signed-off agency report edited afterwards shows its sign-off as invalid on every device") {
  TempDir dir;
  Device author = MakeDevice(dir, "author"), chair = MakeDevice(dir, "chair2");
  std::string review = chair.Ok({"scr", "start", "--title", "SCR Child F"});
  chair.Ok({"member", "add", review, IdentityOf(author), "--role", "editor", "--compartments", "general"});
  std::string agency = chair.Ok({"scr", "add", review, "agency", "name=Children's social care"});
  std::string report = chair.Ok({"scr", "add", review, "agency_report", "agency=" + agency,
                                 "title=CSC agency report", "body=Five contacts between 2022 and 2024."});
  chair.Ok({"scr", "signoff", review, report, "--signer", "Director of Children's Services", "--date",
            "2025-01-10"});
  CHECK(chair.Run({"scr", "signoffs", review}).exit_code == 0);

  std::string out = dir.Sub("chair.changes");
  chair.Ok({"changes", "export", review, "--out", out});
  author.Ok({"changes", "import", out});
  CHECK(author.Run({"scr", "signoffs", review}).exit_code == 0);  // checks on another device too

  author.Ok({"scr", "update", review, report, "body=Four contacts between 2022 and 2024."});
  CliRun checked = author.Run({"scr", "signoffs", review, "--json"});
  CHECK(checked.exit_code == 1);
  json checks = json::parse(checked.out);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0]["valid"] == false);
  CHECK(checks[0]["reason"].get<std::string>().find("changed after it was signed") != std::string::npos);

  // Chronology entries from both devices merge into one sorted timeline.
  chair.Ok({"scr", "add", review, "chronology_entry", "agency=Police", "date=2023-05-02", "time=21:40",
            "event=Call-out to the home", "significance=key"});
  author.Ok({"scr", "add", review, "chronology_entry", "agency=Health", "date=2023-05-02", "time=09:15",
             "event=Missed health visit", "significance=notable"});
  CHECK(author
            .Run({"scr", "add", review, "chronology_entry", "agency=Health", "date=2023-05-03", "time=25:00",
                  "event=x"})
            .exit_code == 1);
  std::string a = dir.Sub("a.changes"), b = dir.Sub("b.changes");
  chair.Ok({"changes", "export", review, "--out", a});
  author.Ok({"changes", "export", review, "--out", b});
  author.Ok({"changes", "import", a});
  chair.Ok({"changes", "import", b});
  CHECK(chair.Ok({"review", "hash", review}) == author.Ok({"review", "hash", review}));
  json rows = Json(chair, {"scr", "chronology", review, "--json"});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["agency"] == "Health");
  CHECK(rows[1]["agency"] == "Police");
  CHECK(Json(chair, {"scr", "chronology", review, "--json", "--significance", "key"}).size() == 1);
  CHECK(Json(author, {"scr", "status", review, "--json", "--today", "2025-02-03"}) ==
        Json(chair, {"scr", "status", review, "--json", "--today", "2025-02-03"}));
}

TEST_CASE("holidays: the calendar lists bank holidays and takes an administrator's one-off") {
  TempDir dir;
  Device admin = MakeDevice(dir, "admin");
  json y2023 = Json(admin, {"holidays", "--year", "2023", "--json"});
  CHECK(y2023.size() == 9);  // the 8 rule holidays and the coronation
  CHECK(y2023.dump().find("2023-05-08") != std::string::npos);
  admin.Ok({"holidays", "add", "2031-06-13", "--name", "Example one-off holiday"});
  CHECK(Json(admin, {"holidays", "--year", "2031", "--json"}).dump().find("2031-06-13") != std::string::npos);
  CliRun weekend = admin.Run({"holidays", "add", "2031-06-14", "--name", "A Saturday"});
  CHECK(weekend.exit_code == 1);
  // A deadline over the new holiday moves by a day.
  std::string review = admin.Ok({"scr", "start", "--title", "R", "--framework", "lcspr-wt2018"});
  admin.Ok({"scr", "set", review, "referral", "aware_on=2031-06-10"});
  CHECK(Json(admin, {"scr", "deadlines", review, "--json", "--today", "2031-06-10"})[0]["due"] ==
        "2031-06-18");
}

TEST_CASE(
    "publication-check: finds names, dates and schools in the report, replaces names, exits 1 until clean") {
  TempDir dir;
  Device lead = MakeDevice(dir, "lead");
  std::string review = lead.Ok({"scr", "start", "--title", "SCR Child K"});
  lead.Ok({"scr", "add", review, "person", "group=child", "name=Kayleigh Morton", "pseudonym=Child K"});
  std::string section =
      lead.Ok({"scr", "add", review, "report_section", "part=final_report", "order=1", "title=Background",
               "text=KAYLEIGH's school, St Bede's Primary School, noticed bruising on 03/05/2019."});
  CliRun found = lead.Run({"scr", "publication-check", review, "--json"});
  CHECK(found.exit_code == 1);
  json hits = json::parse(found.out);
  REQUIRE(hits.size() == 3);
  CHECK(hits[0]["kind"] == "name");
  CHECK(hits[0]["replacement"] == "Child K's");
  CHECK(hits[1]["kind"] == "school");
  CHECK(hits[2]["found"] == "03/05/2019");

  CliRun replaced = lead.Run({"scr", "publication-check", review, "--replace-names", "--json"});
  CHECK(replaced.exit_code == 1);  // the school and the date are for a person to rewrite
  CHECK(json::parse(replaced.out).size() == 2);
  json section_now = Json(lead, {"scr", "list", review, "report_section", "--json"});
  CHECK(section_now[0]["fields"]["text"].get<std::string>().rfind("Child K's school", 0) == 0);

  lead.Ok({"scr", "update", review, section, "text=Child K's school noticed bruising in May 2019."});
  CHECK(lead.Run({"scr", "publication-check", review}).exit_code == 0);
}

TEST_CASE("export: the publication pack as PDF, HTML and DOCX; refused while the check finds something") {
  TempDir dir;
  Device lead = MakeDevice(dir, "lead");
  std::string review = lead.Ok({"scr", "start", "--title", "Child K"});
  lead.Ok({"scr", "add", review, "person", "group=child", "name=Kayleigh Morton", "pseudonym=Child K"});
  std::string section = lead.Ok({"scr", "add", review, "report_section", "part=final_report", "order=1",
                                 "title=What happened", "text=Kayleigh was seen at school on 03/05/2019."});
  std::string response =
      lead.Ok({"scr", "add", review, "board_response", "text=The board accepts the findings."});
  std::string pdf = dir.Sub("pack.pdf");

  CliRun refused = lead.Run({"export", review, "--format", "pdf", "--out", pdf});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("publication check finds 2") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(pdf));

  lead.Ok({"export", review, "--format", "pdf", "--out", pdf, "--draft"});
  std::string draft = RunProgram("/usr/bin/pdftotext", {pdf, "-"}).out;
  CHECK(draft.find("DRAFT, not for publication") != std::string::npos);
  CHECK(draft.find("Kayleigh was seen") != std::string::npos);

  lead.Ok({"scr", "update", review, section, "text=Child K was seen at school in May 2019."});
  for (const char* format : {"pdf", "html", "docx"})
    lead.Ok({"export", review, "--format", format, "--out", dir.Sub(std::string("pack.") + format)});
  std::string text = RunProgram("/usr/bin/pdftotext", {pdf, "-"}).out;
  CHECK(text.find("DRAFT") == std::string::npos);
  CHECK(text.find("Child K was seen at school in May 2019.") != std::string::npos);
  CHECK(text.find("The board accepts the findings.") != std::string::npos);
  CHECK(RunProgram("/usr/bin/unzip", {"-p", dir.Sub("pack.docx"), "word/document.xml"})
            .out.find("Child K was seen at school in May 2019.") != std::string::npos);
  std::ifstream html(dir.Sub("pack.html"));
  std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  CHECK(page.find("<p>Child K was seen at school in May 2019.</p>") != std::string::npos);

  // Signing off the response records what the check said, signed with it.
  lead.Ok({"scr", "signoff", review, response, "--signer", "Board chair", "--statement", "Agreed."});
  json signoffs = Json(lead, {"scr", "signoffs", review, response, "--json"});
  REQUIRE(signoffs.size() == 1);
  CHECK(signoffs[0]["valid"] == true);
  CHECK(signoffs[0]["publication_check"] == "nothing found in 3 texts");
  CHECK(lead.Ok({"scr", "signoffs", review}).find("publication check when signed: nothing found") !=
        std::string::npos);

  CHECK(lead.Run({"export", review, "--format", "odt", "--out", dir.Sub("pack.odt")}).exit_code == 2);
  CHECK(lead.Run({"export", review, "--format", "pdf"}).exit_code == 2);
  lead.Ok({"scr", "add", review, "publication_plan", "decision=not_publish", "reasons=Risk to a sibling."});
  CliRun not_published = lead.Run({"export", review, "--format", "pdf", "--out", pdf});
  CHECK(not_published.exit_code == 1);
  CHECK(not_published.err.find("not to publish") != std::string::npos);
}

TEST_CASE("subject-access: the records concerning a person, as JSON and as an HTML bundle") {
  TempDir dir;
  Device lead = MakeDevice(dir, "lead");
  std::string review = lead.Ok({"scr", "start", "--title", "Child K"});
  std::string mother =
      lead.Ok({"scr", "add", review, "person", "group=family", "name=Donna Morton", "pseudonym=Mother"});
  lead.Ok({"scr", "add", review, "person", "group=practitioner", "name=Sarah Jennings"});
  lead.Ok(
      {"scr", "add", review, "conversation", "person=" + mother, "notes=Sarah Jennings <had> not called."});
  lead.Ok({"scr", "add", review, "finding", "title=Unrelated", "text=Nothing about anyone."});
  json report = Json(lead, {"scr", "subject-access", review, mother, "--json"});
  REQUIRE(report["records"].size() == 2);
  CHECK(report["third_party_marks"] == 1);
  CHECK(report["records"][1]["marks"][0]["found"] == "Sarah Jennings");
  CHECK(report["records"][1]["marks"][0]["third_party"] == true);

  std::string html = dir.Sub("sar.html");
  lead.Ok({"scr", "subject-access", review, mother, "--out", html});
  std::ifstream in(html);
  std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(page.find("Sarah Jennings [third party]</mark>") != std::string::npos);
  CHECK(page.find("&lt;had&gt;") != std::string::npos);
  CHECK(page.find("Nothing about anyone") == std::string::npos);
  CHECK(lead.Run({"scr", "subject-access", review, "no-such-person"}).exit_code == 1);
}

TEST_CASE(
    "access-log: exporting restricted records is logged as signed entries only restricted members read") {
  TempDir dir;
  Device lead = MakeDevice(dir, "lead");
  Device reader = MakeDevice(dir, "reader");
  std::string review = lead.Ok({"scr", "start", "--title", "Child K"});
  lead.Ok(
      {"member", "add", review, IdentityOf(reader), "--role", "reader", "--compartments", "general,family"});
  std::string mother = lead.Ok({"scr", "add", review, "person", "group=family", "name=Donna Morton"});
  std::string talk = lead.Ok({"scr", "add", review, "conversation", "person=" + mother,
                              "notes=Disclosed in confidence.", "--compartment", "restricted"});
  lead.Ok({"scr", "add", review, "conversation", "person=" + mother, "notes=An ordinary visit."});
  std::string file = dir.Sub("statement.txt");
  { std::ofstream(file) << "a restricted statement"; }
  std::string attachment = lead.Ok({"attach", review, file, "--compartment", "restricted"});
  CHECK(lead.Ok({"scr", "access-log", review}).find("no restricted record has been") != std::string::npos);

  lead.Ok({"scr", "subject-access", review, mother, "--out", dir.Sub("sar.html")});
  lead.Ok({"extract", review, attachment, "--out", dir.Sub("out.txt")});
  CHECK((std::filesystem::status(dir.Sub("out.txt")).permissions() & std::filesystem::perms::group_read) ==
        std::filesystem::perms::none);
  json log = Json(lead, {"scr", "access-log", review, "--json"});
  REQUIRE(log.size() == 2);  // the restricted conversation and the file; not the ordinary visit
  CHECK(log[0]["action"] == "exported");
  CHECK(log[0]["record"] == talk);
  CHECK(log[0]["how"] == "subject access bundle");
  CHECK(log[1]["record"] == attachment);
  std::string device = lead.Ok({"whoami"}).substr(10, 32);
  CHECK(log[1]["device"] == device);

  // The entries travel as signed changes; a member without the restricted
  // compartment gets neither the records nor the log.
  std::string changes = dir.Sub("changes");
  lead.Ok({"changes", "export", review, "--out", changes});
  reader.Ok({"changes", "import", changes});
  CHECK(Json(reader, {"scr", "list", review, "conversation", "--json"}).size() == 1);  // the ordinary visit
  CliRun blind = reader.Run({"scr", "access-log", review});
  CHECK(blind.exit_code == 1);
  CHECK(blind.err.find("restricted compartment") != std::string::npos);
}

TEST_CASE("retention: the board's periods, what is due (exit 1), a legal hold, and destruction") {
  TempDir dir;
  Device admin = MakeDevice(dir, "admin");
  std::string review = admin.Ok({"scr", "start", "--title", "Child K"});
  admin.Ok({"scr", "add", review, "publication_plan", "decision=publish", "publish_on=2024-03-01"});
  admin.Ok(
      {"scr", "add", review, "conversation", "kind=interview", "notes=Grandmother: RETAINED-MARKER-881"});
  admin.Ok({"scr", "set", review, "retention", "starts_from=published", "interviews_years=1",
            "final_report_years=25"});
  CliRun due = admin.Run({"scr", "retention", review, "--today", "2025-03-01", "--json"});
  CHECK(due.exit_code == 1);
  json r = json::parse(due.out);
  CHECK(r["kinds"][1]["kind"] == "interviews");
  CHECK(r["kinds"][1]["state"] == "due");
  CHECK(r["kinds"][3]["due"] == "2049-03-01");
  admin.Ok({"scr", "set", review, "retention", "legal_hold=true", "hold_reason=Inquest pending"});
  CliRun held = admin.Run({"scr", "retention", review, "--today", "2025-03-01"});
  CHECK(held.exit_code == 0);
  CHECK(held.out.find("LEGAL HOLD: nothing may be destroyed (Inquest pending)") != std::string::npos);

  // Destruction: refused under the hold, and before the period has run out.
  CliRun refused = admin.Run({"scr", "destroy", review, "interviews", "--yes", "--today", "2025-03-01"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("legal hold") != std::string::npos);
  CHECK(Json(admin, {"scr", "list", review, "conversation", "--json"}).size() == 1);
  admin.Ok({"scr", "set", review, "retention", "legal_hold=false"});
  CliRun early = admin.Run({"scr", "destroy", review, "interviews", "--yes", "--today", "2025-02-28"});
  CHECK(early.exit_code == 1);
  CHECK(early.err.find("kept until 2025-03-01") != std::string::npos);
  // Without --yes nothing happens.
  CliRun unconfirmed = admin.Run({"scr", "destroy", review, "interviews", "--today", "2025-03-01"});
  CHECK(unconfirmed.exit_code == 2);
  CHECK(Json(admin, {"scr", "list", review, "conversation", "--json"}).size() == 1);
  std::string done = admin.Ok({"scr", "destroy", review, "interviews", "--yes", "--today", "2025-03-01"});
  CHECK(done.find("Destroyed 1 interviews records") != std::string::npos);
  CHECK(Json(admin, {"scr", "list", review, "conversation", "--json"}).empty());
  json after = Json(admin, {"scr", "retention", review, "--today", "2025-03-01", "--json"});
  CHECK(after["kinds"][1]["state"] == "done");
  REQUIRE(after["destructions"].size() == 1);
  CHECK(after["destructions"][0]["what"] == "interviews");
  CHECK(after["destructions"][0]["records"] == 1);
  CHECK(after["destructions"][0]["on"].get<std::string>().size() == 10);
  // Nothing is left to destroy, so the schedule no longer reports it due.
  CliRun listed = admin.Run({"scr", "retention", review, "--today", "2025-03-01"});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("Interviews and conversations (0 records): destroyed (due since 2025-03-01)") !=
        std::string::npos);
  CHECK(listed.out.find("interviews, 1 records, 0 attached files") != std::string::npos);
}
