#include "caseboard/domain/quality_markers.h"

namespace caseboard::domain {

const char* ReviewStageName(ReviewStage s) {
  switch (s) {
    case ReviewStage::kSetUp:
      return "set-up";
    case ReviewStage::kRunning:
      return "running";
    case ReviewStage::kOutputs:
      return "outputs";
  }
  return "unknown";
}

// The wording of questions and obstacles follows the marker documents; only
// obvious slips are corrected (e.g. "Is appropriate time been given" in 15).
const std::vector<QualityMarker>& QualityMarkers() {
  using S = ReviewStage;
  static const std::vector<QualityMarker> kMarkers = {
      {1,
       S::kSetUp,
       "Referral",
       "referred with a clear rationale, promptly",
       "The case is referred for Serious Case Review (SCR) consideration with an appropriate rationale and "
       "in a timely manner.",
       {
           "Is the rationale for the referral clear, and supported by adequate information?",
           "Does the referral state explicitly whether the case met the statutory criteria, or if it was "
           "referred for another reason?",
           "Are there explanations for any delays in the referral?",
       },
       {
           "Where LSCBs have previously gained useful learning from SCRs they are more likely to refer cases "
           "for potential review.",
           "Where the local learning and improvement framework and priorities are well publicised, agencies "
           "will be more inclined to think about referring cases for reasons other than the statutory "
           "criteria.",
           "The clearer and more widely understood are the LSCB expectations regarding the various reasons a "
           "case could or should be referred for SCR, the greater the likelihood that appropriate cases will "
           "actually be referred, and in a clear and timely manner.",
       }},
      {2,
       S::kSetUp,
       "Decision making",
       "decision on whether and what kind of review reflects the case and local context; rationale clear, "
       "defensible, timely",
       {},
       {},
       {}},
      {3,
       S::kSetUp,
       "Advising board members",
       "board members kept informed about review decisions and outcomes",
       {},
       {},
       {}},
      {4,
       S::kSetUp,
       "Informing the family",
       "family told the purpose, process and limits of the review, and treated with respect",
       {},
       {},
       {}},
      {5,
       S::kSetUp,
       "Clarity of purpose",
       "purpose is organisational learning, stated from the outset, with complicating factors acknowledged",
       {},
       {},
       {}},
      {6,
       S::kRunning,
       "Commissioning",
       "form and focus fit the case and local context, decided with board members and the lead reviewer(s)",
       {},
       {},
       {}},
      {7,
       S::kRunning,
       "Governance",
       "independence of the reviewers balanced with the board's ownership of findings",
       "The Serious Case Review (SCR) achieves the requirement for independence and ownership of the "
       "findings by the Local Safeguarding Children Board (LSCB).",
       {
           "At the start of the review, is there clarity about roles and responsibilities and are there "
           "explicitly stated governance arrangements (e.g. are the terms of reference/scoping document "
           "clear about who is responsible for what - who conducts the review, who provides quality "
           "assurance and challenge and who is ultimately accountable)?",
           "Is the system for quality assurance of the process and sign-off of the report set out clearly "
           "from the start?",
           "What are the mechanisms to allow challenge to the information and analysis of the review, so "
           "that the findings/recommendations have been thoroughly considered before the report is finalised "
           "and taken to the LSCB?",
           "Do the quality assurance mechanisms manage the tension between the independence of the lead "
           "reviewer(s) and the ownership of the final report by the LSCB in a fair and balanced fashion?",
           "Is there clarity about what happens when agreement cannot be reached about the analysis and "
           "findings/recommendations, and how impasses are handled?",
       },
       {
           "Clarity about roles and responsibilities can assist in resolving any tensions between "
           "independence and ownership.",
           "Care needs to be taken that scrutiny and challenge are not personalised and do not become "
           "inappropriate pressure.",
           "Processes of editorial support or peer review need to be explicit and a part of the formal "
           "process, given the sensitive interplay with the meaning being conveyed. This input is best "
           "provided at the analysis stage rather than later.",
           "Where compromise cannot be reached between the lead reviewer and the LSCB members it is best for "
           "this to be acknowledged and addressed in the final report that is presented to the LSCB.",
           "Where the analysis is jointly produced by a local group of senior managers and the lead "
           "reviewer(s), this can help reduce pressure to make inappropriate amendments. However, increased "
           "collaboration also creates challenges for lead reviewer(s) about how they exert and maintain "
           "their independence.",
           "Keeping senior managers up to date so that there are no surprises about findings at the end of "
           "the review helps cultivate ownership of those findings.",
       }},
      {8,
       S::kRunning,
       "SCR management",
       "runs smoothly, on time, within budget",
       "The Serious Case Review (SCR) is effectively managed. It runs smoothly, is concluded in a timely "
       "manner and within budget.",
       {
           "Is there a clear plan with allocated roles and responsibilities for the transmission of "
           "information?",
           "Is sufficient administrative support provided to the SCR?",
           "Is the SCR progressing smoothly and in line with anticipated timeframes?",
           "Are mechanisms in place to inform the LSCB of any delays and reasons for them?",
           "Are any matters arising that could have been reasonably anticipated and addressed prior to the "
           "review starting?",
           "Is there enough slack in the plan to allow for legitimate delays?",
           "Does the lead reviewer have sufficient capacity to do the review to a high standard?",
       },
       {
           "Good management of the SCR is facilitated by there being dedicated administrative and management "
           "time.",
           "Active leadership by the LSCB chair often assists in successfully addressing challenges that "
           "arise during the SCR.",
           "Where there are changes in key personnel in the LSCB, formalising a review helps identify the "
           "impact on the SCR, as the changes can lead to confusion if not addressed.",
       }},
      {9,
       S::kRunning,
       "Parallel processes",
       "parallel processes handled without duplication, prejudice to trials, delay or confusion",
       {},
       {},
       {}},
      {10,
       S::kRunning,
       "Assembling information",
       "enough information to analyse practice in its normal working context",
       {},
       {},
       {}},
      {11,
       S::kRunning,
       "Practitioner involvement",
       "practitioners and managers have a constructive experience of taking part",
       {},
       {},
       {}},
      {12,
       S::kRunning,
       "Family involvement",
       "family members' knowledge and experience inform the review; reasons recorded when they are not "
       "involved; family can comment before the report is final",
       {},
       {},
       {}},
      {13,
       S::kRunning,
       "Analysis",
       "transparent, rigorous analysis explaining practice and its constraints",
       {},
       {},
       {}},
      {14,
       S::kOutputs,
       "The report",
       "findings key to improvement, with family detail kept to a minimum and no precise identifiers",
       {},
       {},
       {}},
      {15,
       S::kOutputs,
       "Improvement action",
       "agencies agree action through robust, informed discussion",
       "Robust, informed discussion by agencies underpins agreements about what action should be taken in "
       "response to the Serious Case Review (SCR) report.",
       {
           "Does the LSCB have a coherent mechanism for managing discussion about the actions needed to "
           "respond to the SCR?",
           "Is there clear leadership from the chair and key agencies about the need for an open and "
           "mutually challenging discussion about what is said in the report about the effectiveness of the "
           "safeguarding system and its component parts?",
           "Has appropriate time been given to receive and respond to the report (e.g. holding an "
           "extraordinary board meeting or other mechanisms)?",
           "Is the LSCB being supported to link discussions about the SCR response to the learning and "
           "improvement framework and LSCB business plan? For example, is the board being provided with "
           "relevant information already identified through its learning and improvement framework?",
           "Has the LSCB prioritised its response by linking to the learning and improvement framework and "
           "LSCB business plan (note that it can be legitimate to delay, given the priority areas already "
           "identified)?",
       },
       {
           "Having a clear, considered process helps to avoid the LSCB response being rushed and at the last "
           "minute.",
           "Allocating sufficient time to enable meaningful discussion at the LSCB meeting can assist in "
           "avoiding organisational defensiveness. Some LSCBs arrange extraordinary meetings for the SCR to "
           "avoid pressures on busy meeting agendas.",
           "Where the SCR sub-group or equivalent does most of the discussion and development of the "
           "response, there is a need to consider how the LSCB is supported to be actively involved and own "
           "the decisions.",
           "An LSCB learning and improvement framework that is structured to support the integration of "
           "learning from different sources and also prioritises and manages that learning will enable an "
           "informed discussion about the response.",
           "Having a model for change management can help LSCBs think more broadly about mechanisms for "
           "change beyond training of frontline staff and writing or amending procedures.",
           "The development of a plan of engagement activities with different audiences ranging from "
           "practitioners to strategic leaders can be more effective than more generic dissemination "
           "activities.",
       }},
      {16,
       S::kOutputs,
       "Board written response",
       "a publishable written response saying what will be done",
       {},
       {},
       {}},
      {17,
       S::kOutputs,
       "Publication",
       "whether, when and how to publish decided with care for the impact",
       {},
       {},
       {}},
      {18,
       S::kOutputs,
       "Implementation and evaluation",
       "learning built into the business plan; actions monitored for real improvement in services",
       {},
       {},
       {}},
  };
  return kMarkers;
}

const QualityMarker* FindMarker(int number) {
  const auto& markers = QualityMarkers();
  // The table is in number order, so the index is the number less one.
  if (number < 1 || number > static_cast<int>(markers.size())) return nullptr;
  return &markers[static_cast<size_t>(number - 1)];
}

}  // namespace caseboard::domain
