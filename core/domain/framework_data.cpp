// The built-in frameworks. Each is a JSON document, built here from shared
// parts because the two English frameworks differ only at the start: the 2015
// SCR begins with a referral to the board and the chair's decision; the
// 2018/2023 local review begins with a notification to the national panel and
// a rapid review. From commissioning on, the guidance applies to both.
#include "caseboard/domain/framework.h"

namespace caseboard::domain {

using nlohmann::json;

namespace {

json Field(const char* type, const char* field, const char* label, json values = nullptr) {
  json r = {{"kind", "field"}, {"type", type}, {"field", field}, {"label", label}};
  if (!values.is_null()) r["values"] = values;
  return r;
}
json Records(const char* type, const char* label, int min = 1, const char* field = nullptr,
             json values = nullptr, bool all = false) {
  json r = {{"kind", "records"}, {"type", type}, {"min", min}, {"label", label}};
  if (all) r["all"] = true;
  if (field) r["field"] = field;
  if (!values.is_null()) r["values"] = values;
  return r;
}
json Checklist(const char* id, const char* label) {
  return {{"kind", "checklist"}, {"checklist", id}, {"label", label}};
}
json Rule(const char* rule, const char* label) {
  return {{"kind", "rule"}, {"rule", rule}, {"label", label}};
}

json ReferralGate() {
  return json::array({
      Field("referral", "referrer", "who referred the case"),
      Field("referral", "referrer_agency", "the referrer's agency"),
      Field("referral", "senior_officer_support", "the support of the referrer's senior officers", {true}),
      Field("referral", "aware_on", "when the agency became aware of the incident"),
      Field("referral", "referred_on", "the date of the referral"),
      Field("referral", "categories", "which notification category applies"),
      Field("referral", "criteria_met", "whether the statutory criteria are met"),
      Field("referral", "rationale", "the rationale for the referral (quality marker 1)"),
  });
}

json DecisionGate() {
  return json::array({
      Records("agency_information", "agency information logged for the panel"),
      Records("panel_view", "panel members' views"),
      Rule("panel_views_reasoned", "a rationale for every panel member's view"),
      Field("chair_decision", "child_died", "the chair's checklist: has a child died?"),
      Field("chair_decision", "abuse_or_neglect",
            "the chair's checklist: abuse or neglect known or suspected?"),
      Rule("chair_checklist_followed", "the chair's checklist (Appendix 1) followed"),
      Field("chair_decision", "panel_response", "the chair's response to the panel's recommendation"),
      Field("chair_decision", "outcome", "the chair's decision (proceed or not)", {"proceed", "not_proceed"}),
      Field("chair_decision", "decided_on", "the date of the decision"),
      Field("chair_decision", "rationale", "the rationale for the decision"),
      Rule("letters_sent", "the letters a decision not to proceed requires, sent"),
  });
}

// Commissioning to learning: the same for both English frameworks.
json CommonStages() {
  return json::array({
      {{"id", "commissioning"},
       {"name", "Scoping and methodology"},
       {"guidance", "section 3 (proportionality, scoping, methodology); Appendix 1 questions 4-11"},
       {"gate",
        {Field("notification", "sent_on", "the notification to Ofsted, the DfE and the national panel"),
         Checklist("scoping", "every question of the scoping checklist answered"),
         Checklist("commissioning", "every commissioning question of the chair's checklist answered"),
         Field("methodology", "type", "the review type chosen"),
         Field("methodology", "rationale", "why that type"),
         Field("methodology", "proportionality", "the proportionality decision")}}},
      {{"id", "terms"},
       {"name", "Terms of reference and governance"},
       {"guidance", "section 4 (governance, contract, agencies) and section 5 (terms of reference)"},
       {"gate",
        {Rule("tor_complete", "every minimum content of the terms of reference"),
         Records("key_question", "at least one key question"),
         Records("role_assignment", "a lead reviewer appointed", 1, "role", {"lead_reviewer"}),
         Records("role_assignment", "an independent chair of the panel", 1, "role", {"panel_chair"}),
         Field("qa_plan", "quality_assurance", "the quality-assurance and sign-off plan"),
         Checklist("contract", "every point of the lead reviewer's contract")}}},
      {{"id", "information"},
       {"name", "Agency reports, chronology and involvement"},
       {"guidance", "section 4 (agency involvement), section 5 (parallel processes, staff and family)"},
       {"gate",
        {Records("agency", "the agencies involved"), Records("agency_report", "agency reports"),
         Rule("signoffs_valid", "every agency report signed off by a senior manager, unchanged since"),
         Records("chronology_entry", "the multi-agency chronology")}}},
      {{"id", "report"},
       {"name", "Findings, recommendations and action plan"},
       {"guidance", "section 6 (findings and recommendations, action plans)"},
       {"gate",
        {Records("finding", "findings"), Records("recommendation", "recommendations"),
         Records("action", "an action plan")}}},
      {{"id", "signoff"},
       {"name", "Board sign-off and written response"},
       {"guidance", "section 6 (sign off from the board); quality marker 16"},
       {"gate",
        {Field("board_signoff", "decision", "the board's sign-off", {"agreed", "agreed_with_changes"}),
         Field("board_signoff", "signed_on", "the date of the board's sign-off"),
         Field("board_response", "text", "the board's written response"),
         Field("board_response", "agreed_on", "the date the response was agreed")}}},
      {{"id", "publication"},
       {"name", "Media and publication"},
       {"guidance", "section 7 (media strategy, publication); quality marker 17"},
       {"gate",
        {Checklist("media", "the media strategy"),
         Field("publication_plan", "decision", "the decision to publish or not, with its reasons")}}},
      {{"id", "learning"},
       {"name", "Learning and improvement"},
       {"guidance", "section 8 (learning and improvement framework); quality markers 15 and 18"},
       {"gate",
        {Records("quality_marker", "a self-assessment against the quality markers", 18),
         Records("action", "every action of the plan complete", 1, "status", {"complete"}, true)}}},
  });
}

json Scr2015() {
  json stages = json::array({
      {{"id", "referral"},
       {"name", "Referral"},
       {"guidance", "section 3 (criteria, notification of a serious incident); quality marker 1"},
       {"gate", ReferralGate()}},
      {{"id", "decision"},
       {"name", "Decision"},
       {"guidance", "Appendix 1 (chair's checklist) and Appendix 2 (decision making)"},
       {"gate", DecisionGate()}},
  });
  for (auto& s : CommonStages()) stages.push_back(s);
  return {{"id", "scr-wt2015"},
          {"name", "SCR — Working Together 2015"},
          {"description",
           "Serious case review commissioned by the LSCB's independent chair; notify Ofsted, the DfE and the "
           "national panel within 5 working days of the decision; aim to complete within 6 months."},
          {"stages", stages},
          {"deadlines",
           {{{"id", "notify"},
             {"name", "Notify Ofsted, the DfE and the national panel"},
             {"from_type", "chair_decision"},
             {"from_field", "decided_on"},
             {"when_field", "outcome"},
             {"when_value", "proceed"},
             {"working_days", 5},
             {"done_type", "notification"},
             {"done_field", "sent_on"}},
            {{"id", "complete"},
             {"name", "Complete the review (board sign-off)"},
             {"from_type", "chair_decision"},
             {"from_field", "decided_on"},
             {"when_field", "outcome"},
             {"when_value", "proceed"},
             {"months", 6},
             {"at_risk_working_days", 20},
             {"done_type", "board_signoff"},
             {"done_field", "signed_on"}}}}};
}

json Lcspr2018() {
  json notification_gate = ReferralGate();
  notification_gate.push_back(Field("notification", "sent_on", "the notification to the national panel"));
  json stages = json::array({
      {{"id", "notification"},
       {"name", "Serious incident notification"},
       {"guidance", "Working Together 2018/2023: notify the national panel within 5 working days"},
       {"gate", notification_gate}},
      {{"id", "rapid_review"},
       {"name", "Rapid review"},
       {"guidance", "Working Together 2018/2023: a rapid review within 15 working days of the notification"},
       {"gate",
        {Field("rapid_review", "summary", "the rapid review's findings"),
         Field("rapid_review", "partners_signed_off", "the safeguarding partners' sign-off", {true}),
         Field("rapid_review", "sent_on", "the rapid review sent to the national panel"),
         Field("rapid_review", "recommends_review", "whether a local review is recommended")}}},
      {{"id", "decision"},
       {"name", "Decision on a local review"},
       {"guidance", "Appendix 1 and Appendix 2, applied by the safeguarding partners"},
       {"gate", DecisionGate()}},
  });
  for (auto& s : CommonStages()) stages.push_back(s);
  return {{"id", "lcspr-wt2018"},
          {"name", "LCSPR — Working Together 2018/2023"},
          {"description",
           "Local child safeguarding practice review by the safeguarding partners: serious incident "
           "notification within 5 working days of becoming aware, a rapid review within 15 working days of "
           "the notification, then the decision on a local review."},
          {"stages", stages},
          {"deadlines",
           {{{"id", "notify"},
             {"name", "Notify the national panel of the serious incident"},
             {"from_type", "referral"},
             {"from_field", "aware_on"},
             {"working_days", 5},
             {"done_type", "notification"},
             {"done_field", "sent_on"}},
            {{"id", "rapid_review"},
             {"name", "Rapid review sent to the national panel"},
             {"from_type", "notification"},
             {"from_field", "sent_on"},
             {"working_days", 15},
             {"at_risk_working_days", 3},
             {"done_type", "rapid_review"},
             {"done_field", "sent_on"}},
            {{"id", "complete"},
             {"name", "Complete the review (sign-off)"},
             {"from_type", "chair_decision"},
             {"from_field", "decided_on"},
             {"when_field", "outcome"},
             {"when_value", "proceed"},
             {"months", 6},
             {"at_risk_working_days", 20},
             {"done_type", "board_signoff"},
             {"done_field", "signed_on"}}}}};
}

}  // namespace

const std::vector<json>& BuiltinFrameworkDocuments() {
  static const std::vector<json> kDocs = {Scr2015(), Lcspr2018()};
  return kDocs;
}

}  // namespace caseboard::domain
