// The guidance's checklists, as data. Answers are "checklist_answer" records
// naming the checklist and item ids here, so devices that merge answers agree
// on what each one means.
#pragma once

#include <string>
#include <vector>

namespace caseboard::domain {

struct ChecklistItem {
  std::string id;
  std::string text;
};

struct Checklist {
  std::string id;
  std::string name;
  std::string source;  // where in the guidance it comes from
  std::vector<ChecklistItem> items;
};

// scoping, contract, practitioner_event, media, commissioning.
const std::vector<Checklist>& Checklists();
const Checklist* FindChecklist(const std::string& id);

}  // namespace caseboard::domain
