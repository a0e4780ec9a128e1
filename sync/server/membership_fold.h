// A review's membership as the board judges it: every accepted membership
// change, folded in (HLC, author, author's seq, hash) order, the rule the
// replicas use (core/review/replica.cpp), over all the changes the board has.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "caseboard/clock/hlc.h"
#include "caseboard/crdt/change.h"
#include "caseboard/crdt/membership.h"

namespace caseboard::server {

class MembershipFold {
 public:
  struct Entry {
    clock::Hlc hlc;
    std::string author;
    uint64_t seq = 0;
    std::string hash;
    std::vector<crdt::Op> ops;  // checked with CheckMembershipOps
  };

  // Adds a change's ops. A change that sorts after every other is applied
  // on top; one that sorts earlier (a concurrent change arriving late)
  // refolds from the start.
  void Add(Entry entry);

  const crdt::Membership& membership() const { return membership_; }
  size_t size() const { return entries_.size(); }
  // The accepted membership change with this hash (hex), or nullptr.
  const Entry* Find(const std::string& hash) const;
  // Whether a destroy op names this file (the board's id for it).
  bool FileDestroyed(const std::string& file) const;

 private:
  std::vector<Entry> entries_;             // in fold order
  std::set<std::string> destroyed_files_;  // named by the destroy ops among them
  crdt::Membership membership_;
};

// Checks every op of a membership change: its shape, and that a genesis op
// comes first in a review's first change and nowhere else.
Status CheckMembershipOps(const std::vector<crdt::Op>& ops, bool is_genesis);

// The fold entry of a stored membership change (its ops opened and checked).
Result<MembershipFold::Entry> FoldEntryOf(const crdt::Change& change);

}  // namespace caseboard::server
