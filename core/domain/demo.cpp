// The demo vault: the four case studies of guidance Appendix 3, built with
// the same ScrReview commands a person would use. This file holds BuildDemo
// and the steps every case study shares; demo_cases.cpp holds the cases.
#include "caseboard/domain/demo.h"

#include "caseboard/domain/checklists.h"
#include "demo_internal.h"

namespace caseboard::domain {

namespace demo {

using nlohmann::json;

Status AdvanceTo(ScrReview& r, const Ctx& c, const std::string& stage) {
  for (int step = 0; step < 16; ++step) {
    CB_ASSIGN_OR_RETURN(WorkflowStatus st, r.Status(c.calendar, c.today));
    if (st.stage == stage) return Status::Ok();
    auto moved = r.Advance(c.calendar, c.today);
    if (!moved.ok())
      return Status::Internal("demo review '" + r.replica().title() + "': " + moved.status().message());
  }
  return Status::Internal("demo review '" + r.replica().title() + "' never reached stage " + stage);
}

Status AnswerItems(ScrReview& r, const std::string& checklist, const std::string& answer,
                   const std::map<std::string, std::string>& notes, size_t count, const std::string& about) {
  const Checklist* list = FindChecklist(checklist);
  if (!list) return Status::Internal("demo: no checklist " + checklist);
  for (size_t i = 0; i < list->items.size() && i < count; ++i) {
    const std::string& item = list->items[i].id;
    auto note = notes.find(item);
    CB_RETURN_IF_ERROR(
        r.AnswerChecklist(checklist, item, answer, note == notes.end() ? "" : note->second, about));
  }
  return Status::Ok();
}

Status AddChronology(ScrReview& r, const std::string& source, const std::vector<Event>& events) {
  for (const auto& e : events) {
    Fields f = {{"agency", e.agency},
                {"date", D(e.date)},
                {"event", e.text},
                {"source", source},
                {"significance", e.significance}};
    if (*e.time) f["time"] = e.time;
    CB_RETURN_IF_ERROR(r.AddRecord("chronology_entry", f).status());
  }
  return Status::Ok();
}

Status PanelMeeting(ScrReview& r, Date on,
                    const std::vector<std::pair<const char*, const char*>>& information,
                    const std::vector<View>& views) {
  for (const auto& [agency, summary] : information)
    CB_RETURN_IF_ERROR(r.AddRecord("agency_information", {{"agency", agency},
                                                          {"summary", summary},
                                                          {"logged_on", D(on)},
                                                          {"logged_by", "Board safeguarding manager"}})
                           .status());
  for (const auto& v : views)
    CB_RETURN_IF_ERROR(r.AddRecord("panel_view", {{"member", v.member},
                                                  {"agency", v.agency},
                                                  {"recommends", v.recommends},
                                                  {"rationale", v.rationale},
                                                  {"given_on", D(on)}})
                           .status());
  return Status::Ok();
}

Status Commission(ScrReview& r, const Commissioning& in) {
  CB_RETURN_IF_ERROR(
      r.SetRecord("notification",
                  {{"recipients", json::array({"Ofsted", "Department for Education", "National Panel"})},
                   {"sent_on", D(in.notified_on)},
                   {"reference", "SIN-" + D(in.notified_on).substr(0, 4) + "-0" +
                                     std::to_string(in.notified_on.day % 9 + 1)},
                   {"note", "Sent by secure email; receipt acknowledged by Ofsted."}})
          .status());
  CB_RETURN_IF_ERROR(AnswerItems(r, "scoping", "yes", in.scoping_notes));
  CB_RETURN_IF_ERROR(AnswerItems(
      r, "commissioning", "yes",
      {{"governance", "A panel of senior managers independent of the case, chaired independently."},
       {"finance", "Met from the board's review budget; partners contribute in proportion as agreed."},
       {"timescale", "Six months from the decision, to board sign-off."},
       {"media", "The local authority's communications officer leads; a holding statement is ready."}}));
  Fields m = {{"type", in.methodology},
              {"rationale", in.rationale},
              {"proportionality", in.proportionality},
              {"imr_requested", in.methodology == "traditional_imr"},
              {"decided_on", D(in.notified_on)}};
  if (!in.limitations.empty()) m["limitations"] = in.limitations;
  return r.SetRecord("methodology", m).status();
}

Result<std::vector<std::string>> AgreeTerms(ScrReview& r, const Terms& in) {
  CB_RETURN_IF_ERROR(
      r.SetRecord(
           "terms_of_reference",
           {{"purpose", in.purpose},
            {"standard_statement", true},
            {"contributors",
             "Every agency that knew the child or family, through its report author and senior manager."},
            {"family_involvement", in.family},
            {"good_practice",
             "Good practice found by the review is named in the report and shared with the "
             "agencies concerned."},
            {"other_processes", in.other_processes},
            {"other_areas",
             "No other board's area is involved; the panel will check this as files are read."},
            {"timescale", "To be completed within six months of the chair's decision."},
            {"period_from", D(in.period_from)},
            {"period_to", D(in.period_to)},
            {"biographies",
             "Short biographies of the lead reviewer and the panel chair are appended to the "
             "report."},
            {"dissemination",
             "Learning events for practitioners and a seven-minute briefing after "
             "publication."},
            {"governance", "The panel reports to the SCR sub-committee, which reports to the board."},
            {"publication", "The report will be published, anonymised, with the board's response."},
            {"agreed_on", D(in.agreed_on)}})
          .status());
  std::vector<std::string> ids;
  for (const auto& q : in.key_questions) {
    CB_ASSIGN_OR_RETURN(std::string id,
                        r.AddRecord("key_question", {{"question", q},
                                                     {"reason", "Agreed with the terms of reference"},
                                                     {"status", "open"},
                                                     {"asked_on", D(in.agreed_on)}}));
    ids.push_back(id);
  }
  for (const auto& role : in.roles)
    CB_RETURN_IF_ERROR(
        r.AssignRole(role.role, role.person,
                     {{"agency", role.agency}, {"independent", role.independent}, {"from", D(in.agreed_on)}})
            .status());
  CB_RETURN_IF_ERROR(
      r.SetRecord("qa_plan", {{"quality_assurance",
                               "The panel reads every draft; the panel chair checks each agency report "
                               "against the template before it goes to the lead reviewer."},
                              {"signoff_process",
                               "Agency reports are signed off by each agency's senior manager; the "
                               "report by the sub-committee, then the board."},
                              {"panel_meetings", "Monthly, first Tuesday"}})
          .status());
  CB_RETURN_IF_ERROR(
      AnswerItems(r, "contract", "done",
                  {{"days", "Twenty-five days, including four for family and staff conversations."},
                   {"copyright", "The board owns the report and its copyright."}},
                  in.contract_items));
  return ids;
}

Result<DemoReview> Summarise(ScrReview& r, const Ctx& c, const std::string& title) {
  CB_ASSIGN_OR_RETURN(WorkflowStatus st, r.Status(c.calendar, c.today));
  return DemoReview{r.replica().id(), title, st.stage};
}

}  // namespace demo

Result<std::vector<DemoReview>> BuildDemo(store::Vault& vault, const WorkingCalendar& calendar, Date today) {
  // Every date is within a year of today; keep well inside the calendar's range.
  if (!IsValidDate(today) || today.year <= kFirstYear + 1 || today.year >= kLastYear - 1)
    return Status::InvalidArgument("the demo needs a real date for today, got " + FormatDate(today));
  const demo::Ctx c{vault, calendar, today};
  std::vector<DemoReview> out;
  for (auto build : {demo::CaseStudy1, demo::CaseStudy2, demo::CaseStudy3, demo::CaseStudy4}) {
    CB_ASSIGN_OR_RETURN(DemoReview r, build(c));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace caseboard::domain
