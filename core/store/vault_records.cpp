// Records: small sealed values keyed by (review, kind, id).
#include "caseboard/crypto/aead.h"
#include "vault_impl.h"

namespace caseboard::store {

using crypto::SecureBytes;
using internal::Stmt;
using internal::Transaction;

Bytes RecordAad(const RecordKey& key) {
  Bytes aad;
  AppendLengthPrefixed(aad, std::string_view("caseboard/record/v1"));
  AppendLengthPrefixed(aad, key.review);
  AppendLengthPrefixed(aad, key.kind);
  AppendLengthPrefixed(aad, key.id);
  return aad;
}

static Status CheckKey(const RecordKey& key) {
  if (key.review.empty() || key.kind.empty() || key.id.empty())
    return Status::InvalidArgument("a record key needs a review, a kind and an id");
  return Status::Ok();
}

void WriteBatch::Put(RecordKey key, ByteView value) {
  ops_.push_back(Op{std::move(key), SecureBytes(value)});
}

void WriteBatch::Delete(RecordKey key) { ops_.push_back(Op{std::move(key), std::nullopt}); }

static Status PutSealed(Vault::Impl& impl, const RecordKey& key, ByteView value, Bytes& scratch) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  CB_ASSIGN_OR_RETURN(const SecureBytes* k, impl.Key(KeyPurpose::kRecords, key.review));
  scratch.clear();
  CB_RETURN_IF_ERROR(crypto::AeadSealAppend(*k, value, RecordAad(key), scratch));
  CB_ASSIGN_OR_RETURN(Stmt st,
                      impl.db->Prepare("INSERT INTO records(review, kind, id, value) VALUES(?1, ?2, ?3, ?4) "
                                       "ON CONFLICT(review, kind, id) DO UPDATE SET value = excluded.value"));
  return st.Bind(1, key.review).Bind(2, key.kind).Bind(3, key.id).Bind(4, ByteView(scratch)).Run();
}

static Status DeleteRow(Vault::Impl& impl, const RecordKey& key) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  CB_ASSIGN_OR_RETURN(Stmt st,
                      impl.db->Prepare("DELETE FROM records WHERE review = ?1 AND kind = ?2 AND id = ?3"));
  return st.Bind(1, key.review).Bind(2, key.kind).Bind(3, key.id).Run();
}

static Result<SecureBytes> OpenRecord(const Vault::Impl& impl, const RecordKey& key, ByteView sealed) {
  CB_ASSIGN_OR_RETURN(const SecureBytes* k, impl.Key(KeyPurpose::kRecords, key.review));
  auto opened = crypto::AeadOpen(*k, sealed, RecordAad(key));
  if (!opened.ok())
    return Status::Corruption(
        "record " + key.ToString() +
        " does not open: its stored value was altered, truncated or moved from another record");
  return opened;
}

Status Vault::Put(const RecordKey& key, ByteView value) {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  Bytes scratch;
  return PutSealed(*impl_, key, value, scratch);
}

Status Vault::Delete(const RecordKey& key) {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  return DeleteRow(*impl_, key);
}

Status Vault::Write(const WriteBatch& batch) {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  CB_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*impl_->db));
  Bytes scratch;
  for (const auto& op : batch.ops_) {
    if (op.value) {
      CB_RETURN_IF_ERROR(PutSealed(*impl_, op.key, op.value->view(), scratch));
    } else {
      CB_RETURN_IF_ERROR(DeleteRow(*impl_, op.key));
    }
  }
  return txn->Commit();
}

Status Vault::Checkpoint() {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  return impl_->db->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Result<SecureBytes> Vault::Get(const RecordKey& key) const {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  CB_RETURN_IF_ERROR(CheckKey(key));
  CB_ASSIGN_OR_RETURN(
      Stmt st, impl_->db->Prepare("SELECT value FROM records WHERE review = ?1 AND kind = ?2 AND id = ?3"));
  st.Bind(1, key.review).Bind(2, key.kind).Bind(3, key.id);
  CB_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::NotFound("no record " + key.ToString());
  return OpenRecord(*impl_, key, st.Blob(0));
}

Status Vault::Scan(std::string_view review, std::string_view kind,
                   const std::function<bool(const std::string&, SecureBytes)>& visit,
                   std::string_view from) const {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  CB_ASSIGN_OR_RETURN(Stmt st,
                      impl_->db->Prepare("SELECT id, value FROM records WHERE review = ?1 AND kind = ?2 "
                                         "AND id >= ?3 ORDER BY id"));
  st.Bind(1, review).Bind(2, kind).Bind(3, from);
  RecordKey key{std::string(review), std::string(kind), {}};
  for (;;) {
    CB_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    key.id = st.Text(0);
    CB_ASSIGN_OR_RETURN(SecureBytes value, OpenRecord(*impl_, key, st.Blob(1)));
    if (!visit(key.id, std::move(value))) return Status::Ok();
  }
}

Result<std::vector<std::string>> Vault::ListReviews() const {
  CB_ASSIGN_OR_RETURN(
      Stmt st,
      impl_->db->Prepare(
          "SELECT DISTINCT review FROM records UNION SELECT DISTINCT review FROM attachments ORDER BY 1"));
  std::vector<std::string> out;
  for (;;) {
    CB_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(st.Text(0));
  }
}

}  // namespace caseboard::store
