#include "caseboard/domain/scr_schema.h"

namespace caseboard::domain {

using crdt::EntityType;
using crdt::FieldDef;
using crdt::FieldType;

namespace {

const FieldDef kString{FieldType::kString};
const FieldDef kText{FieldType::kText};
const FieldDef kDate{FieldType::kDate};
const FieldDef kBool{FieldType::kBoolean};
const FieldDef kInt{FieldType::kInteger};
const FieldDef kFiles{FieldType::kRefSet, {}, "attachment"};

FieldDef Enum(std::vector<std::string> values) { return {FieldType::kEnum, std::move(values)}; }
FieldDef Ref(std::string type) { return {FieldType::kReference, {}, std::move(type)}; }

const FieldDef kYesNoUnsure = Enum({"yes", "no", "unsure"});

std::vector<std::string> RoleIds() {
  std::vector<std::string> ids;
  for (const auto& r : Roles()) ids.push_back(r.id);
  return ids;
}

std::vector<std::string> MethodologyIds() {
  std::vector<std::string> ids;
  for (const auto& m : Methodologies()) ids.push_back(m.id);
  return ids;
}

}  // namespace

const std::vector<RoleInfo>& Roles() {
  static const std::vector<RoleInfo> kRoles = {
      {"referrer",
       "Referrer",
       "thinks a review may be warranted and refers to their safeguarding lead",
       {"general"}},
      {"agency_safeguarding_lead",
       "Agency safeguarding lead",
       "decides whether the referral warrants a review and refers it to the board",
       {"general"}},
      {"safeguarding_manager",
       "Board safeguarding manager",
       "receives the notification, co-ordinates the review, sits on the panel",
       {"general"}},
      {"independent_chair",
       "Board independent chair",
       "decides whether a review is warranted; accountable for its quality",
       {"general", "restricted"}},
      {"subcommittee_member",
       "SCR sub-committee member",
       "commissions and quality-assures reviews, sees lessons learned",
       {"general"}},
      {"business_support",
       "Board business support",
       "minutes panel meetings, co-ordinates meetings, assembles the joint chronology",
       {"general"}},
      {"panel_member",
       "Panel member",
       "senior manager independent of the case; adds knowledge, quality-assures the report",
       {"general"}},
      {"review_team_member",
       "Review team member",
       "senior professional with no operational involvement; oversees and contributes",
       {"general"}},
      {"panel_chair",
       "Independent chair of the panel",
       "independent of the case; co-ordinates the panel and manages the process",
       {"general", "family", "restricted"}},
      {"agency_report_author",
       "Agency report author",
       "manager independent of the case; writes the agency chronology and report",
       {"general"}},
      {"senior_manager",
       "Senior manager",
       "signs off the agency report's quality and recommendations",
       {"general"}},
      {"lead_reviewer",
       "Lead reviewer (independent author)",
       "independent of the case and area; analyses, interviews, writes the report",
       {"general", "family", "restricted"}},
      {"communications_officer", "Communications officer", "manages contact with the media", {"general"}},
      {"legal_adviser", "Legal adviser", "advises on legal matters", {"general", "restricted"}},
      {"board_member", "Board member", "agrees the final sign-off", {"general"}},
      {"family_liaison", "Family liaison officer", "keeps the family informed", {"general", "family"}},
  };
  return kRoles;
}

const RoleInfo* FindRole(const std::string& id) {
  for (const auto& r : Roles())
    if (id == r.id) return &r;
  return nullptr;
}

const std::vector<MethodologyInfo>& Methodologies() {
  static const std::vector<MethodologyInfo> kMethods = {
      {"traditional_imr", "Traditional SCR with IMRs and chronologies",
       "paper-based; little chance to answer 'why' questions"},
      {"agency_reports_interviews", "SCR with agency reports and interviews",
       "shorter agency reports plus conversations with practitioners and family"},
      {"internal_single_agency", "Internal review of one agency",
       "thorough, few agencies; lead reviewer still answerable to a panel"},
      {"systems", "Systems SCR", "conversations over reports; systemic issues within and between agencies"},
      {"partnership", "Partnership review", "two agencies involved, no others"},
      {"thematic", "Thematic review", "a history of concerns around a theme, or many victims"},
      {"practitioner_event", "Practitioner case event",
       "key practitioners and lead reviewers look together at what was happening and why"},
      {"case_audit", "Audit of cases", "a single issue has been identified"},
  };
  return kMethods;
}

const std::vector<std::string>& EscalationSteps() {
  static const std::vector<std::string> kSteps = {
      "Lead reviewer agrees deadlines and quality with the agency's staff and authors",
      "Passed to the independent chair of the panel to agree deadlines and quality",
      "The panel's independent chair contacts the agency's senior managers",
      "Passed to the board's independent chair to discuss at board level",
  };
  return kSteps;
}

crdt::Schema ScrSchema() {
  crdt::Schema s = crdt::Schema::Base();
  // The review's place in its framework (framework.h).
  s.Add({"scr",
         "general",
         {{"framework", kString},
          {"stage", kString},
          {"board", kString},
          {"opened_on", kDate},
          {"closed_on", kDate},
          {"closed_reason", kText}}});
  // 1. Referral / serious incident notification (guidance section 3, QM1).
  s.Add({"referral",
         "general",
         {{"referrer", kString},
          {"referrer_agency", kString},
          {"referrer_role", kString},
          {"safeguarding_lead", kString},
          {"senior_officer", kString},
          {"senior_officer_support", kBool},
          {"incident_on", kDate},
          {"aware_on", kDate},
          {"referred_on", kDate},
          {"categories", {FieldType::kStringSet}},  // ids from chair_checklist.h
          {"criteria_met", kYesNoUnsure},
          {"other_reason", kText},
          {"rationale", kText},
          {"delay_explanation", kText},
          {"other_children_at_risk", Enum({"yes", "no", "unknown"})},
          {"assurance_sought", kText}}});
  s.Add({"notification",
         "general",
         {{"recipients", {FieldType::kStringSet}},
          {"sent_on", kDate},
          {"reference", kString},
          {"note", kText}}});
  s.Add({"rapid_review",
         "general",
         {{"started_on", kDate},
          {"sent_on", kDate},
          {"partners_signed_off", kBool},
          {"summary", kText},
          {"recommends_review", kYesNoUnsure}}});
  // 2. Decision: Appendix 1 (chair) and Appendix 2 (panel).
  s.Add({"chair_decision",
         "general",
         {{"child_died", kYesNoUnsure},
          {"abuse_or_neglect", kYesNoUnsure},
          {"serious_harm", kYesNoUnsure},
          {"always_review_case", kBool},  // custody, detention, deprivation of liberty
          {"peer_consulted_on", kDate},
          {"peer_chair", kString},
          {"peer_decision", Enum({"proceed", "not_proceed"})},
          {"peer_rationale", kText},
          {"culpability", kInt},
          {"public_interest", kInt},
          {"panel_response", Enum({"accept", "reject", "defer"})},
          {"panel_response_reason", kText},
          {"outcome", Enum({"proceed", "not_proceed", "defer"})},
          {"decided_on", kDate},
          {"rationale", kText}}});
  s.Add({"agency_information",
         "general",
         {{"agency", kString}, {"summary", kText}, {"logged_on", kDate}, {"logged_by", kString}}});
  s.Add({"panel_view",
         "general",
         {{"member", kString},
          {"agency", kString},
          {"recommends", Enum({"review", "no_review", "alternative_review"})},
          {"rationale", kText},
          {"given_on", kDate}}});
  s.Add({"letter",
         "general",
         {{"purpose", Enum({"not_proceeding", "proceeding", "notification", "family", "other"})},
          {"recipient", kString},
          {"recipient_role", kString},
          {"copy", kBool},
          {"sent_on", kDate},
          {"body", kText}}});
  // Answers to the checklists of checklists.h (scoping, contract, practitioner
  // event, media, chair's commissioning questions).
  s.Add({"checklist_answer",
         "general",
         {{"checklist", kString},
          {"item", kString},
          {"answer", Enum({"yes", "no", "unsure", "not_applicable", "done", "to_do"})},
          {"note", kText},    // the commentary: what was considered
          {"action", kText},  // the action or resolution agreed
          {"about", {FieldType::kReference}}}});
  // 3. Methodology and proportionality.
  s.Add({"methodology",
         "general",
         {{"type", Enum(MethodologyIds())},
          {"rationale", kText},
          {"limitations", kText},
          {"proportionality", kText},
          {"imr_requested", kBool},
          {"decided_on", kDate}}});
  // 4. Terms of reference (guidance section 5) and key questions.
  s.Add({"terms_of_reference",
         "general",
         {{"purpose", kText},
          {"standard_statement", kBool},
          {"contributors", kText},
          {"family_involvement", kText},
          {"good_practice", kText},
          {"other_processes", kText},
          {"other_areas", kText},
          {"timescale", kText},
          {"period_from", kDate},
          {"period_to", kDate},
          {"biographies", kText},
          {"dissemination", kText},
          {"governance", kText},
          {"publication", kText},
          {"agreed_on", kDate}}});
  s.Add({"key_question",
         "general",
         {{"question", kString},
          {"reason", kString},  // why it was asked, or why it last changed
          {"status", Enum({"open", "answered", "withdrawn"})},
          {"asked_on", kDate}}});
  // 5. Governance and people.
  s.Add({"role_assignment",
         "general",
         {{"role", Enum(RoleIds())},
          {"person", kString},
          {"agency", kString},
          {"independent", Enum({"yes", "no", "not_required"})},
          {"independence_note", kText},
          {"from", kDate},
          {"to", kDate},
          {"device", kString}}});
  s.Add({"qa_plan",
         "general",
         {{"quality_assurance", kText}, {"signoff_process", kText}, {"panel_meetings", kString}}});
  s.Add({"challenge",
         "general",
         {{"kind", Enum({"challenge", "impasse"})},
          {"raised_by", kString},
          {"raised_on", kDate},
          {"about", kString},
          {"detail", kText},
          {"resolution", kText},
          {"resolved_on", kDate},
          {"escalated_to", kString}}});
  s.Add({"addendum",
         "general",
         {{"by", Enum({"board", "lead_reviewer"})},
          {"author", kString},
          {"text", kText},
          {"added_on", kDate}}});
  // 6. Contract (a checklist) and agency involvement.
  s.Add({"agency",
         "general",
         {{"name", kString},
          {"contact", kString},
          {"report_author", kString},
          {"senior_manager", kString},
          {"involvement", Enum({"full_report", "chronology_only", "no_record", "not_known"})},
          {"notes", kText}}});
  s.Add({"info_request",
         "general",
         {{"agency", Ref("agency")},
          {"request", kText},
          {"in_writing", kBool},
          {"requested_on", kDate},
          {"due_on", kDate},
          {"received_on", kDate},
          {"escalation", kInt},  // 0..4, the step of EscalationSteps() reached
          {"escalation_note", kText}}});
  // 7. Agency reports and sign-offs (signoff.h).
  s.Add({"agency_report",
         "general",
         {{"agency", Ref("agency")},
          {"title", kString},
          {"body", kText},
          {"files", kFiles},
          {"diversity_addressed", kBool},
          {"diversity_note", kText},
          {"submitted_on", kDate}}});
  s.Add({"signoff",
         "general",
         {{"subject", {FieldType::kReference}},
          {"signer", kString},
          {"signer_role", kString},
          {"statement", kString},
          {"content_hash", kString},
          {"signed_on", kDate},
          {"device", kString},
          {"signature", kString},
          // A sign-off for publication: the publication check's result and
          // the hash of the texts it checked (publication_check.h).
          {"publication_check", kString},
          {"publication_texts", kString}}});
  // 8. Chronology.
  s.Add({"chronology_entry",
         "general",
         {{"agency", kString},
          {"date", kDate},
          {"time", kString},  // HH:MM when known
          {"event", kText},
          {"source", kString},
          {"significance", Enum({"routine", "notable", "key"})}}});
  // 9. Parallel processes.
  s.Add({"parallel_process",
         "general",
         {{"kind", Enum({"criminal", "police_complaint", "domestic_homicide", "mental_health", "disciplinary",
                         "coroner", "other"})},
          {"status", Enum({"not_started", "ongoing", "concluded"})},
          {"liaison", kString},
          {"contact", kString},
          {"constraints", kText},
          {"started_on", kDate},
          {"concluded_on", kDate}}});
  // 10. Involvement: family (compartment "family") and practitioners.
  s.Add({"person",
         "family",
         {{"group", Enum({"child", "family", "practitioner", "manager", "perpetrator", "other"})},
          {"name", kString},
          {"pseudonym", kString},
          {"relationship", kString},
          {"agency", kString},
          {"invited", Enum({"yes", "no", "undecided"})},
          {"why", kText},
          {"permission", Enum({"given", "refused", "not_asked", "not_needed", "overridden"})},
          {"override_reason", kText},
          {"support", kText},
          {"informed_on", kDate}}});
  s.Add({"conversation",
         "family",
         {{"person", Ref("person")},
          {"kind", Enum({"interview", "group", "home_visit", "phone", "other"})},
          {"held_on", kDate},
          {"by", kString},
          {"notes", kText},
          {"files", kFiles}}});
  s.Add({"practitioner_event",
         "general",
         {{"held_on", kDate},
          {"venue", kString},
          {"purpose", kText},
          {"facilitators", kString},
          {"attendees", kText},
          {"debrief", kText}}});
  // 11. Findings, recommendations, action plan.
  s.Add({"finding", "general", {{"title", kString}, {"text", kText}}});
  s.Add({"recommendation",
         "general",
         {{"finding", Ref("finding")},
          {"text", kText},
          {"kind", Enum({"clear_cut", "no_easy_answers", "needs_research"})}}});  // recommendation_check.h
  s.Add({"action",
         "general",
         {{"finding", Ref("finding")},
          {"recommendation", Ref("recommendation")},
          {"objective", kString},
          {"actions", kText},
          {"due_on", kDate},
          {"lead", kString},
          {"outcome", kText},  // stated as impact, not process
          {"status", Enum({"red", "amber", "green", "complete"})},
          {"evidence", kText}}});
  // 12. Board sign-off, response, media, publication.
  s.Add({"board_signoff",
         "general",
         {{"presented_on", kDate},
          {"decision", Enum({"agreed", "agreed_with_changes", "not_agreed"})},
          {"wording_group", kString},
          {"signed_on", kDate},
          {"notes", kText}}});
  // The published report, section by section: the final report and the
  // executive or learning summary (guidance section 6), written with pseudonyms.
  s.Add({"report_section",
         "general",
         {{"part", Enum({"final_report", "executive_summary", "learning_summary"})},
          {"order", kInt},
          {"title", kString},
          {"text", kText}}});
  // A detail a reviewer judged identifying (an unusual job, a rare event):
  // the publication check looks for it. In the family compartment, like the people.
  s.Add({"identifying_detail", "family", {{"detail", kString}, {"why", kText}}});
  // The retention schedule (retention.h): years per kind of material,
  // counted from closing or publication, and the legal hold.
  s.Add({"retention",
         "general",
         {{"starts_from", Enum({"closed", "published"})},
          {"working_notes_years", kInt},
          {"interviews_years", kInt},
          {"agency_reports_years", kInt},
          {"final_report_years", kInt},
          {"legal_hold", kBool},
          {"hold_reason", kText},
          {"hold_set_on", kDate},
          {"hold_set_by", kString}}});
  // Who opened, exported or printed a restricted record (access_log.h): in
  // the restricted compartment, signed by the device that made the access.
  s.Add({"access_log",
         "restricted",
         {{"action", Enum({"opened", "exported", "printed"})}, {"record", kString}, {"how", kString}}});
  s.Add({"board_response", "general", {{"text", kText}, {"agreed_on", kDate}, {"sent_on", kDate}}});
  s.Add({"media_statement",
         "general",
         {{"kind", Enum({"holding", "joint", "final"})},
          {"text", kText},
          {"agreed_by", kString},
          {"agreed_on", kDate}}});
  s.Add({"publication_plan",
         "general",
         {{"decision", Enum({"publish", "publish_anonymously", "not_publish"})},
          {"reasons", kText},
          {"prepublication_copies_on", kDate},
          {"publish_on", kDate},
          {"online_until", kDate},
          {"summary", Enum({"executive_summary", "learning_summary", "none"})},
          {"family_told_on", kDate}}});
  // 13. Quality markers and the delay log (QM8).
  s.Add({"quality_marker",
         "general",
         {{"number", kInt},
          {"rating", Enum({"met", "partly_met", "not_met", "not_applicable", "not_assessed"})},
          {"notes", kText},
          {"evidence", {FieldType::kRefSet}},
          {"assessed_on", kDate}}});
  s.Add({"delay",
         "general",
         {{"what", kString},
          {"reason", kText},
          {"days", kInt},
          {"board_told", kBool},
          {"told_on", kDate},
          {"recorded_on", kDate}}});
  return s;
}

}  // namespace caseboard::domain
