// A changes file: a review's sealed changes moved without a server.
//
// The bundle holds each change exactly as its author signed it: content is
// ciphertext under the review's keys, membership changes are signed
// cleartext (device ids, roles, public keys and sealed key envelopes). It is
// CBOR: {"format": "caseboard-changes", "v": 1, "review": ID, "changes":
// [bytes...]}. Importing runs every change through Replica::ReceiveAll, the
// same checks as sync. caseboard-cli's `changes export|import` and the C API
// both read and write this format.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "caseboard/bytes.h"
#include "caseboard/review/replica.h"
#include "caseboard/status.h"

namespace caseboard::review {

struct ChangeBundle {
  std::string review;
  std::vector<Bytes> changes;  // sealed, in the exporting device's log order
};

// Every change in the replica's local log. Unsigned text edits are not in
// the log: call FlushText first.
Result<ChangeBundle> CollectChanges(const Replica& replica);

Bytes EncodeChangeBundle(const ChangeBundle& bundle);
// `source` names the bytes in error messages (a file's path).
Result<ChangeBundle> DecodeChangeBundle(ByteView bytes, const std::string& source);

struct ImportSummary {
  std::string review;
  size_t changes = 0;
  std::map<Outcome, size_t> outcomes;  // what became of them
};
// Receives a bundle into its review (joining it if the vault does not have it).
Result<ImportSummary> ImportChangeBundle(Replica& replica, const ChangeBundle& bundle);

}  // namespace caseboard::review
