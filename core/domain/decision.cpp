#include "caseboard/domain/decision.h"

#include "caseboard/domain/records.h"

namespace caseboard::domain {

static std::optional<Answer> AnswerOf(const Record& r, const std::string& field) {
  std::string v = r.Str(field);
  if (v == "yes") return Answer::kYes;
  if (v == "no") return Answer::kNo;
  if (v == "unsure") return Answer::kUnsure;
  return std::nullopt;
}

ChairChecklistInput ChairInputFrom(const crdt::Document& doc) {
  ChairChecklistInput in;
  if (auto referral = First(doc, "referral")) {
    if (const auto* cats = referral->Get("categories"))
      for (const auto& c : *cats) in.notification_ids.push_back(c.get<std::string>());
  }
  auto d = First(doc, "chair_decision");
  if (!d) return in;
  in.child_died = AnswerOf(*d, "child_died");
  in.abuse_or_neglect = AnswerOf(*d, "abuse_or_neglect");
  in.serious_harm = AnswerOf(*d, "serious_harm");
  if (d->Filled("peer_consulted_on") || d->Filled("peer_chair")) {
    PeerConsultation p;
    p.date = d->Str("peer_consulted_on");
    p.peer_chair = d->Str("peer_chair");
    p.decision =
        d->Str("peer_decision") == "not_proceed" ? PeerDecision::kDoNotProceed : PeerDecision::kProceed;
    p.rationale = d->Str("peer_rationale");
    in.peer_consultation = p;
  }
  if (const auto* c = d->Get("culpability"); c && c->is_number_integer())
    in.culpability_score = c->get<int>();
  if (const auto* p = d->Get("public_interest"); p && p->is_number_integer())
    in.public_interest_score = p->get<int>();
  return in;
}

Result<ChairDecision> EvaluateChairDecision(const crdt::Document& doc) {
  return EvaluateChairChecklist(ChairInputFrom(doc));
}

std::vector<PanelView> PanelViewsFrom(const crdt::Document& doc) {
  std::vector<PanelView> out;
  for (const auto& r : Records(doc, "panel_view")) {
    std::string who = r.Str("agency");
    if (!r.Str("member").empty()) who = r.Str("member") + (who.empty() ? "" : " (" + who + ")");
    out.push_back({who, r.Str("recommends") != "no_review", r.Str("rationale")});
  }
  return out;
}

}  // namespace caseboard::domain
