// Files attached to a review. The bytes live in the vault's attachment store
// (sealed 64 KiB chunks); the review holds an "attachment" entity with the
// file's name, size and SHA-256, and a local record maps that hash to the
// vault's own attachment id (which is keyed per vault, so it differs between
// devices).
#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/review/replica.h"

namespace caseboard::review {

Result<std::string> Replica::AttachFile(const std::string& name, const std::string& media_type,
                                        const store::ReadFn& read, std::optional<std::string> compartment) {
  if (name.empty()) return Status::InvalidArgument("an attachment needs a name");
  auto sha = crypto::StreamingHash::Sha256();
  CB_ASSIGN_OR_RETURN(store::AttachmentInfo info,
                      vault_.PutAttachment(review_id_, [&](std::span<uint8_t> buf) -> Result<size_t> {
                        CB_ASSIGN_OR_RETURN(size_t n, read(buf));
                        sha.Update(ByteView(buf.data(), n));
                        return n;
                      }));
  std::string content = ToHex(sha.Final());
  batch_.Put({review_id_, "blob", content}, AsBytes(info.id));
  crypto::SecureBytes transfer_key = crypto::SecureBytes::Random(crypto::kAeadKeySize);
  return AddEntity("attachment",
                   {{"name", name},
                    {"content", content},
                    {"size", static_cast<int64_t>(info.size)},
                    {"media_type", media_type},
                    {"key", ToHex(transfer_key.view())}},
                   std::move(compartment));
}

Status Replica::ExtractFile(const std::string& entity, const store::WriteFn& write) const {
  const crdt::Entity* e = doc_.Find(entity);
  if (!e || e->type() != "attachment") return Status::NotFound("no attachment " + entity + " in this review");
  const nlohmann::json* content = e->Field("content");
  if (!content || !content->is_string()) return Status::NotFound("attachment " + entity + " names no file");
  auto local = vault_.Get({review_id_, "blob", content->get<std::string>()});
  if (local.status().IsNotFound())
    return Status::NotFound("the file of attachment " + entity + " has not reached this device yet");
  if (!local.ok()) return local.status();
  auto sha = crypto::StreamingHash::Sha256();
  CB_RETURN_IF_ERROR(vault_.ReadAttachment(review_id_, local->str(), [&](ByteView data) {
    sha.Update(data);
    return write(data);
  }));
  if (ToHex(sha.Final()) != content->get<std::string>())
    return Status::Corruption("attachment " + entity +
                              " does not match the content hash recorded in the review");
  return Status::Ok();
}

}  // namespace caseboard::review
