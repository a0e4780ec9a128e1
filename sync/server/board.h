// Board: the protocol of docs/protocol.md, independent of HTTP. It enrols
// devices, authenticates signed requests, and keeps each review's sealed
// changes in order, accepting a change only from an active member allowed to
// write its compartment (judged from the review's membership changes, the
// only ones the board can read).
//
// Thread-safe: the HTTPS front end calls it from several threads, and the
// store (a StorePool) serves them at once. Pushes to one review are taken one
// at a time (each review has its own lock), so that every change is checked
// against the membership that the changes stored before it made; requests to
// different reviews, pulls and authentication never wait for each other here.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api_error.h"
#include "caseboard/bytes.h"
#include "caseboard/sync/wire.h"
#include "membership_fold.h"
#include "store.h"

namespace caseboard::server {

struct BoardOptions {
  // Milliseconds since the Unix epoch; tests substitute their own clock.
  std::function<uint64_t()> now_ms;
  // The most sealed bytes one pull returns (it always returns at least one change).
  size_t max_pull_bytes = 8 << 20;
};

// The authentication headers of a request, as sent (docs/protocol.md).
struct SignedRequest {
  std::string method;  // "GET", "POST"
  std::string target;  // path and query, as sent
  ByteView body;
  std::string device;     // X-Caseboard-Device
  std::string time;       // X-Caseboard-Time
  std::string nonce;      // X-Caseboard-Nonce
  std::string signature;  // X-Caseboard-Signature
};

// Either the head now (`watch` == 0: it is already past `after`) or a
// registered watch whose callback runs once the head advances.
struct WaitTicket {
  uint64_t head = 0;
  uint64_t watch = 0;
};

class Board {
 public:
  // The board uses `store` for its whole life.
  explicit Board(std::unique_ptr<ServerStore> store, BoardOptions options = {});
  ~Board();
  Board(const Board&) = delete;
  Board& operator=(const Board&) = delete;

  uint64_t NowMs() const { return options_.now_ms(); }

  // ---- Administration (caseboard-server init, invite, revoke, status) ----
  // A fresh one-time token (64 hex) for someone called `name`; only its
  // SHA-256 is stored, and it expires after sync::kInviteLifetimeMs.
  Result<std::string> CreateInviteToken(const std::string& name);
  // Refuses the device from now on, on connections already open too.
  Status Revoke(const std::string& device);
  ServerStore& store() { return *store_; }  // for `status` and logs

  // ---- Requests ----
  // POST /v1/enrol: checks the proof, burns the token, records the device.
  ApiResult<sync::EnrolResponse> Enrol(const sync::EnrolRequest& request);
  // Checks a signed request; returns the device id. Unknown or revoked
  // device, bad signature, clock skew over sync::kMaxClockSkewMs or a nonce
  // seen within sync::kNonceLifetimeMs: 401.
  ApiResult<std::string> Authenticate(const SignedRequest& request);
  // Whether a device may still use the board (it may have been revoked
  // while a long poll waited): 401 if not.
  ApiResult<bool> CheckDevice(const std::string& device);

  // GET /v1/reviews: the reviews `device` is an active member of, and every revoked device.
  ApiResult<sync::ReviewList> ListReviews(const std::string& device);
  // POST /v1/reviews/{id}/changes
  ApiResult<sync::PushResponse> Push(const std::string& device, const std::string& review,
                                     const sync::PushRequest& request);
  // GET /v1/reviews/{id}/changes?after=N&limit=M (limit 0: the maximum).
  ApiResult<sync::PullResponse> Pull(const std::string& device, const std::string& review, uint64_t after,
                                     uint64_t limit);
  // The review's head, for a member.
  ApiResult<uint64_t> Head(const std::string& device, const std::string& review);

  // GET /v1/reviews/{id}/wait: checks membership; if the head is already
  // past `after`, returns it; otherwise registers `wake` to be called (once,
  // on the thread of the push, without the board's lock held) when the head
  // advances. The caller must CancelWait(ticket.watch) when it stops waiting.
  ApiResult<WaitTicket> Wait(const std::string& device, const std::string& review, uint64_t after,
                             std::function<void()> wake);
  void CancelWait(uint64_t watch);

  // ---- Files (board_files.cpp) ----
  // GET /v1/reviews/{id}/files/{file}: a member; 404 until a piece is kept.
  ApiResult<sync::FileStatus> FileStatus(const std::string& device, const std::string& review,
                                         const std::string& file);
  // POST /v1/reviews/{id}/files/{file}/{index}?chunks=N: a member who may write.
  ApiResult<sync::FileStatus> PutFileChunk(const std::string& device, const std::string& review,
                                           const std::string& file, uint64_t chunks, uint64_t index,
                                           ByteView sealed);
  // GET /v1/reviews/{id}/files/{file}/{index}: a member; the sealed piece.
  ApiResult<Bytes> ReadFileChunk(const std::string& device, const std::string& review,
                                 const std::string& file, uint64_t index);

 private:
  // What the board keeps in memory about one review. Entries are never
  // removed, so a pointer to one stays valid for the board's life.
  struct ReviewCache {
    std::mutex push_mu;  // held through a whole push to this review
    std::mutex fold_mu;  // guards the two below; never held while waiting for push_mu
    MembershipFold fold;
    uint64_t folded_through = 0;  // store changes up to this seq are in the fold
  };
  struct PushContext;
  // A member of a review, as the board knew it when it answered.
  struct MemberAt {
    crdt::Member member;
    uint64_t head = 0;  // the review's head when it was read
  };

  ReviewCache* FindCache(const std::string& review);  // nullptr if there is none yet
  ReviewCache& CacheOf(const std::string& review);    // made if there is none
  // Calls `use` with the review's membership brought up to date with the
  // store as of `head` (another board process may share the store), under
  // the review's fold_mu.
  Status WithMembership(const std::string& review, uint64_t head,
                        const std::function<void(const MembershipFold&)>& use);
  ApiResult<MemberAt> RequireMember(const std::string& device, const std::string& review);
  ApiResult<bool> FileDestroyed(const std::string& review, uint64_t head, const std::string& file);
  // Why a push to a review the board does not have cannot create it, or nullopt.
  std::optional<ApiError> CheckCreator(const std::string& device, const std::string& review,
                                       const sync::PushRequest& request);
  // Why a pushed change is refused, or nullopt if it is accepted; fills
  // `entry` for a membership change.
  std::optional<ApiError> CheckChange(PushContext& ctx, ByteView sealed, crdt::Change* change,
                                      MembershipFold::Entry* entry);
  std::optional<ApiError> CheckHusk(PushContext& ctx, ByteView sealed, crdt::Change* husk);
  std::optional<ApiError> CheckGenesis(PushContext& ctx, const crdt::Change& change,
                                       MembershipFold::Entry* entry);
  void Notify(const std::string& review);

  std::unique_ptr<ServerStore> store_;  // thread-safe
  BoardOptions options_;
  std::mutex reviews_mu_;  // guards the map, not its entries
  std::map<std::string, std::unique_ptr<ReviewCache>> reviews_;

  // Long polls waiting for a review's head to advance. Taken alone.
  std::mutex watch_mu_;
  uint64_t next_watch_ = 1;
  std::map<uint64_t, std::string> watch_review_;
  std::map<std::string, std::map<uint64_t, std::function<void()>>> watches_;  // review -> id -> wake
};

bool IsHexId(const std::string& s, size_t len);  // lowercase hex of exactly `len` digits

}  // namespace caseboard::server
