// Long texts through the C API, with anchors: a cursor named by the
// character before it, which stays put while others type (caseboard.h).
#include <charconv>

#include "caseboard/crdt/text.h"
#include "handles.h"

using namespace caseboard;
using namespace caseboard::capi;

namespace {

// The text field `field` of `entity`: checked like caseboard-cli text does,
// so a typo in a field name is an error and not an empty text.
Result<const crdt::TextSequence*> TextOf(const review::Replica& rep, const char* entity, const char* field) {
  CB_RETURN_IF_ERROR(NotNull(entity, "entity"));
  CB_RETURN_IF_ERROR(NotNull(field, "field"));
  const crdt::Entity* e = rep.document().Find(entity);
  if (!e) return Status::NotFound(std::string("no entity ") + entity + " in review " + rep.id());
  const crdt::FieldDef* def = rep.schema().Field(e->type(), field);
  if (!def || def->type != crdt::FieldType::kText)
    return Status::InvalidArgument(std::string("'") + field + "' is not a text field of a " + e->type());
  return e->Text(field);  // null until the first character is typed
}

// An anchor as the C API hands it out: "" for the start, else "SEQ@AGENT".
std::string EncodeAnchor(const crdt::TextAnchor& a) {
  return a.agent.empty() ? std::string() : std::to_string(a.seq) + "@" + a.agent;
}

Result<crdt::TextAnchor> DecodeAnchor(const char* text) {
  CB_RETURN_IF_ERROR(NotNull(text, "anchor"));
  std::string_view s(text);
  if (s.empty()) return crdt::TextAnchor{};
  size_t at = s.find('@');
  crdt::TextAnchor a;
  auto [end, ec] = std::from_chars(s.data(), s.data() + (at == std::string_view::npos ? 0 : at), a.seq);
  if (at == std::string_view::npos || at == 0 || ec != std::errc() || end != s.data() + at ||
      at + 1 == s.size())
    return Status::InvalidArgument("'" + std::string(s) + "' is not an anchor made by caseboard_text_anchor");
  a.agent = std::string(s.substr(at + 1));
  return a;
}

size_t CodePoints(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

std::string_view TextArg(const char* text, size_t size) {
  return text ? std::string_view(text, size) : std::string_view();
}

}  // namespace

extern "C" {

caseboard_status caseboard_text_insert(caseboard_review* review, const char* entity, const char* field,
                                       size_t pos, const char* text, size_t size, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    if (!text && size) return Status::InvalidArgument("text is NULL");
    CB_RETURN_IF_ERROR(TextOf(*slot.replica, entity, field).status());
    return slot.replica->InsertText(entity, field, pos, TextArg(text, size));
  });
}

caseboard_status caseboard_text_insert_at(caseboard_review* review, const char* entity, const char* field,
                                          const char* anchor, const char* text, size_t size,
                                          char** anchor_after, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    if (!text && size) return Status::InvalidArgument("text is NULL");
    if (anchor_after) *anchor_after = nullptr;
    CB_ASSIGN_OR_RETURN(crdt::TextAnchor a, DecodeAnchor(anchor));
    CB_ASSIGN_OR_RETURN(const crdt::TextSequence* seq, TextOf(*slot.replica, entity, field));
    size_t pos = seq ? seq->PositionOf(a) : 0;
    CB_RETURN_IF_ERROR(slot.replica->InsertText(entity, field, pos, TextArg(text, size)));
    if (anchor_after) {
      CB_ASSIGN_OR_RETURN(seq, TextOf(*slot.replica, entity, field));
      size_t end = pos + CodePoints(TextArg(text, size));
      *anchor_after = CopyString(seq ? EncodeAnchor(seq->AnchorAt(end)) : std::string());
    }
    return Status::Ok();
  });
}

caseboard_status caseboard_text_delete(caseboard_review* review, const char* entity, const char* field,
                                       size_t pos, size_t length, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(TextOf(*slot.replica, entity, field).status());
    return slot.replica->DeleteText(entity, field, pos, length);
  });
}

caseboard_status caseboard_text_get(caseboard_review* review, const char* entity, const char* field,
                                    char** text, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(text, "text"));
    *text = nullptr;
    CB_ASSIGN_OR_RETURN(const crdt::TextSequence* seq, TextOf(*slot.replica, entity, field));
    *text = CopyString(seq ? seq->Text() : std::string());
    return Status::Ok();
  });
}

caseboard_status caseboard_text_anchor(caseboard_review* review, const char* entity, const char* field,
                                       size_t pos, char** anchor, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(anchor, "anchor"));
    *anchor = nullptr;
    CB_ASSIGN_OR_RETURN(const crdt::TextSequence* seq, TextOf(*slot.replica, entity, field));
    size_t size = seq ? seq->size() : 0;
    if (pos > size)
      return Status::InvalidArgument("position " + std::to_string(pos) + " is past the end of the text (" +
                                     std::to_string(size) + " characters)");
    *anchor = CopyString(seq ? EncodeAnchor(seq->AnchorAt(pos)) : std::string());
    return Status::Ok();
  });
}

caseboard_status caseboard_text_position(caseboard_review* review, const char* entity, const char* field,
                                         const char* anchor, size_t* pos, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(pos, "pos"));
    CB_ASSIGN_OR_RETURN(crdt::TextAnchor a, DecodeAnchor(anchor));
    CB_ASSIGN_OR_RETURN(const crdt::TextSequence* seq, TextOf(*slot.replica, entity, field));
    *pos = seq ? seq->PositionOf(a) : 0;
    return Status::Ok();
  });
}

caseboard_status caseboard_text_flush(caseboard_review* review, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome { return slot.replica->FlushText(); });
}

}  // extern "C"
