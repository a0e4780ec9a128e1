// The changes file format (change_bundle.h).
#include "caseboard/review/change_bundle.h"

#include <nlohmann/json.hpp>

#include "caseboard/crdt/cbor.h"
#include "caseboard/crdt/husk.h"

namespace caseboard::review {
namespace {

using nlohmann::json;

constexpr char kFormat[] = "caseboard-changes";

}  // namespace

Result<ChangeBundle> CollectChanges(const Replica& replica) {
  ChangeBundle bundle;
  bundle.review = replica.id();
  CB_RETURN_IF_ERROR(replica.ForEachChange([&](const crdt::Change& c) {
    // A husk this device made for itself vouches for nothing elsewhere.
    if (c.husk && !crdt::HuskIsSigned(c)) return Status::Ok();
    bundle.changes.push_back(c.sealed);
    return Status::Ok();
  }));
  return bundle;
}

Bytes EncodeChangeBundle(const ChangeBundle& bundle) {
  json changes = json::array();
  for (const auto& c : bundle.changes) changes.push_back(json::binary_t(c));
  json doc = {{"format", kFormat}, {"v", 1}, {"review", bundle.review}, {"changes", changes}};
  return json::to_cbor(doc);
}

Result<ChangeBundle> DecodeChangeBundle(ByteView bytes, const std::string& source) {
  json doc = crdt::DecodeCbor(bytes).value_or(json());
  if (!doc.is_object() || doc.value("format", "") != kFormat || !doc.contains("changes") ||
      !doc["changes"].is_array() || !doc.contains("review") || !doc["review"].is_string())
    return Status::InvalidArgument(
        source + " is not a Caseboard changes file (made by 'caseboard-cli changes export')");
  if (doc.value("v", 0) != 1) return Status::Unsupported(source + " was written by a newer Caseboard");
  ChangeBundle bundle;
  bundle.review = doc["review"].get<std::string>();
  for (const auto& c : doc["changes"]) {
    if (!c.is_binary()) return Status::InvalidArgument(source + " holds an entry that is not a change");
    bundle.changes.push_back(c.get_binary());
  }
  return bundle;
}

Result<ImportSummary> ImportChangeBundle(Replica& replica, const ChangeBundle& bundle) {
  if (replica.id() != bundle.review)
    return Status::InvalidArgument("the changes are of review " + bundle.review + ", not " + replica.id());
  CB_ASSIGN_OR_RETURN(auto results, replica.ReceiveAll(bundle.changes));
  ImportSummary summary;
  summary.review = bundle.review;
  summary.changes = bundle.changes.size();
  for (const auto& r : results) ++summary.outcomes[r.outcome];
  return summary;
}

}  // namespace caseboard::review
