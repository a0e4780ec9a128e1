// Text fields: local character edits, grouped into one signed change per
// editing burst so that a day of typing is hundreds of changes, not hundreds
// of thousands.
#include "caseboard/review/replica.h"

namespace caseboard::review {

using nlohmann::json;

Status Replica::EditText(const std::string& entity, const std::string& field,
                         const std::function<Status(crdt::TextSequence&)>& edit) {
  uint64_t now = options_.now();
  if (!dirty_texts_.empty() &&
      (now - last_text_ms_ >= options_.text_pause_ms || now - burst_start_ms_ >= options_.text_burst_ms))
    CB_RETURN_IF_ERROR(FlushText());
  CB_ASSIGN_OR_RETURN(const crdt::Entity* e, VisibleEntity(entity));
  const std::string compartment = e->compartment();
  // Checked now, not at signing: an edit that could never be signed must not
  // show on screen as if it had been made.
  if (!membership_.CanWrite(device_id_, compartment) || !LatestEpoch(compartment))
    return Status::AuthFailed("this device may not edit the " + compartment + " compartment of this review");
  crdt::TextSequence* text = doc_.EditableText(options_.schema, entity, field);
  if (!text) return Status::InvalidArgument("'" + field + "' is not a text field of a " + e->type());
  CB_RETURN_IF_ERROR(edit(*text));
  if (text->has_local_edits()) {
    if (dirty_texts_.empty()) burst_start_ms_ = now;
    dirty_texts_.insert({entity, field});
    last_text_ms_ = now;
  }
  return Status::Ok();
}

Status Replica::InsertText(const std::string& entity, const std::string& field, size_t pos,
                           std::string_view text) {
  return EditText(entity, field, [&](crdt::TextSequence& t) { return t.Insert(device_id_, pos, text); });
}

Status Replica::DeleteText(const std::string& entity, const std::string& field, size_t pos, size_t len) {
  return EditText(entity, field, [&](crdt::TextSequence& t) { return t.Delete(device_id_, pos, len); });
}

Status Replica::FlushText() {
  if (dirty_texts_.empty() || flushing_text_) return Status::Ok();
  std::map<std::string, std::vector<crdt::Op>> by_compartment;
  for (const auto& [entity, field] : dirty_texts_) {
    const crdt::Entity* e = doc_.Find(entity);
    crdt::TextSequence* text = doc_.EditableText(options_.schema, entity, field);
    if (!e || !text) continue;  // cannot happen: any other change flushes first
    Bytes batch = text->TakeLocalEdits();
    if (batch.empty()) continue;
    by_compartment[e->compartment()].push_back({{"o", "text"},
                                                {"e", entity},
                                                {"t", e->type()},
                                                {"f", field},
                                                {"x", json::binary_t(std::move(batch))}});
  }
  dirty_texts_.clear();
  flushing_text_ = true;
  Status result;
  for (auto& [compartment, ops] : by_compartment) {
    Status s = CommitLocal(compartment, std::move(ops)).status();
    if (!s.ok() && result.ok()) result = s;
  }
  flushing_text_ = false;
  return result;
}

}  // namespace caseboard::review
