// The four case studies of guidance Appendix 3 as demo reviews. Every name,
// place and detail is fictional and anonymised in the style of published
// reports; every date counts from "today" so the deadlines show each state.
#include <algorithm>
#include <span>
#include <string_view>

#include "demo_internal.h"

namespace caseboard::domain::demo {

using nlohmann::json;

namespace {

constexpr char kLscb[] = "Northshire Local Safeguarding Children Board";
constexpr char kPartnership[] = "Southmoor Safeguarding Children Partnership";

const std::vector<Role> kNorthshireRoles = {
    {"lead_reviewer", "Ruth Calloway", "Independent", "yes"},
    {"panel_chair", "Martin Okafor", "Independent", "yes"},
    {"safeguarding_manager", "Helen Marsh", "Northshire LSCB", "not_required"},
    {"business_support", "Dev Patel", "Northshire LSCB", "not_required"},
};

Result<std::string> AddAgency(ScrReview& r, const char* name, const char* involvement,
                              const char* author = "", const char* senior = "") {
  Fields f = {{"name", name}, {"involvement", involvement}};
  if (*author) f["report_author"] = author;
  if (*senior) f["senior_manager"] = senior;
  return r.AddRecord("agency", f);
}

Result<std::string> AddReport(ScrReview& r, const std::string& agency, const char* title, const char* body,
                              Date submitted) {
  return r.AddRecord("agency_report", {{"agency", agency},
                                       {"title", title},
                                       {"body", body},
                                       {"diversity_addressed", true},
                                       {"submitted_on", D(submitted)}});
}

Result<std::string> Attach(review::Replica& replica, const std::string& name, std::string_view text) {
  size_t at = 0;
  return replica.AttachFile(name, "text/plain", [&](std::span<uint8_t> buf) -> Result<size_t> {
    size_t n = std::min(buf.size(), text.size() - at);
    std::copy_n(text.data() + at, n, buf.data());
    at += n;
    return n;
  });
}

}  // namespace

// Case study 1: a baby died three days after a premature birth; the mother,
// aged 22, is a care leaver. The board suspected her partner had kicked her.
// Left at "terms", with an overdue request escalated once and the delay the
// guidance describes: there proved to be nothing relevant to write a report on.
Result<DemoReview> CaseStudy1(const Ctx& c) {
  const std::string title = "Baby A";
  const Date birth = c.Ago(78), death = c.Ago(75), referred = c.Ago(68);
  const Date decided = c.Wd(-20), notified = c.Wd(decided, 3);
  CB_ASSIGN_OR_RETURN(auto replica, ScrReview::Start(c.vault, title, "scr-wt2015", kLscb, referred));
  ScrReview r(*replica);
  CB_RETURN_IF_ERROR(
      r.SetRecord("referral",
                  {{"referrer", "Named midwife for safeguarding"},
                   {"referrer_agency", "Northshire Hospitals NHS Trust"},
                   {"referrer_role", "Named midwife"},
                   {"safeguarding_lead", "Head of safeguarding, Northshire Hospitals"},
                   {"senior_officer", "Director of Nursing"},
                   {"senior_officer_support", true},
                   {"incident_on", D(birth)},
                   {"aware_on", D(death)},
                   {"referred_on", D(referred)},
                   {"categories",
                    json::array({"notify.child_died", "consider.risk_not_recognised_shared_or_acted_on"})},
                   {"criteria_met", "unsure"},
                   {"rationale",
                    "Baby A was born at 29 weeks and died three days later. Mother (22, a care leaver) "
                    "said she had fallen. Police attended one domestic incident between Mother and her "
                    "then partner five months earlier; no charges followed."},
                   {"other_children_at_risk", "no"},
                   {"assurance_sought", "Mother has no other children; the former partner has none known."}})
          .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "decision"));
  CB_RETURN_IF_ERROR(PanelMeeting(
      r, c.Wd(decided, -2),
      {{"Northshire Hospitals NHS Trust", "Late booking at 20 weeks; two missed antenatal appointments."},
       {"Northshire Police", "One domestic incident: Mother reported being pushed; no further action."},
       {"Children's social care (leaving care)",
        "Personal adviser in touch monthly until Mother turned 21."}},
      {{"Panel member", "Northshire Police", "review",
        "A bruise noted at birth fits a kick to the abdomen as well as a fall; suspicion is enough."},
       {"Panel member", "Health (designated nurse)", "review",
        "Missed antenatal care was not followed up and the domestic incident was not shared with midwifery."},
       {"Panel member", "Children's social care", "alternative_review",
        "Little multi-agency contact: a single-agency review by the hospital may be proportionate."}}));
  CB_RETURN_IF_ERROR(r.SetRecord("chair_decision", {{"child_died", "yes"},
                                                    {"abuse_or_neglect", "yes"},
                                                    {"culpability", 2},
                                                    {"public_interest", 2},
                                                    {"panel_response", "accept"}})
                         .status());
  CB_RETURN_IF_ERROR(r.Decide("proceed", decided,
                              "A child has died and there is a suspicion that the man kicked Mother in the "
                              "stomach, causing the premature birth: the criteria are met."));
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "commissioning"));
  CB_RETURN_IF_ERROR(
      Commission(r, {notified,
                     "systems",
                     "Few agencies, little contact: conversations will say more than reports.",
                     "A joint chronology, a file audit and conversations with Mother and staff.",
                     "The record may hold little; the review may find nothing to learn.",
                     {{"period", "From Mother leaving care to Baby A's death."}}}));
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "terms"));
  CB_RETURN_IF_ERROR(
      AgreeTerms(
          r, {c.Wd(notified, 2),
              c.Ago(400),
              death,
              "To learn whether agencies could have recognised and shared the risk to Mother and her "
              "unborn baby, a care leaver living alone.",
              "Mother will be invited to meet the lead reviewer at home, with her former personal adviser.",
              "The police have closed their enquiry; the coroner's inquest is not yet listed.",
              {"Was the domestic incident shared with those caring for Mother in pregnancy?",
               "How did leaving-care support end, and who knew Mother was pregnant?"},
              kNorthshireRoles,
              9})
          .status());

  CB_ASSIGN_OR_RETURN(std::string gp, AddAgency(r, "Riverside GP practice", "not_known"));
  CB_RETURN_IF_ERROR(AddAgency(r, "Northshire Hospitals NHS Trust", "chronology_only").status());
  CB_RETURN_IF_ERROR(AddAgency(r, "Northshire Police", "chronology_only").status());
  CB_RETURN_IF_ERROR(AddAgency(r, "Children's social care", "chronology_only").status());
  CB_RETURN_IF_ERROR(AddChronology(
      r, "Joint chronology, version 2",
      {{"Children's social care", c.Ago(400), "", "notable",
        "Mother's 21st birthday: leaving-care support ends; Mother declines extended support."},
       {"Northshire Hospitals NHS Trust", c.Ago(195), "", "routine", "Booking appointment at 20 weeks."},
       {"Northshire Police", c.Ago(150), "23:40", "key",
        "Call from a neighbour: raised voices. Mother says her partner pushed her; she declines to make a "
        "statement. DASH risk 'standard'. Not shared with midwifery."},
       {"Northshire Hospitals NHS Trust", c.Ago(120), "", "notable", "Second missed antenatal appointment."},
       {"Northshire Hospitals NHS Trust", birth, "06:15", "key",
        "Ambulance to the labour ward. Mother says she fell on the stairs; bruise to the left abdomen "
        "noted."},
       {"Northshire Hospitals NHS Trust", birth, "08:02", "key", "Baby A born at 29 weeks, 1.1 kg."},
       {"Northshire Hospitals NHS Trust", death, "14:30", "key", "Baby A dies on the neonatal unit."},
       {"Northshire Police", c.Ago(74), "", "notable",
        "Joint agency response; Mother and her partner seen."}}));

  CB_ASSIGN_OR_RETURN(
      std::string request,
      r.AddRecord("info_request", {{"agency", gp},
                                   {"request", "Mother's GP record from leaving care to Baby A's death."},
                                   {"in_writing", true},
                                   {"requested_on", D(c.Wd(-15))},
                                   {"due_on", D(c.Wd(-5))},
                                   {"escalation", 0}}));
  CB_RETURN_IF_ERROR(
      r.Escalate(request, "Lead reviewer rang the practice manager and wrote again; no reply yet.").status());
  CB_RETURN_IF_ERROR(
      r.AddRecord("delay",
                  {{"what", "Overview report"},
                   {"reason",
                    "The lead reviewer audited every file and met Mother and staff: apart from the one "
                    "domestic incident nothing relevant is recorded, so there is nothing to write a "
                    "report on. The panel will advise the board whether to close the review with a "
                    "short statement instead."},
                   {"days", 30},
                   {"board_told", true},
                   {"told_on", D(c.Wd(-2))},
                   {"recorded_on", D(c.Wd(-3))}})
          .status());
  CB_RETURN_IF_ERROR(
      r.AddRecord("challenge",
                  {{"kind", "impasse"},
                   {"raised_by", "Lead reviewer"},
                   {"raised_on", D(c.Wd(-3))},
                   {"about", "Whether a report can be written"},
                   {"detail", "No relevant information beyond the chronology: a report would be empty."},
                   {"escalated_to", "SCR sub-committee"}})
          .status());

  CB_RETURN_IF_ERROR(
      r.AddRecord(
           "person",
           {{"group", "child"}, {"name", "Baby A"}, {"pseudonym", "Baby A"}, {"permission", "not_needed"}})
          .status());
  CB_ASSIGN_OR_RETURN(std::string mother,
                      r.AddRecord("person", {{"group", "family"},
                                             {"name", "Mother"},
                                             {"relationship", "Baby A's mother, aged 22, a care leaver"},
                                             {"invited", "yes"},
                                             {"permission", "given"},
                                             {"support", "Her former personal adviser came with her."},
                                             {"informed_on", D(c.Wd(notified, 1))}}));
  CB_RETURN_IF_ERROR(
      r.AddRecord("person", {{"group", "other"},
                             {"name", "Adult C"},
                             {"relationship", "Mother's partner at the time"},
                             {"invited", "undecided"},
                             {"why", "Not charged; the panel has not yet decided whether to invite him."},
                             {"permission", "not_asked"}})
          .status());
  CB_RETURN_IF_ERROR(
      r.AddRecord("conversation", {{"person", mother},
                                   {"kind", "home_visit"},
                                   {"held_on", D(c.Wd(-6))},
                                   {"by", "Ruth Calloway"},
                                   {"notes",
                                    "Mother says she fell on the stairs and that Adult C was not there. She "
                                    "felt alone once leaving-care support stopped and did not know whom to "
                                    "ask about missed appointments."}})
          .status());
  return Summarise(r, c, title);
}

// Case study 2: a school employee was imprisoned for sexual activity with a
// pupil. Far along: reports signed off, findings, an action plan, the board's
// sign-off and publication; now in "learning".
Result<DemoReview> CaseStudy2(const Ctx& c) {
  const std::string title = "Child B";
  const Date referred = c.Ago(210), decided = c.Ago(200), notified = c.Wd(decided, 4);
  CB_ASSIGN_OR_RETURN(auto replica, ScrReview::Start(c.vault, title, "scr-wt2015", kLscb, referred));
  ScrReview r(*replica);
  CB_RETURN_IF_ERROR(
      r.SetRecord("referral", {{"referrer", "Designated officer (LADO)"},
                               {"referrer_agency", "Northshire County Council"},
                               {"safeguarding_lead", "Head of safeguarding, children's services"},
                               {"senior_officer", "Director of Children's Services"},
                               {"senior_officer_support", true},
                               {"aware_on", D(c.Ago(214))},
                               {"referred_on", D(referred)},
                               {"categories", json::array({"notify.seriously_harmed"})},
                               {"criteria_met", "yes"},
                               {"rationale",
                                "A teaching assistant at Child B's school has been sentenced to "
                                "imprisonment for sexual activity with her, a pupil aged 15."},
                               {"other_children_at_risk", "unknown"},
                               {"assurance_sought",
                                "The school has written to all parents; police checked contact "
                                "with other pupils."}})
          .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "decision"));
  CB_RETURN_IF_ERROR(PanelMeeting(
      r, c.Wd(decided, -1),
      {{"Education", "No concerns on file about the employee; two informal comments by staff not logged."},
       {"Northshire Police", "Employee unknown to police before the disclosure."}},
      {{"Panel member", "Education", "review",
        "Child B was seriously harmed, and the unlogged comments suggest lessons about staff conduct."},
       {"Panel member", "Health", "review", "Enduring psychological harm is likely; agencies must learn."}}));
  CB_RETURN_IF_ERROR(r.SetRecord("chair_decision", {{"child_died", "no"},
                                                    {"abuse_or_neglect", "yes"},
                                                    {"serious_harm", "yes"},
                                                    {"panel_response", "accept"}})
                         .status());
  CB_RETURN_IF_ERROR(
      r.Decide("proceed", decided,
               "Child B was seriously harmed by sexual abuse and there are lessons about how the "
               "school recognised concerns about staff."));
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "commissioning"));
  CB_RETURN_IF_ERROR(Commission(r, {notified,
                                    "agency_reports_interviews",
                                    "Files hold little; pupils, staff and the perpetrator will say more.",
                                    "A short report: agency file checks and conversations only.",
                                    "",
                                    {}}));
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "terms"));
  CB_RETURN_IF_ERROR(
      AgreeTerms(r, {c.Wd(notified, 5),
                     c.Ago(900),
                     c.Ago(215),
                     "To learn how the school and partners recognise and act on concerns about "
                     "the conduct of staff towards pupils.",
                     "Child B and her parents will be invited to meet the lead reviewer.",
                     "The criminal trial has concluded with a prison sentence.",
                     {"Were concerns about the employee noticed, shared and acted on?"},
                     kNorthshireRoles})
          .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "information"));

  struct Report {
    const char* agency;
    const char* senior;
    const char* title;
    const char* body;
  };
  const std::vector<Report> reports = {
      {"Northshire Academy (secondary school)", "Headteacher", "School agency report",
       "Two staff noticed the employee giving Child B lifts home; neither knew how to log a low-level "
       "concern."},
      {"Northshire Police", "Detective Superintendent, public protection", "Police agency report",
       "No prior intelligence. The investigation after Child B's disclosure was prompt and thorough."},
      {"Northshire County Council (LADO)", "Head of safeguarding", "Designated officer's report",
       "The LADO was not consulted until the disclosure; schools rarely call about low-level concerns."}};
  for (size_t i = 0; i < reports.size(); ++i) {
    const Report& rep = reports[i];
    CB_ASSIGN_OR_RETURN(std::string agency,
                        AddAgency(r, rep.agency, "full_report", "Report author", rep.senior));
    CB_ASSIGN_OR_RETURN(std::string report, AddReport(r, agency, rep.title, rep.body, c.Ago(150)));
    if (i == 0) {
      CB_ASSIGN_OR_RETURN(std::string file, Attach(*replica, "staff-conduct-log-extract.txt",
                                                   "Staff conduct log, autumn term: no entries.\n"));
      CB_RETURN_IF_ERROR(r.UpdateRecord(report, {{"files", json::array({file})}}));
    }
    CB_RETURN_IF_ERROR(r.SignOff(report, rep.senior, "senior_manager",
                                 "I am satisfied with the quality of this report and its recommendations.",
                                 c.Ago(140))
                           .status());
  }
  CB_RETURN_IF_ERROR(AddChronology(
      r, "Agency reports",
      {{"Education", c.Ago(420), "", "notable",
        "Colleague sees the employee drive Child B home; mentions it "
        "informally to a head of year."},
       {"Education", c.Ago(300), "", "key", "Child B discloses to a friend, who tells a teacher."},
       {"Northshire Police", c.Ago(299), "16:10", "key",
        "Strategy discussion; employee arrested the next day."}}));
  CB_ASSIGN_OR_RETURN(std::string child, r.AddRecord("person", {{"group", "child"},
                                                                {"name", "Child B"},
                                                                {"pseudonym", "Child B"},
                                                                {"invited", "yes"},
                                                                {"permission", "given"}}));
  CB_RETURN_IF_ERROR(r.AddRecord("conversation", {{"person", child},
                                                  {"kind", "interview"},
                                                  {"held_on", D(c.Ago(130))},
                                                  {"by", "Ruth Calloway"},
                                                  {"notes",
                                                   "Child B wants teachers to know how grooming looks "
                                                   "from the inside: 'it felt like being special'."}})
                         .status());
  CB_ASSIGN_OR_RETURN(std::string employee, r.AddRecord("person",
                                                        {{"group", "perpetrator"},
                                                         {"name", "Adult E"},
                                                         {"pseudonym", "Adult E"},
                                                         {"relationship", "former teaching assistant"},
                                                         {"invited", "yes"},
                                                         {"permission", "given"}},
                                                        "restricted"));
  CB_RETURN_IF_ERROR(r.AddRecord("conversation",
                                 {{"person", employee},
                                  {"kind", "interview"},
                                  {"held_on", D(c.Ago(120))},
                                  {"by", "Ruth Calloway"},
                                  {"notes", "Seen in prison with the agreement of the SIO."}},
                                 "restricted")
                         .status());
  CB_RETURN_IF_ERROR(r.AddRecord("parallel_process", {{"kind", "criminal"},
                                                      {"status", "concluded"},
                                                      {"liaison", "Senior investigating officer"},
                                                      {"started_on", D(c.Ago(299))},
                                                      {"concluded_on", D(c.Ago(216))}})
                         .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "report"));

  CB_ASSIGN_OR_RETURN(std::string f1, r.AddRecord("finding", {{"title", "Low-level concerns were not logged"},
                                                              {"text",
                                                               "Staff noticed but had no way to record "
                                                               "small worries about a colleague."}}));
  CB_ASSIGN_OR_RETURN(std::string f2, r.AddRecord("finding", {{"title", "Online contact was unregulated"},
                                                              {"text",
                                                               "The employee messaged pupils on social "
                                                               "media; no policy covered it."}}));
  CB_ASSIGN_OR_RETURN(
      std::string r1,
      r.AddRecord("recommendation",
                  {{"finding", f1},
                   {"text",
                    "The board to require every school to record low-level concerns about staff on one log, "
                    "checked monthly by the designated safeguarding lead, so that patterns are seen early."},
                   {"kind", "clear_cut"}}));
  CB_ASSIGN_OR_RETURN(std::string r2, r.AddRecord("recommendation", {{"finding", f1},
                                                                     {"text", "Staff to receive training."},
                                                                     {"kind", "clear_cut"}}));
  CB_ASSIGN_OR_RETURN(
      std::string r3,
      r.AddRecord("recommendation", {{"finding", f2},
                                     {"text",
                                      "The local authority to publish guidance for schools on online "
                                      "contact between staff and pupils, and audit its use in six schools."},
                                     {"kind", "no_easy_answers"}}));
  struct Action {
    const std::string& rec;
    const std::string& finding;
    const char* objective;
    Date due;
    const char* status;
  };
  for (const Action& a :
       std::vector<Action>{{r1, f1, "A low-level concerns log in every school", c.Ago(40), "complete"},
                           {r2, f1, "Staff know how to raise a worry about a colleague", c.Wd(-8), "red"},
                           {r3, f2, "Guidance on online contact published", c.Wd(3), "amber"},
                           {r3, f2, "Audit of the guidance in six schools", c.Wd(45), "green"}})
    CB_RETURN_IF_ERROR(
        r.AddRecord("action", {{"finding", a.finding},
                               {"recommendation", a.rec},
                               {"objective", a.objective},
                               {"due_on", D(a.due)},
                               {"lead", "Head of education safeguarding"},
                               {"outcome", "Pupils' worries about staff are heard and acted on."},
                               {"status", a.status}})
            .status());
  // The report as published: written with pseudonyms only.
  struct Section {
    const char* part;
    int order;
    const char* title;
    const char* text;
  };
  for (const Section& s : std::vector<Section>{
           {"final_report", 1, "Why this review was held",
            "Child B, a pupil in her teens, was sexually abused by a teaching assistant at her school. The "
            "teaching assistant has been sentenced to imprisonment.\nThe board held this review to learn "
            "how concerns about a member of staff can be noticed and acted on sooner."},
           {"final_report", 2, "What happened",
            "Over several months staff noticed small things: the teaching assistant spent time alone "
            "with Child B and messaged pupils out of school hours.\nEach worry on its own seemed minor, "
            "and there was nowhere to record it, so no one saw the pattern."},
           {"learning_summary", 1, "Learning for practitioners",
            "Write down low-level concerns about colleagues, however small, on the school's log.\n"
            "Online contact between staff and pupils outside agreed channels is a warning sign."}})
    CB_RETURN_IF_ERROR(
        r.AddRecord("report_section",
                    {{"part", s.part}, {"order", s.order}, {"title", s.title}, {"text", s.text}})
            .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "signoff"));
  CB_RETURN_IF_ERROR(r.SetRecord("board_signoff", {{"presented_on", D(c.Ago(42))},
                                                   {"decision", "agreed_with_changes"},
                                                   {"wording_group", "Chair, lead reviewer, DCS"},
                                                   {"signed_on", D(c.Ago(35))}})
                         .status());
  CB_RETURN_IF_ERROR(r.SetRecord("board_response", {{"text",
                                                     "The board accepts every recommendation and will "
                                                     "report progress to each board meeting."},
                                                    {"agreed_on", D(c.Ago(30))}})
                         .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "publication"));
  CB_RETURN_IF_ERROR(AnswerItems(r, "media", "done"));
  CB_RETURN_IF_ERROR(r.SetRecord("publication_plan", {{"decision", "publish_anonymously"},
                                                      {"reasons",
                                                       "Child B and her parents agreed, provided the school "
                                                       "is not named."},
                                                      {"prepublication_copies_on", D(c.Ago(20))},
                                                      {"family_told_on", D(c.Ago(12))},
                                                      {"publish_on", D(c.Ago(7))},
                                                      {"summary", "learning_summary"}})
                         .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "learning"));
  static const char* const kRatings[] = {"met", "met",        "partly_met", "met", "not_applicable", "met",
                                         "met", "partly_met", "met",        "met", "not_met",        "met"};
  for (int n = 1; n <= 12; ++n)
    CB_RETURN_IF_ERROR(
        r.AssessMarker(n, kRatings[n - 1], n == 11 ? "Pupils' views came late." : "").status());
  return Summarise(r, c, title);
}

// Case study 3: a baby died co-sleeping on a sofa with his grandmother, who
// had been drinking; his mother has mild learning difficulties; both are
// charged with neglect. A 2018 local review in its rapid review: the
// notification was on time, the rapid review is at risk.
Result<DemoReview> CaseStudy3(const Ctx& c) {
  const std::string title = "Baby C";
  const Date death = c.Wd(-16), aware = c.Wd(-15), notified = c.Wd(-13);
  CB_ASSIGN_OR_RETURN(auto replica, ScrReview::Start(c.vault, title, "lcspr-wt2018", kPartnership, aware));
  ScrReview r(*replica);
  CB_RETURN_IF_ERROR(
      r.SetRecord("referral", {{"referrer", "Duty team manager"},
                               {"referrer_agency", "Southmoor children's social care"},
                               {"senior_officer", "Assistant Director, safeguarding"},
                               {"senior_officer_support", true},
                               {"incident_on", D(death)},
                               {"aware_on", D(aware)},
                               {"referred_on", D(aware)},
                               {"categories", json::array({"notify.child_died"})},
                               {"criteria_met", "yes"},
                               {"rationale",
                                "Baby C, 9 weeks, died after co-sleeping on a sofa with his maternal "
                                "grandmother, who had been drinking. Mother and grandmother are "
                                "charged with neglect."},
                               {"other_children_at_risk", "no"}})
          .status());
  CB_RETURN_IF_ERROR(r.SetRecord("notification", {{"recipients", json::array({"National Panel", "Ofsted"})},
                                                  {"sent_on", D(notified)},
                                                  {"reference", "SIN-C-0412"}})
                         .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "rapid_review"));
  CB_RETURN_IF_ERROR(r.SetRecord("rapid_review", {{"started_on", D(c.Wd(notified, 2))},
                                                  {"partners_signed_off", false},
                                                  {"recommends_review", "yes"},
                                                  {"summary",
                                                   "Safe sleep advice was given but not tailored to "
                                                   "Mother's learning needs; no agency knew of the "
                                                   "grandmother's drinking."}})
                         .status());
  CB_RETURN_IF_ERROR(PanelMeeting(
      r, c.Wd(-3),
      {{"Southmoor Community Health",
        "Health visitor gave written safe sleep advice at the new birth visit."},
       {"Children's centre", "Mother attended a baby group twice; staff thought she struggled to read."},
       {"Southmoor Police", "Mother and grandmother charged with neglect; file with the CPS."}},
      {{"Designated nurse", "Health", "review",
        "Advice was not adapted for a parent with learning difficulties: a pattern worth learning from."},
       {"Detective Inspector", "Police", "review", "A death with neglect charged: a local review is needed."},
       {"Head of service", "Children's social care", "review",
        "Agencies did not share what they saw; the children's centre had concerns it did not pass on."}}));
  CB_RETURN_IF_ERROR(AddChronology(
      r, "Rapid review chronology",
      {{"Southmoor Community Health", c.Ago(120), "", "notable",
        "Midwife notes Mother's learning difficulties."},
       {"Southmoor Community Health", c.Ago(60), "", "routine", "New birth visit; safe sleep leaflet given."},
       {"Children's centre", c.Ago(35), "", "notable", "Mother seems unable to read the group's handout."},
       {"Ambulance service", death, "03:52", "key", "Call from grandmother: baby not breathing."},
       {"Southmoor Police", death, "04:20", "key",
        "Officers attend; grandmother smells strongly of alcohol."}}));
  CB_RETURN_IF_ERROR(
      r.AddRecord("parallel_process",
                  {{"kind", "criminal"},
                   {"status", "ongoing"},
                   {"liaison", "Detective Inspector, major crime (SIO)"},
                   {"contact", "Through the partnership's business manager"},
                   {"constraints",
                    "No conversations with Mother or grandmother until the CPS agrees; the chronology "
                    "may be shared with the SIO; nothing is published before the trial ends."},
                   {"started_on", D(death)}})
          .status());
  CB_RETURN_IF_ERROR(
      r.AddRecord("person", {{"group", "child"}, {"name", "Baby C"}, {"permission", "not_needed"}}).status());
  CB_RETURN_IF_ERROR(
      r.AddRecord("person", {{"group", "family"},
                             {"name", "Mother"},
                             {"relationship", "Baby C's mother; has mild learning difficulties"},
                             {"invited", "undecided"},
                             {"why", "Only once the CPS agrees; an advocate will support her."},
                             {"permission", "not_asked"},
                             {"support", "An independent advocate, easy-read letters."}})
          .status());
  CB_RETURN_IF_ERROR(r.AddRecord("person", {{"group", "family"},
                                            {"name", "Maternal grandmother"},
                                            {"invited", "undecided"},
                                            {"permission", "not_asked"}})
                         .status());
  return Summarise(r, c, title);
}

// Case study 4: a young woman who had been in care was sexually abused by at
// least 20 men from the age of 12 to 18. In "information": many agencies, one
// report signed off and edited since, a practitioner event, a reworded key
// question, a criminal trial and a family member involved against a wish.
Result<DemoReview> CaseStudy4(const Ctx& c) {
  const std::string title = "Young Person D";
  const Date referred = c.Ago(96), decided = c.Ago(90), notified = c.Wd(decided, 7);
  CB_ASSIGN_OR_RETURN(auto replica, ScrReview::Start(c.vault, title, "scr-wt2015", kLscb, referred));
  ScrReview r(*replica);
  CB_RETURN_IF_ERROR(
      r.SetRecord(
           "referral",
           {{"referrer", "Team manager, child sexual exploitation team"},
            {"referrer_agency", "Northshire Police"},
            {"senior_officer", "Detective Chief Superintendent"},
            {"senior_officer_support", true},
            {"aware_on", D(c.Ago(99))},
            {"referred_on", D(referred)},
            {"categories", json::array({"notify.seriously_harmed", "consider.national_or_public_interest"})},
            {"criteria_met", "yes"},
            {"rationale",
             "Young Person D, in care from 11, was sexually exploited by at least 20 "
             "men from 12 to 18; many agencies knew her."},
            {"other_children_at_risk", "yes"},
            {"assurance_sought", "Police operation has identified other girls; each has a plan."}})
          .status());
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "decision"));
  CB_RETURN_IF_ERROR(PanelMeeting(
      r, c.Ago(92),
      {{"Children's social care", "Looked after from 11; 14 placements; 40 missing episodes."},
       {"Northshire Police", "Operation Linden: 20 men identified, 9 charged."}},
      {{"Panel member", "Police", "review", "Serious, long-lasting harm and repeated missed chances."},
       {"Panel member", "Health", "review", "Sexual health and CAMHS saw her often; learning is certain."}}));
  CB_RETURN_IF_ERROR(r.SetRecord("chair_decision", {{"child_died", "no"},
                                                    {"abuse_or_neglect", "yes"},
                                                    {"serious_harm", "yes"},
                                                    {"culpability", 3},
                                                    {"public_interest", 5},
                                                    {"panel_response", "accept"}})
                         .status());
  CB_RETURN_IF_ERROR(
      r.Decide("proceed", decided,
               "Young Person D was seriously harmed over six years and there are lessons about how "
               "professionals worked together."));
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "commissioning"));
  CB_RETURN_IF_ERROR(Commission(r, {notified,
                                    "traditional_imr",
                                    "Many agencies over six years: reports from each, then conversations.",
                                    "High public interest (score 5): a full review with agency reports.",
                                    "The trial limits who may be seen before verdicts.",
                                    {}}));
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "terms"));
  CB_ASSIGN_OR_RETURN(
      std::vector<std::string> questions,
      AgreeTerms(
          r, {c.Wd(notified, 3),
              c.Ago(7 * 365),
              c.Ago(365),
              "To learn how agencies recognised and responded to the sexual exploitation of a child in care.",
              "Young Person D and her mother will be invited; her wishes about her family are recorded.",
              "Operation Linden: trials of nine men; the SIO advises on timing.",
              {"How did agencies respond to D going missing?",
               "What did D's placements know of the risks she faced?", "How were D's own views heard?"},
              kNorthshireRoles}));
  CB_RETURN_IF_ERROR(AdvanceTo(r, c, "information"));
  CB_RETURN_IF_ERROR(
      r.EditKeyQuestion(questions[0],
                        "How did agencies understand and respond to D going missing, and to the "
                        "adults she was found with?",
                        "The panel found the adults she was with were rarely recorded or checked."));

  std::vector<std::string> agencies;
  for (const char* name : {"Children's social care", "Northshire Police", "CAMHS", "Sexual health service",
                           "Education (virtual school)", "Youth offending service", "Housing"}) {
    CB_ASSIGN_OR_RETURN(std::string id, AddAgency(r, name, "full_report", "Report author", "Senior manager"));
    agencies.push_back(id);
  }
  CB_ASSIGN_OR_RETURN(std::string csc, AddReport(r, agencies[0], "Children's social care agency report",
                                                 "Fourteen placements in six years; missing episodes were "
                                                 "treated as placement problems, not as exploitation.",
                                                 c.Ago(20)));
  CB_ASSIGN_OR_RETURN(std::string police,
                      AddReport(r, agencies[1], "Police agency report",
                                "Early reports of D in cars with adult men were logged as "
                                "missing-person returns.",
                                c.Ago(18)));
  CB_RETURN_IF_ERROR(
      AddReport(r, agencies[2], "CAMHS agency report", "Draft awaiting sign-off.", c.Ago(5)).status());
  CB_RETURN_IF_ERROR(r.SignOff(police, "Detective Superintendent", "senior_manager",
                               "I am satisfied with the quality of this report.", c.Ago(15))
                         .status());
  CB_RETURN_IF_ERROR(r.SignOff(csc, "Assistant Director, children's services", "senior_manager",
                               "I am satisfied with the quality of this report.", c.Ago(14))
                         .status());
  // Edited after the sign-off: the sign-off no longer matches and shows as invalid.
  CB_RETURN_IF_ERROR(r.UpdateRecord(csc, {{"body",
                                           "Fourteen placements in six years; missing episodes were treated "
                                           "as placement problems, not as exploitation. Added: two return "
                                           "interviews were never held."}}));
  CB_RETURN_IF_ERROR(r.AddRecord("info_request", {{"agency", agencies[4]},
                                                  {"request", "Attendance and exclusion records."},
                                                  {"in_writing", true},
                                                  {"requested_on", D(c.Ago(40))},
                                                  {"due_on", D(c.Ago(20))},
                                                  {"received_on", D(c.Ago(22))}})
                         .status());
  CB_RETURN_IF_ERROR(
      r.AddRecord("info_request", {{"agency", agencies[6]},
                                   {"request", "Tenancy and homelessness records from D's 16th year."},
                                   {"in_writing", true},
                                   {"requested_on", D(c.Wd(-10))},
                                   {"due_on", D(c.Wd(1))}})
          .status());
  CB_RETURN_IF_ERROR(AddChronology(
      r, "Agency chronologies, merged",
      {{"Children's social care", c.Ago(7 * 365), "", "notable", "D, 12, moves to her fourth placement."},
       {"Northshire Police", c.Ago(6 * 365 + 200), "01:30", "key", "D found in a car with two adult men."},
       {"Sexual health service", c.Ago(6 * 365), "", "key", "D, 13, attends for emergency contraception."},
       {"Education (virtual school)", c.Ago(5 * 365), "", "notable", "Attendance falls below 40%."},
       {"CAMHS", c.Ago(4 * 365), "", "routine", "Referral closed after two missed appointments."},
       {"Youth offending service", c.Ago(3 * 365), "", "notable", "D says she 'has a boyfriend who is 30'."},
       {"Housing", c.Ago(2 * 365), "", "notable", "D, 16, placed in supported lodgings."},
       {"Northshire Police", c.Ago(400), "22:15", "key", "D discloses abuse; Operation Linden begins."}}));
  CB_RETURN_IF_ERROR(
      r.AddRecord("parallel_process", {{"kind", "criminal"},
                                       {"status", "ongoing"},
                                       {"liaison", "SIO, Operation Linden"},
                                       {"constraints",
                                        "Defendants may not be seen until verdicts; D's account stays "
                                        "with the police."},
                                       {"started_on", D(c.Ago(400))}})
          .status());
  CB_ASSIGN_OR_RETURN(
      std::string event,
      r.AddRecord("practitioner_event", {{"held_on", D(c.Ago(5))},
                                         {"venue", "Northshire Council, training suite"},
                                         {"purpose", "What it was like to work with D, and why."},
                                         {"facilitators", "Ruth Calloway, Martin Okafor"},
                                         {"attendees",
                                          "Social workers, police officers, a sexual "
                                          "health nurse, two residential staff."}}));
  CB_RETURN_IF_ERROR(AnswerItems(r, "practitioner_event", "done",
                                 {{"who", "Twelve practitioners who knew D between 12 and 18."}}, 6, event));
  CB_ASSIGN_OR_RETURN(std::string d, r.AddRecord("person", {{"group", "child"},
                                                            {"name", "Young Person D"},
                                                            {"invited", "yes"},
                                                            {"permission", "given"},
                                                            {"support", "Her ISVA attends every meeting."}}));
  CB_RETURN_IF_ERROR(
      r.AddRecord("conversation", {{"person", d},
                                   {"kind", "interview"},
                                   {"held_on", D(c.Ago(10))},
                                   {"by", "Ruth Calloway"},
                                   {"notes", "D: 'Everyone asked where I'd been. Nobody asked who with.'"}})
          .status());
  CB_RETURN_IF_ERROR(
      r.AddRecord("person", {{"group", "family"},
                             {"name", "Mother"},
                             {"invited", "yes"},
                             {"permission", "overridden"},
                             {"override_reason",
                              "D asked that her mother not be contacted. After legal advice the "
                              "panel chair decided Mother's account of D entering care is needed for "
                              "key question 2; D was told first and her objection is recorded."}})
          .status());
  CB_RETURN_IF_ERROR(r.AddRecord("person",
                                 {{"group", "perpetrator"},
                                  {"name", "Adult F"},
                                  {"invited", "undecided"},
                                  {"why", "Awaiting verdicts (Operation Linden)."}},
                                 "restricted")
                         .status());
  for (int n : {1, 2, 7, 8})
    CB_RETURN_IF_ERROR(r.AssessMarker(n, n == 8 ? "partly_met" : "met", "").status());
  return Summarise(r, c, title);
}

}  // namespace caseboard::domain::demo
