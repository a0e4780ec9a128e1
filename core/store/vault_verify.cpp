// Verify: a full integrity pass over a vault, for `caseboard-cli verify`.
#include "caseboard/crypto/aead.h"
#include "vault_impl.h"

namespace caseboard::store {

using internal::Stmt;

Result<VerifyReport> Vault::Verify() const {
  CB_RETURN_IF_ERROR(impl_->RequireUnlocked());
  VerifyReport report;
  internal::Db& db = *impl_->db;

  // SQLite's own check of pages, indexes and free lists.
  {
    auto st = db.Prepare("PRAGMA integrity_check");
    if (!st.ok()) {
      report.problems.push_back("database: " + st.status().message());
      return report;
    }
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) {
        report.problems.push_back("database: " + row.status().message());
        return report;
      }
      if (!*row) break;
      std::string line = st->Text(0);
      if (line != "ok") report.problems.push_back("database: " + line);
    }
  }

  // Every record must open under its own key and place.
  {
    auto st = db.Prepare("SELECT review, kind, id, value FROM records ORDER BY review, kind, id");
    if (!st.ok()) return st.status();
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) {
        report.problems.push_back("records: " + row.status().message());
        break;
      }
      if (!*row) break;
      RecordKey key{st->Text(0), st->Text(1), st->Text(2)};
      auto k = impl_->Key(KeyPurpose::kRecords, key.review);
      if (!k.ok()) return k.status();
      ++report.records;
      if (!crypto::AeadOpen(**k, st->Blob(3), RecordAad(key)).ok())
        report.problems.push_back("record " + key.ToString() + " does not open: altered, truncated or moved");
    }
  }

  // Every attachment must read through to its content hash.
  std::vector<std::pair<std::string, std::string>> attachments;
  {
    auto st = db.Prepare("SELECT review, id FROM attachments ORDER BY review, id");
    if (!st.ok()) return st.status();
    for (;;) {
      auto row = st->Step();
      if (!row.ok()) {
        report.problems.push_back("attachments: " + row.status().message());
        break;
      }
      if (!*row) break;
      attachments.emplace_back(st->Text(0), st->Text(1));
    }
  }
  for (const auto& [review, id] : attachments) {
    ++report.attachments;
    uint64_t bytes = 0;
    Status s = ReadAttachment(review, id, [&](ByteView data) {
      bytes += data.size();
      return Status::Ok();
    });
    report.attachment_bytes += bytes;
    if (!s.ok()) report.problems.push_back("attachment " + review + "/" + id + ": " + s.message());
  }
  return report;
}

}  // namespace caseboard::store
