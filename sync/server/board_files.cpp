// Board: attachment files, kept as the sealed pieces members upload.
//
// The board cannot open a piece or tell which compartment its file belongs
// to (that is inside the encrypted attachment entity): it lets any member of
// the review fetch pieces, and any member who may write upload them. The
// pieces are sealed under a key only the entity carries, so a member outside
// the file's compartment learns its size and nothing else.
#include <algorithm>

#include "board.h"

namespace caseboard::server {

namespace {

ApiError BadFile() { return ApiError::BadRequest("a file id is 64 lowercase hex digits"); }

}  // namespace

ApiResult<sync::FileStatus> Board::FileStatus(const std::string& device, const std::string& review,
                                              const std::string& file) {
  if (!IsHexId(file, 64)) return BadFile();
  auto member = RequireMember(device, review);
  if (!member.ok()) return member.error();
  CB_API_ASSIGN_OR_RETURN(auto found, store_->FindFile(review, file));
  if (!found) return ApiError::NotFound("the board has no piece of this file yet");
  return sync::FileStatus{found->first, std::move(found->second)};
}

ApiResult<sync::FileStatus> Board::PutFileChunk(const std::string& device, const std::string& review,
                                                const std::string& file, uint64_t chunks, uint64_t index,
                                                ByteView sealed) {
  if (!IsHexId(file, 64)) return BadFile();
  if (chunks == 0 || chunks > sync::kMaxFileChunks || index >= chunks)
    return ApiError::BadRequest("a piece's index must be below the file's number of pieces (at most " +
                                std::to_string(sync::kMaxFileChunks) + ")");
  if (sealed.size() > sync::kMaxFileChunkBytes) return ApiError::TooLarge("a file piece is at most 1 MiB");
  auto member = RequireMember(device, review);
  if (!member.ok()) return member.error();
  if (member->member.role == crdt::Role::kReader)
    return ApiError::Forbidden("this device may read review " + review + " but not add files to it");
  // A device that has not heard of a destruction yet may still offer the file.
  auto destroyed = FileDestroyed(review, member->head, file);
  if (!destroyed.ok()) return destroyed.error();
  if (*destroyed) return ApiError::Conflict("this file was destroyed; it is not kept");
  Status put = store_->PutFileChunk(review, file, static_cast<uint32_t>(chunks), static_cast<uint32_t>(index),
                                    sealed, NowMs());
  if (put.code() == Status::Code::kInvalidArgument) return ApiError::Conflict(put.message());
  CB_API_RETURN_IF_ERROR(put);
  // A push may have stored the file's destruction while this piece was
  // being stored. Looked at again now that the piece is in: either this
  // sees the destroy change and deletes the file, or that push stores it
  // after this look and deletes the file itself after that (board_push.cpp).
  CB_API_ASSIGN_OR_RETURN(auto record, store_->FindReview(review));
  auto destroyed_now = FileDestroyed(review, record ? record->head : 0, file);
  if (!destroyed_now.ok()) return destroyed_now.error();
  if (*destroyed_now) {
    CB_API_RETURN_IF_ERROR(store_->DeleteFile(review, file));
    return ApiError::Conflict("this file was destroyed; it is not kept");
  }
  // Only the count is answered: the uploader knows what it sent.
  return sync::FileStatus{static_cast<uint32_t>(chunks), {}};
}

ApiResult<Bytes> Board::ReadFileChunk(const std::string& device, const std::string& review,
                                      const std::string& file, uint64_t index) {
  if (!IsHexId(file, 64)) return BadFile();
  auto member = RequireMember(device, review);
  if (!member.ok()) return member.error();
  if (index >= sync::kMaxFileChunks) return ApiError::NotFound("no such piece");
  auto destroyed = FileDestroyed(review, member->head, file);
  if (!destroyed.ok()) return destroyed.error();
  if (*destroyed) return ApiError::NotFound("this file was destroyed");
  CB_API_ASSIGN_OR_RETURN(auto piece, store_->ReadFileChunk(review, file, static_cast<uint32_t>(index)));
  if (!piece) return ApiError::NotFound("the board does not have this piece of the file");
  return std::move(*piece);
}

}  // namespace caseboard::server
