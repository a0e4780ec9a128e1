#include "membership_fold.h"

#include <algorithm>
#include <tuple>

namespace caseboard::server {

namespace {

auto Key(const MembershipFold::Entry& e) { return std::tie(e.hlc, e.author, e.seq, e.hash); }

}  // namespace

void MembershipFold::Add(Entry entry) {
  auto at = std::upper_bound(entries_.begin(), entries_.end(), entry,
                             [](const Entry& a, const Entry& b) { return Key(a) < Key(b); });
  bool last = at == entries_.end();
  // Destroyed files are asked about on every file piece sent or fetched, so
  // they are kept as a set rather than looked up in the ops each time.
  for (const auto& op : entry.ops)
    if (op["o"] == "destroy" && op.contains("f"))
      for (const auto& f : op["f"])
        if (f.is_string()) destroyed_files_.insert(f.get<std::string>());
  at = entries_.insert(at, std::move(entry));
  if (last) {
    for (const auto& op : at->ops) membership_.Apply(op);
    return;
  }
  membership_ = crdt::Membership();
  for (const Entry& e : entries_)
    for (const auto& op : e.ops) membership_.Apply(op);
}

const MembershipFold::Entry* MembershipFold::Find(const std::string& hash) const {
  for (const Entry& e : entries_)
    if (e.hash == hash) return &e;
  return nullptr;
}

bool MembershipFold::FileDestroyed(const std::string& file) const {
  return destroyed_files_.count(file) != 0;
}

Status CheckMembershipOps(const std::vector<crdt::Op>& ops, bool is_genesis) {
  if (ops.empty()) return Status::InvalidArgument("a membership change needs at least one op");
  for (size_t i = 0; i < ops.size(); ++i) {
    Status s = crdt::CheckMembershipOp(ops[i]);
    if (!s.ok()) return Status::InvalidArgument("op " + std::to_string(i) + ": " + s.message());
    bool genesis_op = ops[i]["o"] == "genesis";
    if (genesis_op != (is_genesis && i == 0))
      return Status::InvalidArgument(genesis_op ? "a genesis op may only open a review"
                                                : "a review's first change must start with its genesis");
  }
  return Status::Ok();
}

Result<MembershipFold::Entry> FoldEntryOf(const crdt::Change& change) {
  CB_ASSIGN_OR_RETURN(std::vector<crdt::Op> ops, crdt::OpenChangeOps(change, nullptr));
  CB_RETURN_IF_ERROR(CheckMembershipOps(ops, change.header.deps.empty()));
  return MembershipFold::Entry{change.header.hlc, change.header.author, change.header.seq, change.HashHex(),
                               std::move(ops)};
}

}  // namespace caseboard::server
