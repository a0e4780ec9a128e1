// Sign-offs: a senior manager's (or the board's) signed statement over the
// content of a record, such as an agency report.
//
// The statement is signed with the signing device's Ed25519 key over the
// review, the record, a SHA-256 of the record's content, the signer, the date
// and the words of the statement. Anyone in the review can check it later
// against the device's key in the membership. If the record changes after it
// was signed, its content hash no longer matches and the sign-off shows as
// invalid: a report cannot be quietly edited under a manager's signature.
#pragma once

#include <string>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/review/replica.h"
#include "caseboard/status.h"

namespace caseboard::domain {

// SHA-256 (hex) of a record's content: its type and fields, and for attached
// files their content hashes, so replacing a file also breaks the sign-off.
Result<std::string> ContentHash(const review::Replica& replica, const std::string& record_id);

// The bytes a sign-off's signature covers. A sign-off for publication also
// covers the publication check's result (publication_check.h); without one
// the message is the original v1 form, so older sign-offs still verify.
Bytes SignoffMessage(const std::string& review_id, const std::string& subject,
                     const std::string& content_hash, const std::string& signer,
                     const std::string& signer_role, const std::string& statement,
                     const std::string& signed_on, const std::string& publication_check = "",
                     const std::string& publication_texts = "");

struct SignoffCheck {
  std::string signoff;  // the signoff record's id
  std::string subject;
  std::string signer;
  std::string signer_role;
  std::string signed_on;
  bool valid = false;
  std::string reason;  // why it is invalid, in plain words
  // For a sign-off for publication: what the publication check said when it
  // was signed, and whether the texts destined for publication changed since.
  std::string publication_check;
  bool publication_texts_changed = false;
};

// Checks every sign-off in the review (or those of one subject).
std::vector<SignoffCheck> CheckSignoffs(const review::Replica& replica, const std::string& subject = "");

}  // namespace caseboard::domain
