// The access log: who opened, exported or printed which restricted record.
//
// Each entry is an access_log record in the review's restricted compartment,
// so it is a change signed by the device that made the access (its author
// and time are the change's, which no one can alter), it travels to every
// member who may read restricted material, and no one else sees it.
//
// Only accesses to records in the restricted compartment are logged. A
// device that may read the restricted compartment but not write to it (a
// reader) cannot sign entries into the review: its accesses go unlogged,
// and LogAccess says so by returning false.
#pragma once

#include <string>
#include <vector>

#include "caseboard/review/replica.h"
#include "caseboard/status.h"

namespace caseboard::domain {

// `action` is "opened", "exported" or "printed"; `how` says through what
// ("the app's record form", "subject access bundle"). Returns true when an
// entry was written, false when none was needed (not a restricted record)
// or none can be (a reader). An error means the entry could not be written
// although it should have been: the caller refuses the access then.
Result<bool> LogAccess(review::Replica& replica, const std::string& action, const std::string& record,
                       const std::string& how);

struct AccessEntry {
  std::string action, record, record_type, how;
  std::string device;  // the device that signed the entry
  std::string at;      // when, UTC ("2026-12-03T11:55:32Z")
};
// The log, oldest first.
std::vector<AccessEntry> AccessLog(const crdt::Document& doc);

}  // namespace caseboard::domain
