// Attachments: files streamed through the vault in sealed 64 KiB chunks.
//
// Each upload writes its chunks under a fresh random blob id, committing every
// few megabytes so a 1 GiB file never sits in one transaction or in memory.
// Every chunk is bound (as associated data) to its review, blob, index and
// whether it is the last, so chunks cannot be reordered, swapped between
// files or cut off without detection. Once the whole file has passed, its id
// is the keyed hash of its content, and a sealed manifest ties id, blob, size
// and chunk count together. Chunks left by an upload that never finished
// (a crash, a full disk) belong to no manifest and are collected on open.
#include "caseboard/crypto/aead.h"
#include "caseboard/crypto/hash.h"
#include "vault_impl.h"

namespace caseboard::store {

using crypto::SecureBytes;
using internal::Stmt;
using internal::Transaction;

namespace {

constexpr int kChunksPerTransaction = 64;  // 4 MiB between commits
constexpr size_t kBlobIdSize = 16;

Bytes ChunkAad(std::string_view review, std::string_view blob, uint64_t index, bool last) {
  Bytes aad;
  AppendLengthPrefixed(aad, std::string_view("caseboard/attachment-chunk/v1"));
  AppendLengthPrefixed(aad, review);
  AppendLengthPrefixed(aad, blob);
  AppendU64(aad, index);
  aad.push_back(last ? 1 : 0);
  return aad;
}

Bytes ManifestAad(std::string_view review, std::string_view id) {
  Bytes aad;
  AppendLengthPrefixed(aad, std::string_view("caseboard/attachment-manifest/v1"));
  AppendLengthPrefixed(aad, review);
  AppendLengthPrefixed(aad, id);
  return aad;
}

struct Manifest {
  std::string blob;
  uint64_t size = 0;
  uint64_t chunks = 0;
};

Bytes EncodeManifest(const Manifest& m) {
  Bytes out;
  AppendLengthPrefixed(out, m.blob);
  AppendU64(out, m.size);
  AppendU64(out, m.chunks);
  return out;
}

uint64_t ReadBigEndian(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | p[i];
  return v;
}

Result<Manifest> DecodeManifest(ByteView b) {
  if (b.size() < 4) return Status::Corruption("attachment manifest is truncated");
  size_t n = ReadBigEndian(b.data(), 4);
  if (b.size() != 4 + n + 16) return Status::Corruption("attachment manifest has the wrong length");
  Manifest m;
  m.blob.assign(reinterpret_cast<const char*>(b.data() + 4), n);
  m.size = ReadBigEndian(b.data() + 4 + n, 8);
  m.chunks = ReadBigEndian(b.data() + 12 + n, 8);
  return m;
}

// Fills `buf` as far as the source allows; returns bytes read (short only at end).
Result<size_t> ReadFull(const ReadFn& read, std::span<uint8_t> buf) {
  size_t got = 0;
  while (got < buf.size()) {
    CB_ASSIGN_OR_RETURN(size_t n, read(buf.subspan(got)));
    if (n == 0) break;
    if (n > buf.size() - got) return Status::Internal("attachment source returned more bytes than asked for");
    got += n;
  }
  return got;
}

Status DeleteBlob(internal::Db& db, std::string_view blob) {
  CB_ASSIGN_OR_RETURN(Stmt st, db.Prepare("DELETE FROM attachment_chunks WHERE blob = ?1"));
  return st.Bind(1, blob).Run();
}

Result<Manifest> LoadManifest(const Vault::Impl& impl, std::string_view review, std::string_view id) {
  CB_ASSIGN_OR_RETURN(Stmt st,
                      impl.db->Prepare("SELECT manifest FROM attachments WHERE review = ?1 AND id = ?2"));
  st.Bind(1, review).Bind(2, id);
  CB_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no attachment " + std::string(id) + " in review " + std::string(review));
  CB_ASSIGN_OR_RETURN(const SecureBytes* key, impl.Key(KeyPurpose::kAttachmentChunks, review));
  auto opened = crypto::AeadOpen(*key, st.Blob(0), ManifestAad(review, id));
  if (!opened.ok())
    return Status::Corruption("attachment " + std::string(id) + " has a damaged or moved manifest");
  return DecodeManifest(opened->view());
}

}  // namespace

Result<AttachmentInfo> Vault::PutAttachment(std::string_view review, const ReadFn& read) {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  if (review.empty()) return Status::InvalidArgument("an attachment needs a review");
  internal::Db& db = *impl_->db;
  CB_ASSIGN_OR_RETURN(const SecureBytes* chunk_key, impl_->Key(KeyPurpose::kAttachmentChunks, review));
  CB_ASSIGN_OR_RETURN(const SecureBytes* id_key, impl_->Key(KeyPurpose::kAttachmentIds, review));

  Manifest m;
  m.blob = ToHex(crypto::RandomBytes(kBlobIdSize));
  auto hash = crypto::StreamingHash::Hmac(id_key->view());
  // Two buffers: we only know a chunk is the last once the next read is empty.
  SecureBytes current(kAttachmentChunkSize), next(kAttachmentChunkSize);
  Bytes sealed;
  sealed.reserve(kAttachmentChunkSize + crypto::kAeadOverhead);

  auto upload = [&]() -> Status {
    CB_ASSIGN_OR_RETURN(size_t current_len, ReadFull(read, current.span()));
    std::unique_ptr<Transaction> txn;
    for (;;) {
      size_t next_len = 0;
      if (current_len == kAttachmentChunkSize) {
        CB_ASSIGN_OR_RETURN(next_len, ReadFull(read, next.span()));
      }
      bool last = next_len == 0;
      ByteView chunk(current.data(), current_len);
      hash.Update(chunk);
      sealed.clear();
      CB_RETURN_IF_ERROR(
          crypto::AeadSealAppend(*chunk_key, chunk, ChunkAad(review, m.blob, m.chunks, last), sealed));
      if (!txn) {
        CB_ASSIGN_OR_RETURN(txn, Transaction::Begin(db));
      }
      CB_ASSIGN_OR_RETURN(Stmt st,
                          db.Prepare("INSERT INTO attachment_chunks(blob, idx, data) VALUES(?1, ?2, ?3)"));
      CB_RETURN_IF_ERROR(
          st.Bind(1, m.blob).Bind(2, static_cast<int64_t>(m.chunks)).Bind(3, ByteView(sealed)).Run());
      m.size += current_len;
      ++m.chunks;
      if (m.chunks % kChunksPerTransaction == 0) {
        CB_RETURN_IF_ERROR(txn->Commit());
        txn.reset();
      }
      if (last) break;
      std::swap(current, next);
      current_len = next_len;
    }
    if (txn) CB_RETURN_IF_ERROR(txn->Commit());
    return Status::Ok();
  };
  Status s = upload();
  if (!s.ok()) {
    (void)DeleteBlob(db, m.blob);  // best effort; leftovers are collected on the next open
    return s;
  }

  crypto::Digest digest = hash.Final();
  AttachmentInfo info{ToHex(digest), m.size};
  CB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(db));
  CB_ASSIGN_OR_RETURN(Stmt exists, db.Prepare("SELECT 1 FROM attachments WHERE review = ?1 AND id = ?2"));
  exists.Bind(1, review).Bind(2, info.id);
  CB_ASSIGN_OR_RETURN(bool already, exists.Step());
  if (already) {
    CB_RETURN_IF_ERROR(DeleteBlob(db, m.blob));  // same content is already stored
  } else {
    CB_ASSIGN_OR_RETURN(Bytes manifest,
                        crypto::AeadSeal(*chunk_key, EncodeManifest(m), ManifestAad(review, info.id)));
    CB_ASSIGN_OR_RETURN(
        Stmt ins,
        db.Prepare("INSERT INTO attachments(review, id, blob, size, manifest) VALUES(?1, ?2, ?3, ?4, ?5)"));
    CB_RETURN_IF_ERROR(ins.Bind(1, review)
                           .Bind(2, info.id)
                           .Bind(3, m.blob)
                           .Bind(4, static_cast<int64_t>(m.size))
                           .Bind(5, ByteView(manifest))
                           .Run());
  }
  CB_RETURN_IF_ERROR(txn->Commit());
  return info;
}

Status Vault::ReadAttachment(std::string_view review, std::string_view id, const WriteFn& write) const {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  CB_ASSIGN_OR_RETURN(Manifest m, LoadManifest(*impl_, review, id));
  CB_ASSIGN_OR_RETURN(const SecureBytes* chunk_key, impl_->Key(KeyPurpose::kAttachmentChunks, review));
  CB_ASSIGN_OR_RETURN(const SecureBytes* id_key, impl_->Key(KeyPurpose::kAttachmentIds, review));
  auto hash = crypto::StreamingHash::Hmac(id_key->view());
  std::string what = "attachment " + std::string(id);

  CB_ASSIGN_OR_RETURN(
      Stmt st, impl_->db->Prepare("SELECT idx, data FROM attachment_chunks WHERE blob = ?1 ORDER BY idx"));
  st.Bind(1, m.blob);
  uint64_t index = 0, total = 0;
  for (;; ++index) {
    CB_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    if (st.Int(0) != static_cast<int64_t>(index) || index >= m.chunks)
      return Status::Corruption(what + " has a missing or extra chunk at " + std::to_string(index));
    auto chunk =
        crypto::AeadOpen(*chunk_key, st.Blob(1), ChunkAad(review, m.blob, index, index + 1 == m.chunks));
    if (!chunk.ok())
      return Status::Corruption(what + " chunk " + std::to_string(index) + " is damaged or out of place");
    hash.Update(chunk->view());
    total += chunk->size();
    CB_RETURN_IF_ERROR(write(chunk->view()));
  }
  if (index != m.chunks || total != m.size)
    return Status::Corruption(what + " is truncated: " + std::to_string(index) + " of " +
                              std::to_string(m.chunks) + " chunks present");
  crypto::Digest digest = hash.Final();
  if (ToHex(digest) != id) return Status::Corruption(what + " does not match its content hash");
  return Status::Ok();
}

Result<AttachmentInfo> Vault::StatAttachment(std::string_view review, std::string_view id) const {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  CB_ASSIGN_OR_RETURN(Manifest m, LoadManifest(*impl_, review, id));
  return AttachmentInfo{std::string(id), m.size};
}

Result<std::vector<AttachmentInfo>> Vault::ListAttachments(std::string_view review) const {
  CB_ASSIGN_OR_RETURN(Stmt st,
                      impl_->db->Prepare("SELECT id, size FROM attachments WHERE review = ?1 ORDER BY id"));
  st.Bind(1, review);
  std::vector<AttachmentInfo> out;
  for (;;) {
    CB_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Text(0), static_cast<uint64_t>(st.Int(1))});
  }
}

Status Vault::DeleteAttachment(std::string_view review, std::string_view id) {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  CB_ASSIGN_OR_RETURN(Manifest m, LoadManifest(*impl_, review, id));
  CB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*impl_->db));
  CB_RETURN_IF_ERROR(DeleteBlob(*impl_->db, m.blob));
  CB_ASSIGN_OR_RETURN(Stmt st, impl_->db->Prepare("DELETE FROM attachments WHERE review = ?1 AND id = ?2"));
  CB_RETURN_IF_ERROR(st.Bind(1, review).Bind(2, id).Run());
  return txn->Commit();
}

}  // namespace caseboard::store
