// Push: the checks of docs/protocol.md ("Push"), in the order listed there,
// for every change of a request; then one transaction for all accepted ones.
#include <algorithm>
#include <set>

#include "board.h"
#include "caseboard/crdt/husk.h"
#include "caseboard/crypto/hash.h"
#include "caseboard/store/device_identity.h"

namespace caseboard::server {

struct Board::PushContext {
  std::string review;
  bool creating = false;            // the review is not on the board yet: its genesis comes first
  bool registered = false;          // the genesis has been accepted in this push
  bool membership_changed = false;  // a membership change has been accepted in this push
  MembershipFold fold;              // the review's membership, with this push's accepted membership changes
};

namespace {

std::string Refusal(const ApiError& e) { return e.code + ": " + e.message; }

}  // namespace

ApiResult<sync::PushResponse> Board::Push(const std::string& device, const std::string& review,
                                          const sync::PushRequest& request) {
  if (!IsHexId(review, 32)) return ApiError::BadRequest("a review id is 32 lowercase hex digits");
  if (request.changes.size() > sync::kMaxPushChanges)
    return ApiError::TooLarge("at most " + std::to_string(sync::kMaxPushChanges) + " changes per push");
  // One push at a time to a review: each is checked against the membership
  // the pushes stored before it made, and is given the next numbers. The
  // board keeps a lock (and a cache) only for reviews that exist or that
  // this push may create, so that pushes to made-up ids cost it nothing.
  ReviewCache* cache = FindCache(review);
  if (!cache) {
    CB_API_ASSIGN_OR_RETURN(auto exists, store_->FindReview(review));
    if (!exists)
      if (auto refused = CheckCreator(device, review, request)) return *refused;
    cache = &CacheOf(review);
  }
  std::unique_lock push_lock(cache->push_mu);
  PushContext ctx;
  ctx.review = review;
  CB_API_ASSIGN_OR_RETURN(auto record, store_->FindReview(review));
  uint64_t head = record ? record->head : 0;
  if (record) {
    bool member = false;
    CB_API_RETURN_IF_ERROR(WithMembership(review, record->head, [&](const MembershipFold& fold) {
      member = fold.membership().Find(device) != nullptr;
      if (member) ctx.fold = fold;
    }));
    if (!member) return ApiError::Forbidden("this device is not a member of review " + review);
  } else {
    if (auto refused = CheckCreator(device, review, request)) return *refused;
    ctx.creating = true;
  }

  sync::PushResponse out;
  std::vector<StoredChange> husks;           // replace stored changes once the accepted ones are in
  std::vector<std::string> destroyed_files;  // named by accepted destroy changes: pieces deleted after
  std::vector<size_t> husk_at;
  std::vector<StoredChange> accepted;
  std::vector<size_t> accepted_at;           // index in out.results of each accepted change
  std::map<std::string, size_t> first_seen;  // hash -> index of its first copy in this push
  std::vector<std::pair<size_t, size_t>> repeats;
  for (size_t i = 0; i < request.changes.size(); ++i) {
    const Bytes& sealed = request.changes[i];
    sync::PushResult& result = out.results.emplace_back();
    if (crdt::IsHusk(sealed)) {
      crdt::Change husk;
      auto refused = CheckHusk(ctx, sealed, &husk);
      result.hash = husk.HashHex();
      if (refused) {
        result.error = Refusal(*refused);
      } else {
        husks.push_back({0, result.hash, husk.header.compartment, husk.header.author, 0, sealed});
        husk_at.push_back(i);
      }
      continue;
    }
    result.hash = ToHex(crypto::Sha256(sealed));
    if (auto [it, fresh] = first_seen.emplace(result.hash, i); !fresh) {
      repeats.emplace_back(i, it->second);
      continue;
    }
    if (!ctx.creating) {
      // Already stored: acknowledged with its sequence number, so a push
      // can be repeated after any failure.
      CB_API_ASSIGN_OR_RETURN(auto seq, store_->FindChange(review, result.hash));
      if (seq) {
        result.seq = *seq;
        continue;
      }
    }
    crdt::Change change;
    MembershipFold::Entry entry;
    if (auto refused = CheckChange(ctx, sealed, &change, &entry)) {
      result.error = Refusal(*refused);
      continue;
    }
    if (change.header.compartment == crdt::kMembership) {
      for (const auto& op : entry.ops)
        if (op["o"] == "destroy" && op.contains("f"))
          for (const auto& f : op["f"]) destroyed_files.push_back(f.get<std::string>());
      ctx.fold.Add(std::move(entry));
      ctx.membership_changed = true;
    }
    accepted.push_back({0, result.hash, change.header.compartment, change.header.author, 0, sealed});
    accepted_at.push_back(i);
  }

  if (!accepted.empty()) {
    auto seqs = store_->AppendChanges(review, ctx.creating, NowMs(), accepted);
    if (!seqs.ok() && seqs.status().code() == Status::Code::kAlreadyExists)
      // Another board process stored the same change or review meanwhile.
      return ApiError::Conflict("the review changed on the board during this push; push again");
    if (!seqs.ok()) return ApiError::FromStatus(seqs.status());
    for (size_t k = 0; k < seqs->size(); ++k) out.results[accepted_at[k]].seq = (*seqs)[k];
    if (!ctx.creating && !ctx.membership_changed && seqs->front() == head + 1) {
      // The numbers right after the head, so no other board process stored
      // a change in between; and none of these is a membership change. The
      // cached membership is therefore still that of the new head, and the
      // next request need not read the store to learn so.
      std::lock_guard fold_lock(cache->fold_mu);
      if (cache->folded_through == head) cache->folded_through = seqs->back();
    }
    head = std::max(head, seqs->back());
  }
  // The destroy change is stored; pieces a failure here leaves are never
  // served again (board_files.cpp), and nobody could open them: their key
  // went with the attachment.
  for (const auto& file : destroyed_files) (void)store_->DeleteFile(review, file);
  for (size_t k = 0; k < husks.size(); ++k) {
    auto seq = store_->PutHusk(review, NowMs(), husks[k]);
    if (!seq.ok()) {
      out.results[husk_at[k]].error = Refusal(ApiError::FromStatus(seq.status()));
      continue;
    }
    out.results[husk_at[k]].seq = *seq;
    head = std::max(head, *seq);
  }
  for (const auto& [i, first] : repeats) {
    out.results[i].seq = out.results[first].seq;
    out.results[i].error = out.results[first].error;
  }
  out.head = head;
  push_lock.unlock();
  if (!accepted.empty() || !husks.empty()) Notify(review);
  return out;
}

// Only its creator registers a review, by pushing the genesis first (which
// CheckGenesis then checks in full).
std::optional<ApiError> Board::CheckCreator(const std::string& device, const std::string& review,
                                            const sync::PushRequest& request) {
  auto first = request.changes.empty() ? Result<crdt::Change>(Status::NotFound(""))
                                       : crdt::ParseChange(request.changes.front());
  if (!first.ok() || !first->header.deps.empty() || first->header.compartment != crdt::kMembership)
    return ApiError::NotFound("there is no review " + review +
                              " on this board; its creator registers it by pushing its first change");
  if (first->header.author != device)
    return ApiError::Forbidden("only the creator of review " + review + " can register it on the board");
  return std::nullopt;
}

std::optional<ApiError> Board::CheckChange(PushContext& ctx, ByteView sealed, crdt::Change* change,
                                           MembershipFold::Entry* entry) {
  // 1-3. Parses, names this review, is under the size limit. (The size is
  // looked at first only so that an oversized change is not parsed at all.)
  if (sealed.size() > crdt::kMaxChangeBytes)
    return ApiError::TooLarge("the change is larger than " + std::to_string(crdt::kMaxChangeBytes) +
                              " bytes");
  auto parsed = crdt::ParseChange(sealed);
  if (!parsed.ok()) return ApiError::BadRequest(parsed.status().message());
  *change = std::move(parsed).value();
  const crdt::ChangeHeader& h = change->header;
  if (h.review != ctx.review) return ApiError::BadRequest("the change belongs to another review");
  if (ctx.creating && !ctx.registered) return CheckGenesis(ctx, *change, entry);
  if (ctx.creating && h.deps.empty())
    return ApiError::Conflict("the review's first change was pushed before this one");
  if (h.deps.empty())
    return ApiError::Conflict("a change with no history can only open a review, and this one is open");

  // 4. The author is an active member, and the signature is the author's.
  const crdt::Membership& m = ctx.fold.membership();
  const crdt::Member* author = m.Find(h.author);
  if (!author) return ApiError::Forbidden("author device " + h.author + " is not a member of this review");
  if (!crdt::VerifyChangeSignature(*change, author->identity.signing_key).ok())
    return ApiError::Forbidden("the signature does not verify (forged or altered)");

  // 5. The author may write the compartment.
  bool membership = h.compartment == crdt::kMembership;
  if (membership) {
    if (!m.IsOwner(h.author)) return ApiError::Forbidden("only an owner may change the review's membership");
  } else if (!crdt::IsCompartment(h.compartment)) {
    return ApiError::BadRequest("unknown compartment '" + h.compartment + "'");
  } else if (!m.CanWrite(h.author, h.compartment)) {
    return ApiError::Forbidden("author device " + h.author + " may not write the " + h.compartment +
                               " compartment");
  }

  // 6. Membership ops are well formed.
  if (membership) {
    auto checked = FoldEntryOf(*change);
    if (!checked.ok()) return ApiError::BadRequest("membership change: " + checked.status().message());
    *entry = std::move(checked).value();
  }
  return std::nullopt;
}

// A husk (crdt/husk.h) in place of a stored change: signed by the change's
// own author, or as the destroy change it names says and signed by that
// change's author (an owner, or the destroy change would not have been
// accepted). The board cannot open the
// residue; it checks what vouches for it, as every device will.
std::optional<ApiError> Board::CheckHusk(PushContext& ctx, ByteView sealed, crdt::Change* husk) {
  if (ctx.creating) return ApiError::Conflict("a husk cannot be pushed before its review is on the board");
  auto parsed = crdt::ParseHusk(sealed);
  if (!parsed.ok()) return ApiError::BadRequest(parsed.status().message());
  *husk = std::move(parsed).value();
  if (husk->header.review != ctx.review) return ApiError::BadRequest("the husk belongs to another review");
  if (husk->header.compartment == crdt::kMembership)
    return ApiError::BadRequest("membership changes are never husked");
  // Husks exist only because of a destruction, which must be on the board.
  const MembershipFold::Entry* destroy = ctx.fold.Find(ToHex(husk->destroy));
  if (!destroy || !crdt::IsDestruction(destroy->ops))
    return ApiError::Conflict("the destroy change this husk names is not on the board; push it first");
  // It stands in for the stored change with its hash, if the board has it:
  // the same header, so nobody can put a husk of their own in place of
  // another's change by claiming its hash.
  auto seq = store_->FindChange(ctx.review, husk->HashHex());
  if (!seq.ok()) return ApiError::FromStatus(seq.status());
  if (*seq) {
    auto stored = store_->ReadChanges(ctx.review, **seq - 1, 1, crdt::kMaxChangeBytes, {}, true, nullptr);
    if (!stored.ok()) return ApiError::FromStatus(stored.status());
    auto original = stored->empty() ? Result<crdt::Change>(Status::NotFound("gone"))
                                    : crdt::ParseChange(stored->front().sealed);
    if (!original.ok() || original->header_bytes != husk->header_bytes)
      return ApiError::Forbidden("the husk's header is not that of the change it would replace");
  }
  // Signed by the change's own author, whose change it was to write...
  const crdt::Membership& m = ctx.fold.membership();
  if (const crdt::Member* author = m.Find(husk->header.author);
      author && m.CanWrite(husk->header.author, husk->header.compartment) &&
      crdt::VerifyHuskSignature(*husk, author->identity.signing_key).ok())
    return std::nullopt;
  // ...or by the owner whose destroy change names it.
  if (!crdt::DestructionNames(destroy->ops, husk->hash))
    return ApiError::Forbidden("the destroy change it names does not name this change");
  auto owner = m.members().find(destroy->author);
  if (owner == m.members().end() ||
      !crdt::VerifyHuskSignature(*husk, owner->second.identity.signing_key).ok())
    return ApiError::Forbidden("the husk is not signed by its author or by the owner who destroyed");
  return std::nullopt;
}

// A review's first change: a genesis whose review id is ReviewIdFor(creator
// key, nonce), signed by that creator. The id binds the review to the
// creator's key, so nobody else can open a review under an id they choose.
std::optional<ApiError> Board::CheckGenesis(PushContext& ctx, const crdt::Change& change,
                                            MembershipFold::Entry* entry) {
  const crdt::ChangeHeader& h = change.header;
  if (h.compartment != crdt::kMembership || !h.deps.empty() || h.seq != 1)
    return ApiError::NotFound("the review's first change (its genesis) must come first");
  auto ops = crdt::OpenChangeOps(change, nullptr);
  if (!ops.ok() || ops->empty() || !crdt::CheckMembershipOp(ops->front()).ok() ||
      ops->front()["o"] != "genesis")
    return ApiError::BadRequest("a review's first change must start with a valid genesis");
  const crdt::Op& genesis = ops->front();
  auto creator = store::DeviceIdentity::Parse(genesis["creator"].get<std::string>());
  if (genesis["review"] != ctx.review ||
      crdt::ReviewIdFor(creator->signing_key, genesis["nonce"].get<std::string>()) != ctx.review)
    return ApiError::Forbidden("the genesis does not match the review id: not this review's creator");
  if (creator->device_id != h.author)
    return ApiError::Forbidden("the genesis author is not the creator it names");
  if (!crdt::VerifyChangeSignature(change, creator->signing_key).ok())
    return ApiError::Forbidden("the signature does not verify (forged or altered)");
  auto checked = FoldEntryOf(change);
  if (!checked.ok()) return ApiError::BadRequest("membership change: " + checked.status().message());
  *entry = std::move(checked).value();
  ctx.registered = true;
  return std::nullopt;
}

}  // namespace caseboard::server
