#include "caseboard/sync/sync_state.h"

#include <nlohmann/json.hpp>

#include "caseboard/crdt/cbor.h"

namespace caseboard::sync {

using nlohmann::json;

namespace {

const store::RecordKey kConfigKey{kBoardRecordGroup, kSyncKind, "config"};
const store::RecordKey kStatusKey{kBoardRecordGroup, kSyncKind, "status"};

// Refusals kept per review: enough to see what went wrong, bounded so the
// status record stays small whatever a board says.
constexpr size_t kMaxRefusedKept = 20;

// A record as a CBOR map; nullopt if it is absent.
Result<std::optional<json>> GetMap(const store::Vault& vault, const store::RecordKey& key) {
  auto value = vault.Get(key);
  if (!value.ok()) {
    if (value.status().IsNotFound()) return std::optional<json>();
    return value.status();
  }
  auto j = crdt::DecodeCbor(value->view());
  if (!j.ok() || !j->is_object())
    return Status::Corruption("the sync record " + key.ToString() + " is malformed");
  return std::optional<json>(std::move(j).value());
}

Result<uint64_t> GetNumber(const store::Vault& vault, const store::RecordKey& key) {
  auto value = vault.Get(key);
  if (!value.ok()) return value.status().IsNotFound() ? Result<uint64_t>(uint64_t{0}) : value.status();
  auto j = crdt::DecodeCbor(value->view());
  if (!j.ok() || !j->is_number_unsigned())
    return Status::Corruption("the sync record " + key.ToString() + " is malformed");
  return j->get<uint64_t>();
}

}  // namespace

Result<BoardConfig> LoadBoardConfig(const store::Vault& vault) {
  CB_ASSIGN_OR_RETURN(std::optional<json> j, GetMap(vault, kConfigKey));
  if (!j)
    return Status::NotFound(
        "this vault has not joined a board yet: run 'caseboard-cli join INVITE' with the invite "
        "from the board's administrator");
  BoardConfig c;
  try {
    c.url = j->at("url").get<std::string>();
    c.ca_pem = j->at("ca_pem").get<std::string>();
    c.key_sha256 = j->at("key_sha256").get<std::string>();
    c.device = j->at("device").get<std::string>();
    c.name = j->value("name", "");
    c.joined_ms = j->value("joined_ms", uint64_t{0});
  } catch (const json::exception&) {
    return Status::Corruption("the board settings in this vault are malformed");
  }
  return c;
}

Status SaveBoardConfig(store::Vault& vault, const BoardConfig& c) {
  json j = {{"url", c.url},       {"ca_pem", c.ca_pem}, {"key_sha256", c.key_sha256},
            {"device", c.device}, {"name", c.name},     {"joined_ms", c.joined_ms}};
  return vault.Put(kConfigKey, json::to_cbor(j));
}

Result<ReviewSyncState> LoadReviewSyncState(const store::Vault& vault, const std::string& review) {
  ReviewSyncState s;
  CB_ASSIGN_OR_RETURN(s.pushed, GetNumber(vault, {review, kSyncKind, "pushed"}));
  CB_ASSIGN_OR_RETURN(s.cursor, GetNumber(vault, {review, kSyncKind, "cursor"}));
  return s;
}

void PutReviewSyncState(store::WriteBatch& batch, const std::string& review, const ReviewSyncState& s) {
  batch.Put({review, kSyncKind, "pushed"}, json::to_cbor(json(s.pushed)));
  batch.Put({review, kSyncKind, "cursor"}, json::to_cbor(json(s.cursor)));
}

Result<SyncStatus> LoadSyncStatus(const store::Vault& vault) {
  CB_ASSIGN_OR_RETURN(std::optional<json> j, GetMap(vault, kStatusKey));
  SyncStatus s;
  if (!j) return s;
  try {
    s.last_sync_ms = j->value("last_sync_ms", uint64_t{0});
    s.last_error_ms = j->value("last_error_ms", uint64_t{0});
    s.last_error = j->value("last_error", "");
    const json reviews = j->value("reviews", json::object());
    for (const auto& [id, r] : reviews.items()) {
      ReviewStatus& rs = s.reviews[id];
      rs.pending = r.value("pending", uint64_t{0});
      rs.cursor = r.value("cursor", uint64_t{0});
      rs.head = r.value("head", uint64_t{0});
      rs.last_sync_ms = r.value("last_sync_ms", uint64_t{0});
      rs.last_error = r.value("last_error", "");
      const json refused = r.value("refused", json::array());
      for (const auto& f : refused)
        rs.refused.push_back({f.at(0).get<std::string>(), f.at(1).get<std::string>()});
    }
  } catch (const json::exception&) {
    return Status::Corruption("the sync status in this vault is malformed");
  }
  return s;
}

Status SaveSyncStatus(store::Vault& vault, const SyncStatus& s) {
  json reviews = json::object();
  for (const auto& [id, r] : s.reviews) {
    json refused = json::array();
    size_t skip = r.refused.size() > kMaxRefusedKept ? r.refused.size() - kMaxRefusedKept : 0;
    for (size_t i = skip; i < r.refused.size(); ++i)
      refused.push_back({r.refused[i].hash, r.refused[i].error});
    reviews[id] = {{"pending", r.pending},           {"cursor", r.cursor},         {"head", r.head},
                   {"last_sync_ms", r.last_sync_ms}, {"last_error", r.last_error}, {"refused", refused}};
  }
  json j = {{"last_sync_ms", s.last_sync_ms},
            {"last_error_ms", s.last_error_ms},
            {"last_error", s.last_error},
            {"reviews", reviews}};
  return vault.Put(kStatusKey, json::to_cbor(j));
}

}  // namespace caseboard::sync
