// Sign-offs of agency reports (guidance section 4: "Agency reports should be
// 'signed off' by a senior manager"; section 2, senior managers "sign off the
// agency reports confirming that they are happy with its quality and
// recommendations"): a signed statement over the report's content that stops
// being valid when the report, or a file attached to it, changes, that cannot
// be forged or altered, that gates the information stage, and that another
// device checks the same way.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "caseboard/domain/calendar.h"
#include "caseboard/domain/framework.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/domain/signoff.h"
#include "caseboard/domain/workflow.h"
#include "caseboard/review/replica.h"
#include "domain_support.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::domain;
using namespace caseboard::test;
using nlohmann::json;
using review::Replica;

namespace {

constexpr char kSigner[] = "Det Supt M. Jones";
constexpr char kStatement[] = "I am satisfied with the quality of this report and its recommendations.";

// A review on one device with one agency report (body and an attached file).
struct Review {
  Review() {
    auto r = ScrReview::Start(*vault, "Review of Child B", "scr-wt2015", "Northshire LSCB", D("2024-03-01"));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    replica = std::move(*r);
    scr = std::make_unique<ScrReview>(*replica);
    agency = Add("agency", {{"name", "Northshire Police"}, {"senior_manager", kSigner}});
    report = Add("agency_report", {{"agency", agency},
                                   {"title", "Police agency report"},
                                   {"body", "Officers attended twice in 2023; no referral was made."},
                                   {"submitted_on", "2024-05-20"}});
    auto file = replica->AttachFile("police-chronology.pdf", "application/pdf", ReadFrom("chronology v1"));
    REQUIRE_MESSAGE(file.ok(), file.status().ToString());
    attachment = *file;
    auto s = scr->UpdateRecord(report, {{"files", json::array({attachment})}});
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }

  std::string Add(const std::string& type, const Fields& fields) {
    auto id = scr->AddRecord(type, fields);
    REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    return *id;
  }

  std::string Sign(const std::string& subject, const char* on = "2024-06-03") {
    auto id = scr->SignOff(subject, kSigner, "senior_manager", kStatement, D(on));
    REQUIRE_MESSAGE(id.ok(), id.status().ToString());
    return *id;
  }

  TempDir dir;
  std::unique_ptr<store::Vault> vault = CreateVault(dir.str());
  std::unique_ptr<Replica> replica;
  std::unique_ptr<ScrReview> scr;
  std::string agency, report, attachment;
};

std::optional<SignoffCheck> CheckOf(const Replica& r, const std::string& signoff) {
  for (const auto& c : CheckSignoffs(r))
    if (c.signoff == signoff) return c;
  return std::nullopt;
}

// The information stage's "signoffs_valid" requirement, judged now.
GateItem SignoffGate(const Replica& r) {
  const Stage* stage = FindFramework("scr-wt2015")->FindStage("information");
  REQUIRE(stage);
  for (const auto& req : stage->gate)
    if (req.rule == "signoffs_valid") return CheckRequirement(r, req);
  FAIL("the information stage has no signoffs_valid rule");
  return {};
}

}  // namespace

TEST_CASE("a senior manager's sign-off of an agency report is valid until the report changes") {
  Review r;
  std::string signoff = r.Sign(r.report);
  auto checks = CheckSignoffs(*r.replica);
  REQUIRE(checks.size() == 1);
  CHECK(checks[0].signoff == signoff);
  CHECK(checks[0].subject == r.report);
  CHECK(checks[0].signer == kSigner);
  CHECK(checks[0].signer_role == "senior_manager");
  CHECK(checks[0].signed_on == "2024-06-03");
  CHECK_MESSAGE(checks[0].valid, checks[0].reason);
  CHECK(checks[0].reason.empty());
  CHECK(CheckSignoffs(*r.replica, r.report).size() == 1);
  CHECK(CheckSignoffs(*r.replica, r.agency).empty());
  auto rec = FindRecord(r.replica->document(), signoff);
  REQUIRE(rec);
  CHECK(rec->Str("content_hash") == *ContentHash(*r.replica, r.report));
  CHECK(rec->Str("device") == r.replica->device());

  // Changing anything else of the review leaves it valid.
  REQUIRE(r.scr->UpdateRecord(r.agency, {{"contact", "DCI Shah"}}).ok());
  r.Add("chronology_entry", {{"agency", "Police"}, {"date", "2023-02-01"}, {"event", "Call-out"}});
  CHECK(CheckOf(*r.replica, signoff)->valid);

  // Editing the report's body afterwards breaks it.
  REQUIRE(r.scr
              ->UpdateRecord(
                  r.report,
                  {{"body", "Officers attended twice in 2023; a referral was made but not followed up."}})
              .ok());
  auto check = CheckOf(*r.replica, signoff);
  REQUIRE(check.has_value());
  CHECK_FALSE(check->valid);
  CHECK(Has(check->reason, "changed after it was signed"));

  // Signing again gives a valid sign-off; the old one stays invalid.
  std::string again = r.Sign(r.report, "2024-06-10");
  CHECK(CheckOf(*r.replica, again)->valid);
  CHECK_FALSE(CheckOf(*r.replica, signoff)->valid);

  // An edit made character by character counts just the same.
  REQUIRE(r.replica->InsertText(r.report, "body", 0, "Revised. ").ok());
  REQUIRE(r.replica->FlushText().ok());
  CHECK_FALSE(CheckOf(*r.replica, again)->valid);
  // So does a change of title or of date.
  std::string third = r.Sign(r.report, "2024-06-11");
  REQUIRE(r.scr->UpdateRecord(r.report, {{"submitted_on", "2024-05-21"}}).ok());
  CHECK_FALSE(CheckOf(*r.replica, third)->valid);
}

TEST_CASE("replacing or adding a file attached to the report invalidates its sign-off") {
  Review r;
  std::string signoff = r.Sign(r.report);
  REQUIRE(CheckOf(*r.replica, signoff)->valid);

  auto v2 = r.replica->AttachFile("police-chronology.pdf", "application/pdf", ReadFrom("chronology v2"));
  REQUIRE(v2.ok());
  REQUIRE(r.scr->UpdateRecord(r.report, {{"files", json::array({*v2})}}).ok());
  auto check = CheckOf(*r.replica, signoff);
  REQUIRE(check.has_value());
  CHECK_FALSE(check->valid);
  CHECK(Has(check->reason, "changed after it was signed"));

  // Putting the original file back restores the content that was signed.
  REQUIRE(r.scr->UpdateRecord(r.report, {{"files", json::array({r.attachment})}}).ok());
  CHECK(CheckOf(*r.replica, signoff)->valid);

  // An extra file is a change too.
  auto extra = r.replica->AttachFile("minutes.txt", "text/plain", ReadFrom("minutes"));
  REQUIRE(extra.ok());
  REQUIRE(r.replica->AddToSet(r.report, "files", *extra).ok());
  CHECK_FALSE(CheckOf(*r.replica, signoff)->valid);
  REQUIRE(r.replica->RemoveFromSet(r.report, "files", *extra).ok());
  CHECK(CheckOf(*r.replica, signoff)->valid);

  // Deleting the attached file's record changes the content as well.
  REQUIRE(r.replica->DeleteEntity(r.attachment).ok());
  CHECK_FALSE(CheckOf(*r.replica, signoff)->valid);
}

TEST_CASE("sign-offs are made only with SignOff, of a record that exists") {
  Review r;
  CHECK(r.scr->SignOff(r.report, "", "senior_manager", kStatement, D("2024-06-03")).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(r.scr->SignOff(r.report, kSigner, "senior_manager", "", D("2024-06-03")).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(r.scr->SignOff("no-such-record", kSigner, "senior_manager", kStatement, D("2024-06-03"))
            .status()
            .code() == Status::Code::kNotFound);
  std::string signoff = r.Sign(r.report);
  CHECK(r.scr->SignOff(signoff, kSigner, "senior_manager", kStatement, D("2024-06-03")).status().code() ==
        Status::Code::kInvalidArgument);
  // Not as an ordinary record, and not edited as one.
  CHECK(r.scr->AddRecord("signoff", {{"subject", r.report}, {"signer", kSigner}}).status().code() ==
        Status::Code::kInvalidArgument);
  CHECK(r.scr->UpdateRecord(signoff, {{"statement", "Approved."}}).code() == Status::Code::kInvalidArgument);
  CHECK(CheckSignoffs(*r.replica).size() == 1);
}

TEST_CASE("a forged or altered sign-off is invalid") {
  Review r;
  std::string real = r.Sign(r.report);
  auto rec = FindRecord(r.replica->document(), real);
  REQUIRE(rec);
  Fields copy;
  for (const auto& [k, v] : rec->fields.items()) copy[k] = v;

  SUBCASE("a made-up signature") {
    Fields forged = copy;
    forged["signature"] = std::string(128, 'a');
    auto id = r.replica->AddEntity("signoff", forged);
    REQUIRE(id.ok());
    auto c = CheckOf(*r.replica, *id);
    REQUIRE(c.has_value());
    CHECK_FALSE(c->valid);
    CHECK(Has(c->reason, "forged"));
  }
  SUBCASE("a signature that is not even hex") {
    Fields forged = copy;
    forged["signature"] = "signed by me";
    auto id = r.replica->AddEntity("signoff", forged);
    REQUIRE(id.ok());
    CHECK_FALSE(CheckOf(*r.replica, *id)->valid);
  }
  SUBCASE("a real signature under a changed statement") {
    Fields forged = copy;
    forged["statement"] = "I approve this report without reservation.";
    auto id = r.replica->AddEntity("signoff", forged);
    REQUIRE(id.ok());
    auto c = CheckOf(*r.replica, *id);
    REQUIRE(c.has_value());
    CHECK_FALSE(c->valid);
    CHECK(Has(c->reason, "altered or forged"));
  }
  SUBCASE("a real signature under another signer, date or subject") {
    for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
             {"signer", "Chief Constable"}, {"signed_on", "2024-06-04"}, {"signer_role", "board_member"}}) {
      CAPTURE(field);
      Fields forged = copy;
      forged[field] = value;
      auto id = r.replica->AddEntity("signoff", forged);
      REQUIRE(id.ok());
      CHECK_FALSE(CheckOf(*r.replica, *id)->valid);
    }
    std::string other = r.Add("agency_report", {{"title", "Health report"}, {"body", "Text."}});
    Fields moved = copy;
    moved["subject"] = other;
    moved["content_hash"] = *ContentHash(*r.replica, other);
    auto id = r.replica->AddEntity("signoff", moved);
    REQUIRE(id.ok());
    CHECK_FALSE(CheckOf(*r.replica, *id)->valid);
  }
  SUBCASE("the real sign-off's statement edited in place") {
    REQUIRE(r.replica->SetFields(real, {{"statement", "Approved subject to changes."}}).ok());
    auto c = CheckOf(*r.replica, real);
    REQUIRE(c.has_value());
    CHECK_FALSE(c->valid);
    CHECK(Has(c->reason, "altered or forged"));
  }
  SUBCASE("the content hash brought up to date after an edit") {
    REQUIRE(r.scr->UpdateRecord(r.report, {{"body", "Quietly rewritten."}}).ok());
    REQUIRE(r.replica->SetFields(real, {{"content_hash", *ContentHash(*r.replica, r.report)}}).ok());
    auto c = CheckOf(*r.replica, real);
    REQUIRE(c.has_value());
    CHECK_FALSE(c->valid);
    CHECK(Has(c->reason, "altered or forged"));
  }
  SUBCASE("a device that is not a member") {
    Fields forged = copy;
    forged["device"] = std::string(32, '0');
    auto id = r.replica->AddEntity("signoff", forged);
    REQUIRE(id.ok());
    auto c = CheckOf(*r.replica, *id);
    REQUIRE(c.has_value());
    CHECK_FALSE(c->valid);
    CHECK(Has(c->reason, "never a member"));
  }
  // The real one is untouched by the forgeries next to it (except where it was itself altered).
  auto st = EvaluateWorkflow(*r.replica, WorkingCalendar::EnglandAndWales(), D("2024-06-05"));
  REQUIRE(st.ok());
  auto checks = CheckSignoffs(*r.replica);
  bool any_invalid =
      std::any_of(checks.begin(), checks.end(), [](const SignoffCheck& c) { return !c.valid; });
  bool warned = std::any_of(st->warnings.begin(), st->warnings.end(),
                            [](const std::string& w) { return Has(w, "is not valid"); });
  CHECK(warned == any_invalid);
}

TEST_CASE("the information stage's gate follows the reports' sign-offs") {
  Review r;
  GateItem g = SignoffGate(*r.replica);
  CHECK_FALSE(g.met);
  CHECK(g.detail == "1 of 1 reports without a valid sign-off");

  // A forged sign-off does not count.
  auto sig = r.vault->SignAsDevice(AsBytes(std::string("something else")));
  REQUIRE(sig.ok());
  auto forged = r.replica->AddEntity("signoff", {{"subject", r.report},
                                                 {"signer", kSigner},
                                                 {"signer_role", "senior_manager"},
                                                 {"statement", kStatement},
                                                 {"content_hash", *ContentHash(*r.replica, r.report)},
                                                 {"signed_on", "2024-06-03"},
                                                 {"device", r.replica->device()},
                                                 {"signature", ToHex(*sig)}});
  REQUIRE(forged.ok());
  CHECK_FALSE(SignoffGate(*r.replica).met);

  std::string signoff = r.Sign(r.report);
  g = SignoffGate(*r.replica);
  CHECK(g.met);
  CHECK(g.detail.empty());

  REQUIRE(r.scr->UpdateRecord(r.report, {{"body", "Amended after sign-off."}}).ok());
  g = SignoffGate(*r.replica);
  CHECK_FALSE(g.met);
  CHECK(g.detail == "1 of 1 reports without a valid sign-off");
  auto st = EvaluateWorkflow(*r.replica, WorkingCalendar::EnglandAndWales(), D("2024-06-05"));
  REQUIRE(st.ok());
  CHECK(std::any_of(st->warnings.begin(), st->warnings.end(), [](const std::string& w) {
    return Has(w, std::string("Sign-off by ") + kSigner) && Has(w, "changed after it was signed");
  }));

  r.Sign(r.report, "2024-06-12");
  CHECK(SignoffGate(*r.replica).met);

  // A second report still to be signed.
  std::string health =
      r.Add("agency_report", {{"title", "Health report"}, {"body", "GP and health visiting."}});
  g = SignoffGate(*r.replica);
  CHECK_FALSE(g.met);
  CHECK(g.detail == "1 of 2 reports without a valid sign-off");
  r.Sign(health);
  CHECK(SignoffGate(*r.replica).met);
  // A report removed from the review no longer counts.
  REQUIRE(r.replica->DeleteEntity(health).ok());
  CHECK(SignoffGate(*r.replica).met);
}

TEST_CASE("a sign-off made on one device verifies on another") {
  Review a;
  TempDir d2;
  auto v2 = CreateVault(d2.str());
  auto id2 = v2->Identity();
  REQUIRE(id2.ok());
  REQUIRE(a.replica->AddMember(*id2, crdt::Role::kEditor, {"general"}).ok());
  std::string signoff = a.Sign(a.report);

  auto joined = Replica::OpenOrJoin(*v2, a.replica->id(), ScrReplicaOptions());
  REQUIRE_MESSAGE(joined.ok(), joined.status().ToString());
  std::unique_ptr<Replica> b = std::move(*joined);
  REQUIRE(b->ReceiveAll(AllChanges(*a.replica)).ok());
  CHECK(b->StateHashHex() == a.replica->StateHashHex());
  CHECK(b->Problems().empty());

  // B computes the same content hash (the file's bytes have not even travelled).
  auto hash_a = ContentHash(*a.replica, a.report);
  auto hash_b = ContentHash(*b, a.report);
  REQUIRE(hash_a.ok());
  REQUIRE(hash_b.ok());
  CHECK(*hash_a == *hash_b);
  auto on_b = CheckOf(*b, signoff);
  REQUIRE(on_b.has_value());
  CHECK_MESSAGE(on_b->valid, on_b->reason);
  CHECK(SignoffGate(*b).met);

  // B edits the report: invalid on B, and on A once A has B's change.
  ScrReview scr_b(*b);
  REQUIRE(scr_b.UpdateRecord(a.report, {{"body", "Edited on the second device."}}).ok());
  CHECK_FALSE(CheckOf(*b, signoff)->valid);
  CHECK(CheckOf(*a.replica, signoff)->valid);
  REQUIRE(a.replica->ReceiveAll(AllChanges(*b)).ok());
  auto on_a = CheckOf(*a.replica, signoff);
  REQUIRE(on_a.has_value());
  CHECK_FALSE(on_a->valid);
  CHECK(Has(on_a->reason, "changed after it was signed"));
  CHECK_FALSE(SignoffGate(*a.replica).met);

  // B's manager signs the edited report on B, with B's key; A verifies it.
  auto b_signoff = scr_b.SignOff(a.report, "Dr K. Adeyemi", "senior_manager", kStatement, D("2024-06-20"));
  REQUIRE_MESSAGE(b_signoff.ok(), b_signoff.status().ToString());
  REQUIRE(a.replica->ReceiveAll(AllChanges(*b)).ok());
  auto b_on_a = CheckOf(*a.replica, *b_signoff);
  REQUIRE(b_on_a.has_value());
  CHECK_MESSAGE(b_on_a->valid, b_on_a->reason);
  CHECK(SignoffGate(*a.replica).met);

  // B's sign-off stays checkable after B leaves the review (signoff.h).
  REQUIRE(a.replica->RemoveMember(b->device()).ok());
  b_on_a = CheckOf(*a.replica, *b_signoff);
  REQUIRE(b_on_a.has_value());
  CHECK_MESSAGE(b_on_a->valid, b_on_a->reason);

  // A sign-off claiming to come from A but made with B's key does not verify.
  std::string other = a.Add("agency_report", {{"title", "Education report"}, {"body", "School records."}});
  auto hash = ContentHash(*a.replica, other);
  REQUIRE(hash.ok());
  auto sig = v2->SignAsDevice(
      SignoffMessage(a.replica->id(), other, *hash, kSigner, "senior_manager", kStatement, "2024-06-21"));
  REQUIRE(sig.ok());
  auto impostor = a.replica->AddEntity("signoff", {{"subject", other},
                                                   {"signer", kSigner},
                                                   {"signer_role", "senior_manager"},
                                                   {"statement", kStatement},
                                                   {"content_hash", *hash},
                                                   {"signed_on", "2024-06-21"},
                                                   {"device", a.replica->device()},
                                                   {"signature", ToHex(*sig)}});
  REQUIRE(impostor.ok());
  CHECK_FALSE(CheckOf(*a.replica, *impostor)->valid);
}
