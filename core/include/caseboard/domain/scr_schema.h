// The serious case review's records, as entity types of the document engine.
//
// Every stage of the guidance (../shared/guidance) is a set of records people
// fill in, offline, on any device: the referral, the chair's decision, panel
// views, scoping, terms of reference, roles, agencies and their reports,
// chronology entries, involvement, findings, actions, sign-offs, publication.
// Long free text is a text field (it merges character by character); short
// facts are last-writer-wins registers; choices are enums so that every device
// validates them the same way.
//
// Which compartment a record goes to by default follows who may read it:
// family members, conversations with them and their permissions go to
// "family" (lead reviewers and the panel chair); everything else to
// "general". Any record can be put in another compartment explicitly.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "caseboard/crdt/schema.h"

namespace caseboard::domain {

// The base engine types plus every SCR record type.
crdt::Schema ScrSchema();

// The roles of guidance section 2, as stored in role assignments.
struct RoleInfo {
  const char* id;
  const char* name;
  const char* duty;  // the guidance's description, in brief
  // Compartments a device of someone in this role should hold. Family
  // material is for those who meet and write about the family.
  std::set<std::string> compartments;
};
const std::vector<RoleInfo>& Roles();
const RoleInfo* FindRole(const std::string& id);

// The eight review types of guidance section 3 ("Scoping the review").
struct MethodologyInfo {
  const char* id;
  const char* name;
  const char* note;
};
const std::vector<MethodologyInfo>& Methodologies();

// The escalation ladder for an agency that falls behind (guidance section 4,
// "Agency involvement and commitment"): step 1..4.
const std::vector<std::string>& EscalationSteps();

}  // namespace caseboard::domain
