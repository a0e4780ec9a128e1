// The demo vault's content: the four case studies of guidance Appendix 3 as
// reviews at different stages, with realistic (entirely fictional) records,
// for trying Caseboard out, for screenshots and for tests.
#pragma once

#include <string>
#include <vector>

#include "caseboard/domain/calendar.h"
#include "caseboard/status.h"
#include "caseboard/store/vault.h"

namespace caseboard::domain {

struct DemoReview {
  std::string id;
  std::string title;
  std::string stage;  // the stage it was left at
};

// Creates the four demo reviews in `vault` (this device is their owner),
// dated relative to `today` so their deadlines show every state (due, at
// risk, overdue, met). Each call creates four new reviews.
Result<std::vector<DemoReview>> BuildDemo(store::Vault& vault, const WorkingCalendar& calendar, Date today);

}  // namespace caseboard::domain
