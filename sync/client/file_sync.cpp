#include "file_sync.h"

#include <set>

#include "caseboard/crdt/cbor.h"

namespace caseboard::sync {

namespace {

store::RecordKey DoneKey(const std::string& review) { return {review, kSyncKind, "files"}; }

// The ids of files known to be complete on the board.
Result<std::set<std::string>> LoadDone(const store::Vault& vault, const std::string& review) {
  auto value = vault.Get(DoneKey(review));
  if (value.status().IsNotFound()) return std::set<std::string>();
  if (!value.ok()) return value.status();
  auto j = crdt::DecodeCbor(value->view());
  if (!j.ok() || !j->is_array())
    return Status::Corruption("the sync record " + DoneKey(review).ToString() + " is malformed");
  std::set<std::string> out;
  for (const auto& id : *j)
    if (id.is_string()) out.insert(id.get<std::string>());
  return out;
}

Status SaveDone(store::Vault& vault, const std::string& review, const std::set<std::string>& done) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& id : done) j.push_back(id);
  Bytes cbor = nlohmann::json::to_cbor(j);
  return vault.Put(DoneKey(review), cbor);
}

struct Progress {
  const SyncOptions& options;
  const std::string& review;
  uint64_t done = 0, total = 0;
  void Add(uint64_t bytes) {
    done += bytes;
    if (options.progress) options.progress({review, SyncProgress::Phase::kFiles, done, total});
  }
};

bool Cancelled(const SyncOptions& options) {
  return options.client.http.cancel && options.client.http.cancel->load();
}

Status Upload(BoardClient& client, const review::Replica& replica, const review::Replica::FileRef& f,
              const FileStatus* board, Progress& progress, const SyncOptions& options) {
  std::set<uint32_t> have;
  if (board) have.insert(board->have.begin(), board->have.end());
  return replica.SealFileChunks(f, [&](uint32_t index, Bytes sealed) -> Status {
    if (Cancelled(options)) return Status::IOError("sync interrupted");
    if (have.count(index)) return Status::Ok();
    size_t n = sealed.size();
    CB_RETURN_IF_ERROR(client.PutFileChunk(replica.id(), f.id, f.chunks, index, std::move(sealed)));
    progress.Add(n);
    return Status::Ok();
  });
}

Status Download(BoardClient& client, review::Replica& replica, const review::Replica::FileRef& f,
                Progress& progress, const SyncOptions& options) {
  CB_ASSIGN_OR_RETURN(std::vector<uint32_t> missing, replica.MissingFileChunks(f));
  for (uint32_t index : missing) {
    if (Cancelled(options)) return Status::IOError("sync interrupted");
    CB_ASSIGN_OR_RETURN(Bytes sealed, client.GetFileChunk(replica.id(), f.id, index));
    CB_RETURN_IF_ERROR(replica.StoreFileChunk(f, index, sealed));
    progress.Add(sealed.size());
  }
  return replica.AssembleFile(f);
}

}  // namespace

Status SyncFiles(BoardClient& client, review::Replica& replica, store::Vault& vault,
                 const SyncOptions& options, FileSyncCounts* counts) {
  CB_ASSIGN_OR_RETURN(std::set<std::string> done, LoadDone(vault, replica.id()));
  std::vector<review::Replica::FileRef> files = replica.Files();
  Progress progress{options, replica.id()};
  for (const auto& f : files)
    if (!done.count(f.id)) progress.total += f.size;
  // Readers may fetch files but not add them; the board would refuse.
  const crdt::Member* me = replica.membership().Find(replica.device());
  bool can_upload = me && me->role != crdt::Role::kReader;
  Status result;
  for (const auto& f : files) {
    if (done.count(f.id) && f.here) continue;
    CB_ASSIGN_OR_RETURN(std::optional<FileStatus> board, client.GetFileStatus(replica.id(), f.id));
    if (board && board->chunks != f.chunks) {
      result = Status::Corruption("the board's copy of attachment " + f.entity +
                                  " has the wrong number of pieces");
      continue;
    }
    Status s;
    if (f.here) {
      if (board && board->complete()) {
        done.insert(f.id);
        continue;
      }
      if (!can_upload) continue;
      s = Upload(client, replica, f, board ? &*board : nullptr, progress, options);
      if (s.ok()) ++counts->uploaded;
    } else if (!board || !board->complete()) {
      ++counts->waiting;  // its author's device has not sent all of it yet
      continue;
    } else {
      s = Download(client, replica, f, progress, options);
      if (s.ok()) ++counts->downloaded;
    }
    if (s.ok()) {
      done.insert(f.id);
      CB_RETURN_IF_ERROR(SaveDone(vault, replica.id(), done));
    } else if (s.code() == Status::Code::kIOError || s.IsAuthFailed() || s.code() == Status::Code::kBusy) {
      return s;  // the network or the board: the next sync resumes
    } else if (result.ok()) {
      result = s;  // this file: reported, the others go on
    }
  }
  return result;
}

}  // namespace caseboard::sync
