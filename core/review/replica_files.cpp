// Files between devices: an attachment's bytes, sealed piece by piece under
// the transfer key its entity carries (see replica.h, "Files between
// devices"). Pieces that arrive are kept as vault records (encrypted like any
// record) until all are here, so a download interrupted at any point resumes
// with the pieces still missing.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/review/replica.h"

namespace caseboard::review {

namespace {

constexpr char kPartKind[] = "filepart";

// The piece's record id: file id and a fixed-width index, so that a scan
// visits a file's pieces in order.
std::string PartId(const std::string& file, uint32_t index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", index);
  return file + "/" + buf;
}

void AppendU64(Bytes& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

Bytes ChunkAad(const Replica::FileRef& f, uint32_t index) {
  Bytes aad;
  AppendLengthPrefixed(aad, "caseboard/file/v1");
  AppendLengthPrefixed(aad, f.id);
  AppendU64(aad, index);
  AppendU64(aad, f.chunks);
  AppendU64(aad, f.size);
  return aad;
}

}  // namespace

std::optional<std::string> Replica::BoardFileId(const crdt::Entity& attachment) {
  const nlohmann::json* key = attachment.Field("key");
  if (!key || !key->is_string()) return std::nullopt;
  auto key_bytes = FromHex(key->get<std::string>());
  if (!key_bytes || key_bytes->size() != crypto::kAeadKeySize) return std::nullopt;
  // The board's name: a MAC of a fixed label under the key, so it reveals
  // nothing and nobody without the key can claim it for other content.
  std::string id = ToHex(crypto::HmacSha256(*key_bytes, AsBytes("caseboard/file-id/v1")));
  std::fill(key_bytes->begin(), key_bytes->end(), 0);
  return id;
}

Status Replica::ForgetFile(const crdt::Entity& attachment) {
  if (auto board_id = BoardFileId(attachment)) {
    std::vector<std::string> parts;
    std::string prefix = *board_id + "/";
    CB_RETURN_IF_ERROR(vault_.Scan(
        review_id_, kPartKind,
        [&](const std::string& id, crypto::SecureBytes) {
          if (id.compare(0, prefix.size(), prefix) != 0) return false;
          parts.push_back(id);
          return true;
        },
        prefix));
    for (const auto& id : parts) batch_.Delete({review_id_, kPartKind, id});
  }
  const nlohmann::json* content = attachment.Field("content");
  if (!content || !content->is_string()) return Status::Ok();
  // Identical content is stored once: it stays while another attachment names it.
  for (const auto& [id, e] : doc_.entities()) {
    const nlohmann::json* other = e.type() == "attachment" ? e.Field("content") : nullptr;
    if (&e != &attachment && other && *other == *content) return Status::Ok();
  }
  auto local = vault_.Get({review_id_, "blob", content->get<std::string>()});
  if (local.status().IsNotFound()) return Status::Ok();  // never reached this device
  CB_RETURN_IF_ERROR(local.status());
  Status deleted = vault_.DeleteAttachment(review_id_, local->str());
  if (!deleted.ok() && !deleted.IsNotFound()) return deleted;
  batch_.Delete({review_id_, "blob", content->get<std::string>()});
  return Status::Ok();
}

std::vector<Replica::FileRef> Replica::Files() const {
  std::vector<FileRef> out;
  for (const auto& [id, e] : doc_.entities()) {
    if (!e.visible() || e.type() != "attachment") continue;
    const nlohmann::json* content = e.Field("content");
    const nlohmann::json* size = e.Field("size");
    std::optional<std::string> board_id = BoardFileId(e);
    if (!content || !content->is_string() || !size || !size->is_number_integer() || !board_id ||
        size->get<int64_t>() < 0)
      continue;  // attached before files travelled, or damaged: nothing to move
    FileRef f;
    f.entity = id;
    f.content = content->get<std::string>();
    f.size = static_cast<uint64_t>(size->get<int64_t>());
    f.id = *board_id;
    f.chunks = static_cast<uint32_t>(std::max<uint64_t>(1, (f.size + kFileChunkBytes - 1) / kFileChunkBytes));
    f.here = vault_.Get({review_id_, "blob", f.content}).ok();
    out.push_back(std::move(f));
  }
  return out;
}

// The transfer key of a file's entity.
static Result<crypto::SecureBytes> TransferKey(const crdt::Document& doc, const Replica::FileRef& f) {
  const crdt::Entity* e = doc.Find(f.entity);
  const nlohmann::json* key = e ? e->Field("key") : nullptr;
  if (!key || !key->is_string()) return Status::NotFound("attachment " + f.entity + " has no transfer key");
  auto bytes = FromHex(key->get<std::string>());
  if (!bytes || bytes->size() != crypto::kAeadKeySize)
    return Status::Corruption("attachment " + f.entity + " has a malformed transfer key");
  crypto::SecureBytes out(*bytes);
  std::fill(bytes->begin(), bytes->end(), 0);
  return out;
}

Status Replica::SealFileChunks(const FileRef& f, const std::function<Status(uint32_t, Bytes)>& each) const {
  CB_ASSIGN_OR_RETURN(crypto::SecureBytes key, TransferKey(doc_, f));
  crypto::SecureBytes piece(kFileChunkBytes);
  size_t filled = 0;
  uint32_t index = 0;
  auto flush = [&]() -> Status {
    CB_ASSIGN_OR_RETURN(Bytes sealed,
                        crypto::AeadSeal(key, ByteView(piece.data(), filled), ChunkAad(f, index)));
    CB_RETURN_IF_ERROR(each(index++, std::move(sealed)));
    filled = 0;
    return Status::Ok();
  };
  auto take = [&](ByteView data) -> Status {
    while (!data.empty()) {
      size_t n = std::min(data.size(), kFileChunkBytes - filled);
      std::memcpy(piece.data() + filled, data.data(), n);
      filled += n;
      data = data.subspan(n);
      if (filled == kFileChunkBytes) CB_RETURN_IF_ERROR(flush());
    }
    return Status::Ok();
  };
  CB_RETURN_IF_ERROR(ExtractFile(f.entity, take));
  if (filled > 0 || index == 0) CB_RETURN_IF_ERROR(flush());
  if (index != f.chunks)
    return Status::Corruption("attachment " + f.entity + " is not the size its entity records");
  return Status::Ok();
}

Status Replica::StoreFileChunk(const FileRef& f, uint32_t index, ByteView sealed) {
  if (index >= f.chunks)
    return Status::InvalidArgument("no piece " + std::to_string(index) + " in this file");
  CB_ASSIGN_OR_RETURN(crypto::SecureBytes key, TransferKey(doc_, f));
  CB_ASSIGN_OR_RETURN(crypto::SecureBytes plain, crypto::AeadOpen(key, sealed, ChunkAad(f, index)));
  bool last = index + 1 == f.chunks;
  uint64_t want = last ? f.size - uint64_t{index} * kFileChunkBytes : kFileChunkBytes;
  if (plain.size() != want)
    return Status::Corruption("a piece of attachment " + f.entity + " has the wrong size");
  return vault_.Put({review_id_, kPartKind, PartId(f.id, index)}, sealed);
}

Result<std::vector<uint32_t>> Replica::MissingFileChunks(const FileRef& f) const {
  std::vector<bool> have(f.chunks, false);
  std::string prefix = f.id + "/";
  auto visit = [&](const std::string& id, crypto::SecureBytes) {
    if (id.compare(0, prefix.size(), prefix) != 0) return false;
    uint32_t index = static_cast<uint32_t>(std::strtoul(id.c_str() + prefix.size(), nullptr, 16));
    if (index < f.chunks) have[index] = true;
    return true;
  };
  CB_RETURN_IF_ERROR(vault_.Scan(review_id_, kPartKind, visit, prefix));
  std::vector<uint32_t> missing;
  for (uint32_t i = 0; i < f.chunks; ++i)
    if (!have[i]) missing.push_back(i);
  return missing;
}

Status Replica::AssembleFile(const FileRef& f) {
  CB_ASSIGN_OR_RETURN(std::vector<uint32_t> missing, MissingFileChunks(f));
  if (!missing.empty()) return Status::NotFound("attachment " + f.entity + " has pieces still to come");
  CB_ASSIGN_OR_RETURN(crypto::SecureBytes key, TransferKey(doc_, f));
  // Each piece is opened only when the vault asks for more bytes, so memory
  // stays at one piece whatever the file's size.
  uint32_t next = 0;
  crypto::SecureBytes plain;
  size_t offset = 0;
  auto sha = crypto::StreamingHash::Sha256();
  auto read = [&](std::span<uint8_t> buf) -> Result<size_t> {
    while (offset == plain.size()) {
      if (next == f.chunks) return size_t{0};
      CB_ASSIGN_OR_RETURN(crypto::SecureBytes sealed,
                          vault_.Get({review_id_, kPartKind, PartId(f.id, next)}));
      CB_ASSIGN_OR_RETURN(plain, crypto::AeadOpen(key, sealed.view(), ChunkAad(f, next)));
      ++next;
      offset = 0;
    }
    size_t n = std::min(buf.size(), plain.size() - offset);
    std::memcpy(buf.data(), plain.data() + offset, n);
    sha.Update(ByteView(buf.data(), n));
    offset += n;
    return n;
  };
  CB_ASSIGN_OR_RETURN(store::AttachmentInfo info, vault_.PutAttachment(review_id_, read));
  // The pieces opened under the entity's key, so only a member holding it
  // can have sent other content than the entity records. (The stored copy is
  // not deleted: identical content is stored once, and may be another's.)
  if (ToHex(sha.Final()) != f.content || info.size != f.size)
    return Status::Corruption("attachment " + f.entity + " arrived but does not match its recorded SHA-256");
  store::WriteBatch batch;
  batch.Put({review_id_, "blob", f.content}, AsBytes(info.id));
  for (uint32_t i = 0; i < f.chunks; ++i) batch.Delete({review_id_, kPartKind, PartId(f.id, i)});
  return vault_.Write(batch);
}

}  // namespace caseboard::review
