// The randomized convergence simulation behind convergence_test: replicas in
// their own vaults with fake clocks, random edits of every kind, random delivery
// with duplicates, delays, restarts, late joins and removals. One seed is one
// run; RunSeed checks byte-identical convergence and the merge rules at the end.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "caseboard/crdt/schema.h"
#include "caseboard/review/replica.h"

namespace caseboard::test::convergence {

inline constexpr uint64_t kStartMs = 1767225600000;  // 2026-01-01T00:00:00Z
inline constexpr uint64_t kMinute = 60 * 1000;
inline constexpr uint64_t kDay = 24 * 60 * kMinute;

// The base schema plus a type ("probe") with one field of every FieldType.
crdt::Schema TestSchema();
// Replica options with the test schema, a fake physical clock read from
// `physical`, and snapshots every `snapshot_every` changes.
review::ReplicaOptions Options(const crdt::Schema& schema, std::shared_ptr<uint64_t> physical,
                               size_t snapshot_every);
// A number from the environment, or nullopt if unset; fails the test if malformed.
std::optional<uint64_t> EnvNumber(const char* name);

// What one seed exercised, for the test's report and its "not vacuous" checks.
struct Stats {
  size_t changes = 0, entities = 0, visible = 0, rounds = 0, same_field = 0, delete_vs_edit = 0,
         add_vs_remove = 0, waited = 0, duplicates = 0, restarts = 0, raw_commits = 0, misscoped = 0,
         restores = 0, clears = 0, checked_fields = 0, joins = 0, removals = 0, refused = 0, unreadable = 0;
  std::string Summary() const {
    std::ostringstream s;
    s << changes << " changes, " << entities << " entities (" << visible << " visible), " << rounds
      << " rounds; concurrent: " << same_field << " same-field writes, " << delete_vs_edit << " delete/edit, "
      << add_vs_remove << " add/remove; " << waited << " arrived before their deps, " << duplicates
      << " duplicates, " << restarts << " restarts, " << raw_commits << " multi-op changes, " << misscoped
      << " mis-scoped, " << restores << " restores, " << clears << " clears, " << joins << " late joins, "
      << removals << " removals (" << refused << " edits refused after), " << unreadable
      << " arrived before their keys";
    return s.str();
  }
};

// Runs one seed to the end; fails the test (naming the seed) on divergence.
Stats RunSeed(uint64_t seed);

}  // namespace caseboard::test::convergence
