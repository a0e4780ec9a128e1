// Domain commands as JSON: one entry per ScrReview mutator, for front ends
// that speak JSON (the C API, and through it Swift and Kotlin).
//
// A command is an object {"command": NAME, ...members}; the result is an
// object (the new record's "id", the new "stage", ...). Unknown commands,
// missing members, members of the wrong type and members the command does
// not know are refused with kInvalidArgument before anything is written, so
// a typo never silently drops a field. Validation against the workflow's
// rules is ScrReview's, exactly as for caseboard-cli.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "caseboard/domain/read_models.h"
#include "caseboard/domain/scr_review.h"
#include "caseboard/status.h"

namespace caseboard::domain {

// The commands and their members ("?" marks an optional one):
//   set_record        type, fields                       -> {"id"}
//   add_record        type, fields, compartment?         -> {"id"}
//   update_record     id, fields                         -> {"id"}
//   advance                                              -> {"stage"}
//   decide            outcome, rationale, date?          -> {}
//   answer_checklist  checklist, item, answer, note?, about?, action?   -> {}
//   edit_key_question id, question, reason               -> {}
//   escalate          request, note                      -> {"step", "name"}
//   sign_off          subject, signer, signer_role?, statement?, date?  -> {"id"}
//   assign_role       role, person, details?, device?    -> {"id"}
//   assess_marker     number, rating, notes?             -> {"id"}
//   name_person       person, device?                    -> {}
//   destroy           kind                               -> {"records"}  (retention.h DestroyKind)
// Dates are "YYYY-MM-DD" and default to context.today; "device" is a
// device's identity line (cbdev1:...), defaulting to this device for
// name_person.
const std::vector<std::string>& CommandNames();

Result<nlohmann::json> RunCommand(ScrReview& review, const nlohmann::json& command,
                                  const ReadContext& context);

}  // namespace caseboard::domain
