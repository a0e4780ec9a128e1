// Attachments through the C API, streamed through the caller's callbacks so
// a large file never has to be in memory on a phone (caseboard.h).
#include "handles.h"

using namespace caseboard;
using namespace caseboard::capi;

extern "C" {

caseboard_status caseboard_file_attach(caseboard_review* review, const char* name, const char* media_type,
                                       const char* compartment, caseboard_read_fn read, void* user,
                                       char** entity, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(name, "name"));
    CB_RETURN_IF_ERROR(NotNull(reinterpret_cast<const void*>(read), "the read callback"));
    if (entity) *entity = nullptr;
    bool stopped = false;
    store::ReadFn pull = [&](std::span<uint8_t> buf) -> Result<size_t> {
      int64_t n = read(user, buf.data(), buf.size());
      if (n < 0) {
        stopped = true;
        return Status::IOError("the read callback stopped the attachment");
      }
      if (static_cast<uint64_t>(n) > buf.size())
        return Status::InvalidArgument("the read callback returned more bytes than the buffer holds");
      return static_cast<size_t>(n);
    };
    std::optional<std::string> comp;
    if (compartment) comp = compartment;
    auto id =
        slot.replica->AttachFile(name, media_type ? media_type : "application/octet-stream", pull, comp);
    if (stopped) return Outcome::Cancel("the read callback stopped the attachment; nothing was attached");
    if (!id.ok()) return id.status();
    SetString(entity, *id);
    return Status::Ok();
  });
}

caseboard_status caseboard_file_extract(caseboard_review* review, const char* entity,
                                        caseboard_write_fn write, void* user, char** error) {
  return WithReview(review, error, [&](ReviewSlot& slot) -> Outcome {
    CB_RETURN_IF_ERROR(NotNull(entity, "entity"));
    CB_RETURN_IF_ERROR(NotNull(reinterpret_cast<const void*>(write), "the write callback"));
    bool stopped = false;
    Status s = slot.replica->ExtractFile(entity, [&](ByteView data) -> Status {
      if (write(user, data.data(), data.size()) != 0) {
        stopped = true;
        return Status::IOError("the write callback stopped the extraction");
      }
      return Status::Ok();
    });
    if (stopped) return Outcome::Cancel("the write callback stopped the extraction");
    return s;
  });
}

}  // extern "C"
