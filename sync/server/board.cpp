// Board: enrolment, request authentication, listing, pull and long-poll
// registration. Push, the one request that changes a review, is in board_push.cpp.
#include "board.h"

#include <algorithm>

#include "caseboard/clock/hlc.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/crypto/secure_bytes.h"
#include "caseboard/crypto/signature.h"
#include "caseboard/store/device_identity.h"

namespace caseboard::server {

namespace {

// The store keeps SHA-256(token text), so a stolen database cannot enrol anyone.
std::string TokenHash(const std::string& token_hex) { return ToHex(crypto::Sha256(AsBytes(token_hex))); }

// A device's own name for itself: printable, one line, not too long.
bool IsDeviceName(const std::string& name) {
  if (name.empty() || name.size() > 100 || !IsValidUtf8(name)) return false;
  return std::none_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

std::optional<uint64_t> ParseDecimal(const std::string& s) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(s);
}

// A wipe order (docs/protocol.md): only to the revoked device itself, once
// its signature has verified.
ApiError Revoked() {
  return ApiError::Make(410, "revoked",
                        "the board's operator has revoked this device; its vault must be wiped");
}

ApiError NotEnrolled() {
  return ApiError::Unauthenticated(
      "this device is not enrolled on the board, or has been revoked; ask the board's operator for an "
      "invite");
}

}  // namespace

bool IsHexId(const std::string& s, size_t len) {
  return s.size() == len && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Board::Board(std::unique_ptr<ServerStore> store, BoardOptions options)
    : store_(std::move(store)), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = clock::HybridClock::SystemNowMs;
}

Board::~Board() = default;

Result<std::string> Board::CreateInviteToken(const std::string& name) {
  if (!IsDeviceName(name))
    return Status::InvalidArgument("an invite needs a name of 1 to 100 printable characters");
  std::string token = ToHex(crypto::RandomBytes(32));
  uint64_t now = NowMs();
  CB_RETURN_IF_ERROR(store_->AddInvite({TokenHash(token), name, now, now + sync::kInviteLifetimeMs, "", 0}));
  return token;
}

Status Board::Revoke(const std::string& device) {
  if (!IsHexId(device, 32)) return Status::InvalidArgument("a device id is 32 lowercase hex digits");
  return store_->RevokeDevice(device, NowMs());
}

ApiResult<sync::EnrolResponse> Board::Enrol(const sync::EnrolRequest& request) {
  if (!IsHexId(request.token, 64)) return ApiError::BadRequest("the invite token is malformed");
  auto identity = store::DeviceIdentity::Parse(request.identity);
  if (!identity.ok()) return ApiError::BadRequest(identity.status().message());
  if (!IsDeviceName(request.name))
    return ApiError::BadRequest("the device name must be 1 to 100 printable characters");
  // The proof is checked before the token is touched, so a request that
  // cannot complete never burns an invite.
  if (!crypto::Ed25519Verify(identity->signing_key, sync::EnrolProofInput(request.token), request.proof).ok())
    return ApiError::Unauthenticated("the enrolment proof does not verify with the device's key");
  uint64_t now = NowMs();
  DeviceRecord device{identity->device_id, identity->ToLine(), request.name, "", now, 0};
  Status s = store_->RedeemInvite(TokenHash(request.token), now, device);
  if (s.IsNotFound())
    return ApiError::Unauthenticated(
        "the invite is unknown, already used or expired; ask the board's operator for a new one");
  if (s.code() == Status::Code::kAlreadyExists)
    return ApiError::Conflict("this device is already enrolled on the board");
  if (!s.ok()) return ApiError::FromStatus(s);
  return sync::EnrolResponse{identity->device_id, now};
}

ApiResult<std::string> Board::Authenticate(const SignedRequest& r) {
  auto time = ParseDecimal(r.time);
  auto signature = FromHex(r.signature);
  if (!IsHexId(r.device, 32) || !IsHexId(r.nonce, 32) || !time || !signature ||
      signature->size() != crypto::kEd25519SignatureSize)
    return ApiError::Unauthenticated("the request is not signed by a device");
  uint64_t now = NowMs();
  uint64_t skew = *time > now ? *time - now : now - *time;
  if (skew > sync::kMaxClockSkewMs)
    return ApiError::Unauthenticated(
        "this device's clock differs from the board's by more than 5 minutes; set the clock right");
  CB_API_ASSIGN_OR_RETURN(std::optional<DeviceRecord> device, store_->FindDevice(r.device));
  if (!device) return NotEnrolled();
  auto identity = store::DeviceIdentity::Parse(device->identity);
  if (!identity.ok()) return ApiError::FromStatus(identity.status().WithContext("stored device " + r.device));
  Bytes input = sync::RequestSigningInput(r.method, r.target, r.body, *time, r.nonce);
  if (!crypto::Ed25519Verify(identity->signing_key, input, *signature).ok())
    return ApiError::Unauthenticated("the request's signature does not verify");
  if (device->revoked()) return Revoked();
  // A nonce is remembered until its request's time can no longer pass the
  // skew check, measured from the later of the two clocks.
  uint64_t expires = std::max(now, *time) + sync::kNonceLifetimeMs;
  CB_API_ASSIGN_OR_RETURN(bool fresh, store_->UseNonce(r.device, r.nonce, now, expires));
  if (!fresh) return ApiError::Unauthenticated("the request's nonce has been used before (a replay)");
  return r.device;
}

ApiResult<bool> Board::CheckDevice(const std::string& device) {
  CB_API_ASSIGN_OR_RETURN(auto record, store_->FindDevice(device));
  if (!record) return NotEnrolled();
  if (record->revoked()) return Revoked();
  return true;
}

Board::ReviewCache* Board::FindCache(const std::string& review) {
  std::lock_guard lock(reviews_mu_);
  auto it = reviews_.find(review);
  return it == reviews_.end() ? nullptr : it->second.get();
}

Board::ReviewCache& Board::CacheOf(const std::string& review) {
  std::lock_guard lock(reviews_mu_);
  auto& cache = reviews_[review];
  if (!cache) cache = std::make_unique<ReviewCache>();
  return *cache;
}

Status Board::WithMembership(const std::string& review, uint64_t head,
                             const std::function<void(const MembershipFold&)>& use) {
  ReviewCache& cache = CacheOf(review);
  std::lock_guard lock(cache.fold_mu);
  // Only membership changes after the last fold are read: usually none.
  while (cache.folded_through < head) {
    CB_ASSIGN_OR_RETURN(auto changes, store_->ReadChanges(review, cache.folded_through, sync::kMaxPullChanges,
                                                          SIZE_MAX, {crdt::kMembership}, true, nullptr));
    if (changes.empty()) {
      cache.folded_through = head;
      break;
    }
    for (const StoredChange& stored : changes) {
      auto change = crdt::ParseChange(stored.sealed);
      auto entry = change.ok() ? FoldEntryOf(*change) : Result<MembershipFold::Entry>(change.status());
      if (!entry.ok())
        return Status::Corruption("stored membership change " + stored.hash + " of review " + review +
                                  " no longer parses: " + entry.status().message());
      cache.fold.Add(std::move(entry).value());
      cache.folded_through = std::max(cache.folded_through, stored.seq);
    }
  }
  use(cache.fold);
  return Status::Ok();
}

ApiResult<Board::MemberAt> Board::RequireMember(const std::string& device, const std::string& review) {
  if (!IsHexId(review, 32)) return ApiError::BadRequest("a review id is 32 lowercase hex digits");
  CB_API_ASSIGN_OR_RETURN(auto record, store_->FindReview(review));
  if (!record) return ApiError::NotFound("there is no review " + review + " on this board");
  std::optional<crdt::Member> member;
  CB_API_RETURN_IF_ERROR(WithMembership(review, record->head, [&](const MembershipFold& fold) {
    if (const crdt::Member* m = fold.membership().Find(device)) member = *m;
  }));
  if (!member) return ApiError::Forbidden("this device is not a member of review " + review);
  return MemberAt{std::move(*member), record->head};
}

ApiResult<bool> Board::FileDestroyed(const std::string& review, uint64_t head, const std::string& file) {
  bool destroyed = false;
  CB_API_RETURN_IF_ERROR(WithMembership(
      review, head, [&](const MembershipFold& fold) { destroyed = fold.FileDestroyed(file); }));
  return destroyed;
}

ApiResult<sync::ReviewList> Board::ListReviews(const std::string& device) {
  sync::ReviewList list;
  CB_API_ASSIGN_OR_RETURN(auto reviews, store_->ListReviews());
  for (const ReviewRecord& r : reviews) {
    bool member = false;
    CB_API_RETURN_IF_ERROR(WithMembership(r.id, r.head, [&](const MembershipFold& fold) {
      member = fold.membership().Find(device) != nullptr;
    }));
    if (member) list.reviews.push_back({r.id, r.head});
  }
  CB_API_ASSIGN_OR_RETURN(auto devices, store_->ListDevices());
  for (const DeviceRecord& d : devices)
    if (d.revoked()) list.revoked.push_back(d.id);
  return list;
}

ApiResult<sync::PullResponse> Board::Pull(const std::string& device, const std::string& review,
                                          uint64_t after, uint64_t limit) {
  if (limit == 0 || limit > sync::kMaxPullChanges) limit = sync::kMaxPullChanges;
  auto member = RequireMember(device, review);
  if (!member.ok()) return member.error();
  const uint64_t head = member->head;
  // The membership compartment (everyone needs it to check authors) and
  // the compartments this device has keys for; nothing else leaves the board.
  std::vector<std::string> compartments = {crdt::kMembership};
  compartments.insert(compartments.end(), member->member.compartments.begin(),
                      member->member.compartments.end());
  uint64_t following = 0;
  CB_API_ASSIGN_OR_RETURN(
      auto changes, store_->ReadChanges(review, after, static_cast<size_t>(limit), options_.max_pull_bytes,
                                        compartments, true, &following));
  // Pushes commit while this pull reads. What the page holds is the review
  // as of `head`, the state its membership was judged at: later changes
  // wait for the next pull.
  while (!changes.empty() && changes.back().seq > head) {
    following = changes.back().seq;
    changes.pop_back();
  }
  // The page ended at a limit (of count or bytes) if a change this device
  // may see follows it; changes it may not see are stepped over, so `next`
  // can pass them.
  sync::PullResponse out;
  out.more = following != 0 && following <= head && !changes.empty();
  out.next = out.more ? changes.back().seq : head;
  for (auto& c : changes) out.changes.emplace_back(c.seq, std::move(c.sealed));
  return out;
}

ApiResult<uint64_t> Board::Head(const std::string& device, const std::string& review) {
  auto member = RequireMember(device, review);
  if (!member.ok()) return member.error();
  return member->head;
}

ApiResult<WaitTicket> Board::Wait(const std::string& device, const std::string& review, uint64_t after,
                                  std::function<void()> wake) {
  if (!IsHexId(review, 32)) return ApiError::BadRequest("a review id is 32 lowercase hex digits");
  // Registered before the head is read: a push that commits after the read
  // finds the watch and wakes it, so no wake-up is lost.
  uint64_t id = 0;
  {
    std::lock_guard lock(watch_mu_);
    id = next_watch_++;
    watch_review_[id] = review;
    watches_[review][id] = std::move(wake);
  }
  auto member = RequireMember(device, review);
  if (member.ok() && member->head <= after) return WaitTicket{member->head, id};
  CancelWait(id);
  if (!member.ok()) return member.error();
  return WaitTicket{member->head, 0};
}

void Board::CancelWait(uint64_t watch) {
  std::lock_guard lock(watch_mu_);
  auto it = watch_review_.find(watch);
  if (it == watch_review_.end()) return;
  auto review = watches_.find(it->second);
  if (review != watches_.end()) {
    review->second.erase(watch);
    if (review->second.empty()) watches_.erase(review);
  }
  watch_review_.erase(it);
}

void Board::Notify(const std::string& review) {
  std::map<uint64_t, std::function<void()>> woken;
  {
    std::lock_guard lock(watch_mu_);
    auto it = watches_.find(review);
    if (it == watches_.end()) return;
    woken.swap(it->second);
    watches_.erase(it);
    for (const auto& [id, wake] : woken) watch_review_.erase(id);
  }
  for (auto& [id, wake] : woken) wake();
}

}  // namespace caseboard::server
