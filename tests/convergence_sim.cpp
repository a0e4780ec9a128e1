// The convergence simulation; see convergence_sim.h.
#include "convergence_sim.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "caseboard/review/replica.h"
#include "vault_fixture.h"

using namespace caseboard;
using namespace caseboard::test;
using crdt::FieldType;
using nlohmann::json;
using review::Outcome;
using review::Replica;
using review::ReplicaOptions;

namespace caseboard::test::convergence {

// The base schema plus a type with one field of every FieldType.
crdt::Schema TestSchema() {
  crdt::Schema s = crdt::Schema::Base();
  s.Add({"probe",
         "general",
         {{"label", {FieldType::kString}},
          {"count", {FieldType::kInteger}},
          {"flag", {FieldType::kBoolean}},
          {"due", {FieldType::kDate}},
          {"level", {FieldType::kEnum, {"low", "medium", "high"}}},
          {"link", {FieldType::kReference}},
          {"tags", {FieldType::kStringSet}},
          {"refs", {FieldType::kRefSet}},
          {"notes", {FieldType::kText}}}});
  return s;
}

ReplicaOptions Options(const crdt::Schema& schema, std::shared_ptr<uint64_t> physical,
                       size_t snapshot_every) {
  ReplicaOptions o;
  o.schema = schema;
  o.now = [physical] { return *physical; };
  o.snapshot_every = snapshot_every;
  return o;
}

std::optional<uint64_t> EnvNumber(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  unsigned long long n = std::strtoull(v, &end, 0);
  REQUIRE_MESSAGE(*end == '\0', name, " must be a number, not '", v, "'");
  return static_cast<uint64_t>(n);
}

std::string Short(const std::string& id) { return id.substr(0, 8); }

namespace {

bool Tracing() {
  static const bool on = [] {
    const char* v = std::getenv("CASEBOARD_CONVERGENCE_TRACE");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}

std::string ProblemsText(const Replica& r) {
  std::string out;
  for (const auto& p : r.Problems())
    out += "\n  " + p.state + " " + p.hash.substr(0, 12) + " by " + Short(p.author) + " #" +
           std::to_string(p.seq) + ": " + p.reason;
  return out;
}

// The entities (and membership) on which two canonical states differ.
std::string Diff(const std::string& a, const std::string& b) {
  json ja = json::parse(a), jb = json::parse(b);
  std::string out;
  if (ja["members"] != jb["members"])
    out += "\n  members differ: " + json::diff(ja["members"], jb["members"]).dump();
  std::set<std::string> ids;
  for (const auto& [id, e] : ja["entities"].items()) ids.insert(id);
  for (const auto& [id, e] : jb["entities"].items()) ids.insert(id);
  for (const auto& id : ids) {
    json ea = ja["entities"].value(id, json()), eb = jb["entities"].value(id, json());
    if (ea != eb) out += "\n  entity " + id + ": " + ea.dump() + "\n     vs " + eb.dump();
  }
  return out;
}

// ---------------------------------------------------------------------------
// The randomized run.

struct Peer {
  std::unique_ptr<TempDir> dir;
  std::unique_ptr<store::Vault> vault;
  std::unique_ptr<Replica> replica;
  std::shared_ptr<uint64_t> physical = std::make_shared<uint64_t>(kStartMs);
  int64_t skew_ms = 0;  // this device's clock relative to "true" time
  ReplicaOptions options;
  std::set<crdt::Hash> has;  // changes it wrote or was given
  uint64_t writes = 0;
  bool joined = true;    // false for a late joiner until the owner adds it
  bool late = false;     // added to the review part-way through
  bool removed = false;  // removed from the review part-way through
};

// One edit in a round; edits in one round by different peers are concurrent,
// since nothing is delivered until the round ends.
struct Event {
  size_t peer;
  char kind;  // 's' field write, 'a' set add, 'r' set remove, 'd' delete
  std::string entity, field, element;
};

class Run {
 public:
  explicit Run(uint64_t seed) : seed_(seed), rng_(seed), schema_(TestSchema()) {}

  Stats Go() {
    Setup();
    size_t rounds = Pick(10, 18);
    // Membership changes part-way through, in some seeds: a device joins late
    // (it gets the history before the change that carries its keys), and one
    // is removed while it goes on editing (a new key epoch it never gets).
    size_t join_round = peers_.back().late ? Pick(1, rounds / 2) : rounds;
    size_t remove_round = Chance(0.4) ? Pick(2, rounds - 2) : rounds;
    for (size_t round = 0; round < rounds; ++round) {
      round_ = round;
      AdvanceTime();
      if (round == join_round) JoinLate();
      if (round == remove_round) RemoveOne();
      std::vector<Event> events;
      if (round == 0) ForcedConflicts(events);
      for (size_t p = 0; p < peers_.size(); ++p) {
        if (!peers_[p].joined) continue;
        size_t n = Pick(0, 4);
        for (size_t k = 0; k < n; ++k) LocalEdit(p, events);
        if (Chance(0.06)) Restart(p);
      }
      CountConcurrency(events);
      Deliver(/*everything=*/false);
    }
    stats_.rounds = rounds;
    // Everyone gets everything, in random order with duplicates; a peer given a
    // change before what it builds on must apply it once those arrive.
    Deliver(/*everything=*/true);
    Verify();
    return stats_;
  }

 private:
  // ---- randomness ----
  size_t Pick(size_t lo, size_t hi) { return std::uniform_int_distribution<size_t>(lo, hi)(rng_); }
  int64_t PickI(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <class T>
  const T& OneOf(const std::vector<T>& v) {
    REQUIRE(!v.empty());
    return v[Pick(0, v.size() - 1)];
  }

  void Trace(const std::string& line) {
    if (Tracing()) std::cerr << "[seed " << seed_ << " round " << round_ << "] " << line << "\n";
  }

  Replica& R(size_t p) { return *peers_[p].replica; }

  // ---- setup ----
  void Setup() {
    size_t members = Pick(5, 7);
    size_t n = members + (Chance(0.5) ? 1 : 0);
    // Some replicas snapshot on their own every few changes (a snapshot costs
    // a vault write), and any may snapshot by hand before a restart.
    const std::vector<size_t> snapshot_every = {5, 20, 1000, 1000, 1000};
    peers_.resize(n);
    for (size_t p = members; p < n; ++p) peers_[p].late = true, peers_[p].joined = false;
    for (size_t p = 0; p < n; ++p) {
      Peer& peer = peers_[p];
      peer.dir = std::make_unique<TempDir>();
      peer.vault = CreateVault(peer.dir->str());
      // Clocks up to four minutes either side of true time: two peers are at
      // most eight minutes apart, inside the ten minutes of allowed drift.
      peer.skew_ms =
          p == 0 ? 0 : PickI(-4 * static_cast<int64_t>(kMinute), 4 * static_cast<int64_t>(kMinute));
      *peer.physical = kStartMs + peer.skew_ms;
      peer.options = Options(schema_, peer.physical, OneOf(snapshot_every));
    }
    auto created = Replica::Create(*peers_[0].vault, "Convergence review", peers_[0].options);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    peers_[0].replica = std::move(created).value();
    review_id_ = R(0).id();
    ids_.push_back(review_id_);
    members_ = members;
    for (size_t p = 1; p < members; ++p) {
      auto who = peers_[p].vault->Identity();
      REQUIRE(who.ok());
      Status s = R(0).AddMember(*who, crdt::Role::kEditor, {"general", "family"});
      REQUIRE_MESSAGE(s.ok(), s.ToString());
    }
    // Hot entities every peer starts with, so collisions begin at once.
    for (int i = 0; i < 3; ++i) {
      auto id = R(0).AddEntity("probe", {{"label", "start " + std::to_string(i)}, {"tags", {"a", "b"}}},
                               i == 2 ? std::optional<std::string>("family") : std::nullopt);
      REQUIRE_MESSAGE(id.ok(), id.status().ToString());
      ids_.push_back(*id);
      hot_.push_back(*id);
    }
    auto note = R(0).AddEntity("note", {{"title", "A note"}, {"body", "Body"}});
    REQUIRE(note.ok());
    ids_.push_back(*note);

    std::vector<Bytes> initial = AllChanges(R(0));
    for (size_t p = 1; p < members; ++p) {
      auto joined = Replica::OpenOrJoin(*peers_[p].vault, review_id_, peers_[p].options);
      REQUIRE_MESSAGE(joined.ok(), joined.status().ToString());
      peers_[p].replica = std::move(joined).value();
      std::vector<Bytes> batch = initial;
      std::shuffle(batch.begin(), batch.end(), rng_);
      auto got = R(p).ReceiveAll(batch);
      REQUIRE_MESSAGE(got.ok(), got.status().ToString());
      for (const auto& g : *got)
        REQUIRE_MESSAGE(g.outcome != Outcome::kQuarantined, "initial change quarantined: ", g.reason);
      REQUIRE_MESSAGE(R(p).Problems().empty(), ProblemsText(R(p)));
      REQUIRE(R(p).CanonicalString() == R(0).CanonicalString());
    }
    Collect();
    for (auto& peer : peers_)
      if (peer.joined)
        for (const auto& h : order_) peer.has.insert(h);
  }

  // ---- membership ----
  void JoinLate() {
    Peer& peer = peers_.back();
    auto who = peer.vault->Identity();
    REQUIRE(who.ok());
    acting_ = 0;
    Ok(R(0).AddMember(*who, crdt::Role::kEditor, {"general", "family"}), "AddMember");
    auto joined = Replica::OpenOrJoin(*peer.vault, review_id_, peer.options);
    REQUIRE_MESSAGE(joined.ok(), joined.status().ToString());
    peer.replica = std::move(joined).value();
    peer.joined = true;
    ++stats_.joins;
    Trace("p0 adds p" + std::to_string(peers_.size() - 1) + " (late joiner)");
  }
  void RemoveOne() {
    size_t victim = Pick(1, members_ - 1);
    acting_ = 0;
    Ok(R(0).RemoveMember(R(victim).device()), "RemoveMember");
    peers_[victim].removed = true;
    ++stats_.removals;
    Trace("p0 removes p" + std::to_string(victim));
  }

  // ---- clocks ----
  void AdvanceTime() {
    now_ += Pick(0, 3) == 0 ? 0 : Pick(1, 4000);
    for (auto& peer : peers_) SetClock(peer);
  }
  // Each device's clock: true time plus its skew plus up to a second of
  // jitter, which may step it backwards a little (as NTP does).
  void SetClock(Peer& peer) {
    int64_t jitter = Chance(0.5) ? 0 : PickI(-1000, 1000);
    *peer.physical = static_cast<uint64_t>(static_cast<int64_t>(now_) + peer.skew_ms + jitter);
  }

  // ---- choosing entities ----
  bool Knows(size_t p, const std::string& id) {
    auto it = R(p).document().entities().find(id);
    return it != R(p).document().entities().end() && it->second.scope() != nullptr;
  }
  std::vector<std::string> Visible(size_t p, bool include_review) {
    std::vector<std::string> out;
    for (const auto& id : ids_)
      if (R(p).document().Find(id) && (include_review || id != review_id_)) out.push_back(id);
    return out;
  }
  // A visible entity, most often one of the hot ones.
  std::optional<std::string> Target(size_t p, bool include_review, const std::string& type = "") {
    if (Chance(0.6)) {
      std::vector<std::string> hot;
      for (const auto& id : hot_)
        if (R(p).document().Find(id) && (type.empty() || R(p).document().Find(id)->type() == type))
          hot.push_back(id);
      if (!hot.empty()) return OneOf(hot);
    }
    std::vector<std::string> all;
    for (const auto& id : Visible(p, include_review))
      if (type.empty() || R(p).document().Find(id)->type() == type) all.push_back(id);
    if (all.empty()) return std::nullopt;
    return OneOf(all);
  }

  // For set ops: mostly the one entity every peer adds to and removes from.
  std::optional<std::string> SetTarget(size_t p) {
    if (Chance(0.7) && R(p).document().Find(hot_[1])) return hot_[1];
    return Target(p, false, "probe");
  }

  // ---- values ----
  json Value(size_t p, const crdt::FieldDef& def) {
    Peer& peer = peers_[p];
    ++peer.writes;
    switch (def.type) {
      case FieldType::kString:
        return "p" + std::to_string(p) + "-w" + std::to_string(peer.writes);
      case FieldType::kText:
        return "Text by peer " + std::to_string(p) + ", write " + std::to_string(peer.writes) +
               ":\n\"quoted\", ünïcödé ✓ and a tab\t.";
      case FieldType::kInteger:
        return Chance(0.1) ? json(PickI(INT64_MIN, INT64_MAX)) : json(PickI(-1000, 1000));
      case FieldType::kBoolean:
        return Chance(0.5);
      case FieldType::kDate: {
        int y = static_cast<int>(Pick(1999, 2031)), m = static_cast<int>(Pick(1, 12)),
            d = static_cast<int>(Pick(1, 28));
        if (Chance(0.1)) y = 2024, m = 2, d = 29;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        return std::string(buf);
      }
      case FieldType::kEnum:
        return OneOf(def.values);
      case FieldType::kReference:
        return OneOf(ids_);
      case FieldType::kStringSet:
      case FieldType::kRefSet: {
        json arr = json::array();
        for (const auto& el : Alphabet(def.type))
          if (Chance(0.4)) arr.push_back(el);
        return arr;
      }
    }
    return nullptr;
  }
  // Small element alphabets so that adds and removes of one element race.
  std::vector<std::string> Alphabet(FieldType t) {
    if (t == FieldType::kStringSet) return {"a", "b", "c", "d"};
    return std::vector<std::string>(ids_.begin(), ids_.begin() + std::min<size_t>(ids_.size(), 4));
  }
  std::map<std::string, json> RandomFields(size_t p, const std::string& type, size_t max) {
    const crdt::EntityType* t = schema_.Find(type);
    REQUIRE(t);
    std::vector<std::string> names;
    for (const auto& [name, def] : t->fields) names.push_back(name);
    std::map<std::string, json> out;
    size_t n = Pick(1, std::min(max, names.size()));
    for (size_t i = 0; i < n; ++i) {
      const std::string& name = OneOf(names);
      const crdt::FieldDef& def = t->fields.at(name);
      if (!crdt::IsSet(def.type) && Chance(0.08)) {
        out[name] = nullptr;  // clears the field
        ++stats_.clears;
      } else {
        out[name] = Value(p, def);
      }
    }
    return out;
  }
  std::string HotField(const std::string& type) {
    if (type == "probe") return Chance(0.7) ? "label" : "count";
    if (type == "attachment") return "name";
    return "title";
  }

  // ---- local edits ----
  // True if the edit was made. A removed device may be refused once it has
  // learnt of its removal; anyone else must succeed.
  bool Ok(const Status& s, const std::string& what) {
    if (!s.ok() && s.code() == Status::Code::kAuthFailed && peers_[acting_].removed) {
      ++stats_.refused;
      Trace("p" + std::to_string(acting_) + " refused: " + s.message());
      return false;
    }
    REQUIRE_MESSAGE(s.ok(), "peer ", acting_, " ", what, ": ", s.ToString());
    return true;
  }

  void LocalEdit(size_t p, std::vector<Event>& events) {
    Replica& r = R(p);
    if (!r.has_key("general")) return;  // a late joiner without its keys yet
    acting_ = p;
    SetClock(peers_[p]);
    size_t roll = Pick(0, 99);
    if (roll < 10) {  // create
      std::string type = OneOf(std::vector<std::string>{"probe", "probe", "note", "attachment"});
      std::optional<std::string> comp;
      if (Chance(0.5)) comp = Chance(0.5) ? "general" : "family";
      auto fields = Chance(0.7) ? RandomFields(p, type, 4) : std::map<std::string, json>{};
      auto id = r.AddEntity(type, fields, comp);
      if (!Ok(id.status(), "AddEntity")) return;
      ids_.push_back(*id);
      Trace("p" + std::to_string(p) + " create " + type + " " + Short(*id) + " " + json(fields).dump());
      if (type == "probe" && hot_.size() < 5 && Chance(0.3)) hot_.push_back(*id);
      return;
    }
    if (roll < 34) {  // write the hot field of a hot entity: colliding writes
      auto e = Target(p, /*include_review=*/true);
      if (!e) return;
      std::string type = r.document().Find(*e)->type();
      std::string field = HotField(type);
      json v = Value(p, *schema_.Field(type, field));
      if (!Ok(r.SetFields(*e, {{field, v}}), "SetFields")) return;
      events.push_back({p, 's', *e, field, ""});
      Trace("p" + std::to_string(p) + " set " + Short(*e) + "." + field + " = " + v.dump());
      return;
    }
    if (roll < 44) {  // write several random fields, sets included
      auto e = Target(p, /*include_review=*/false);
      if (!e) return;
      std::string type = r.document().Find(*e)->type();
      auto fields = RandomFields(p, type, 4);
      if (!Ok(r.SetFields(*e, fields), "SetFields")) return;
      for (const auto& [f, v] : fields)
        if (!crdt::IsSet(schema_.Field(type, f)->type)) events.push_back({p, 's', *e, f, ""});
      Trace("p" + std::to_string(p) + " set " + Short(*e) + " " + json(fields).dump());
      return;
    }
    if (roll < 60) {  // add to a set, often an element already there (add-wins territory)
      auto e = SetTarget(p);
      if (!e) return;
      std::string field = Chance(0.8) ? "tags" : "refs";
      auto present = r.document().Find(*e)->SetValue(field);
      std::string el = present.empty() || Chance(0.5)
                           ? OneOf(Alphabet(schema_.Field("probe", field)->type))
                           : OneOf(std::vector<std::string>(present.begin(), present.end()));
      if (!Ok(r.AddToSet(*e, field, el), "AddToSet")) return;
      events.push_back({p, 'a', *e, field, el});
      Trace("p" + std::to_string(p) + " add " + Short(*e) + "." + field + " += " + Short(el));
      return;
    }
    if (roll < 76) {  // remove from a set, preferring an element that is there
      auto e = SetTarget(p);
      if (!e) return;
      std::string field = Chance(0.8) ? "tags" : "refs";
      auto present = r.document().Find(*e)->SetValue(field);
      std::string el = present.empty() || Chance(0.15)
                           ? OneOf(Alphabet(schema_.Field("probe", field)->type))
                           : OneOf(std::vector<std::string>(present.begin(), present.end()));
      bool live = !r.document().Find(*e)->LiveTags(field, el).empty();
      if (!Ok(r.RemoveFromSet(*e, field, el), "RemoveFromSet")) return;
      if (live) events.push_back({p, 'r', *e, field, el});
      Trace("p" + std::to_string(p) + " remove " + Short(*e) + "." + field + " -= " + Short(el) +
            (live ? "" : " (absent: no change)"));
      return;
    }
    if (roll < 84) {  // delete, mostly a hot entity others are editing
      auto e = Target(p, /*include_review=*/false);
      if (!e) return;
      if (!Ok(r.DeleteEntity(*e), "DeleteEntity")) return;
      events.push_back({p, 'd', *e, "", ""});
      Trace("p" + std::to_string(p) + " delete " + Short(*e));
      return;
    }
    if (roll < 92) {  // restore something this peer sees deleted
      std::vector<std::string> gone;
      for (const auto& id : ids_)
        if (Knows(p, id) && !r.document().Find(id)) gone.push_back(id);
      if (gone.empty()) return;
      std::string e = OneOf(gone);
      if (!Ok(r.RestoreEntity(e), "RestoreEntity")) return;
      ++stats_.restores;
      Trace("p" + std::to_string(p) + " restore " + Short(e));
      return;
    }
    RawCommit(p, events);
  }

  // The three races every seed has at least once, before any random edit:
  // two peers write one field, a set element is removed by one peer while
  // another adds it again, and an entity is deleted while another edits it.
  void ForcedConflicts(std::vector<Event>& events) {
    for (auto& peer : peers_) SetClock(peer);
    acting_ = 1;
    Ok(R(1).SetFields(hot_[0], {{"label", "forced by p1"}}), "SetFields");
    Ok(R(2).SetFields(hot_[0], {{"label", "forced by p2"}}), "SetFields");
    events.push_back({1, 's', hot_[0], "label", ""});
    events.push_back({2, 's', hot_[0], "label", ""});
    Ok(R(3).RemoveFromSet(hot_[1], "tags", "a"), "RemoveFromSet");
    Ok(R(4).AddToSet(hot_[1], "tags", "a"), "AddToSet");
    events.push_back({3, 'r', hot_[1], "tags", "a"});
    events.push_back({4, 'a', hot_[1], "tags", "a"});
    Ok(R(1).DeleteEntity(hot_[2]), "DeleteEntity");
    Ok(R(3).SetFields(hot_[2], {{"notes", "edited by p3 while p1 deletes"}}), "SetFields");
    events.push_back({1, 'd', hot_[2], "", ""});
    events.push_back({3, 's', hot_[2], "notes", ""});
    Trace("forced conflicts on " + Short(hot_[0]) + ", " + Short(hot_[1]) + ", " + Short(hot_[2]));
  }

  // Changes of several ops, straight through Commit.
  void RawCommit(size_t p, std::vector<Event>& events) {
    Replica& r = R(p);
    ++stats_.raw_commits;
    size_t kind = Pick(0, 3);
    if (kind == 0) {  // the same field twice in one change: the later op wins
      auto e = Target(p, false, "probe");
      if (!e) return;
      const crdt::Entity* ent = r.document().Find(*e);
      json v1 = Value(p, *schema_.Field("probe", "label")), v2 = Value(p, *schema_.Field("probe", "label"));
      auto h = r.Commit(ent->compartment(),
                        {{{"o", "set"}, {"e", *e}, {"t", "probe"}, {"f", "label"}, {"v", v1}},
                         {{"o", "set"}, {"e", *e}, {"t", "probe"}, {"f", "label"}, {"v", v2}}});
      if (!Ok(h.status(), "Commit")) return;
      events.push_back({p, 's', *e, "label", ""});
      Trace("p" + std::to_string(p) + " commit " + Short(*e) + ".label = " + v1.dump() + " then " +
            v2.dump());
    } else if (kind == 1) {  // create one entity and edit another in the same change and compartment
      std::string comp = Chance(0.5) ? "general" : "family";
      std::string id = "t" + std::to_string(seed_) + "-" + std::to_string(ids_.size());
      std::vector<crdt::Op> ops = {{{"o", "create"}, {"e", id}, {"t", "probe"}},
                                   {{"o", "set"}, {"e", id}, {"t", "probe"}, {"f", "level"}, {"v", "high"}},
                                   {{"o", "add"}, {"e", id}, {"t", "probe"}, {"f", "tags"}, {"v", "a"}}};
      std::vector<std::string> same;
      for (const auto& other : Visible(p, false)) {
        const crdt::Entity* ent = r.document().Find(other);
        if (ent->compartment() == comp && ent->type() == "probe") same.push_back(other);
      }
      std::string other;
      if (!same.empty()) {
        other = OneOf(same);
        ops.push_back({{"o", "set"}, {"e", other}, {"t", "probe"}, {"f", "link"}, {"v", id}});
        ops.push_back({{"o", "add"}, {"e", other}, {"t", "probe"}, {"f", "refs"}, {"v", id}});
        events.push_back({p, 's', other, "link", ""});
        events.push_back({p, 'a', other, "refs", id});
      }
      if (!Ok(r.Commit(comp, ops).status(), "Commit")) return;
      ids_.push_back(id);
      Trace("p" + std::to_string(p) + " commit create " + id + " in " + comp +
            (other.empty() ? "" : " and link it from " + Short(other)));
    } else if (kind == 2) {  // delete and restore in one change: the restore (later op) wins
      auto e = Target(p, false);
      if (!e) return;
      const crdt::Entity* ent = r.document().Find(*e);
      std::string type = ent->type();
      if (!Ok(r.Commit(ent->compartment(), {{{"o", "delete"}, {"e", *e}, {"t", type}},
                                            {{"o", "restore"}, {"e", *e}, {"t", type}}})
                  .status(),
              "Commit"))
        return;
      Trace("p" + std::to_string(p) + " commit delete+restore " + Short(*e));
    } else {  // ops naming another scope than the entity's: kept apart, never shown
      std::string e = OneOf(ids_);
      if (e == review_id_) return;
      bool known = Knows(p, e);
      std::string comp = Chance(0.5) ? "general" : "family";
      std::string type = Chance(0.5) ? "note" : "probe";
      std::vector<crdt::Op> ops;
      // A create for an id this peer has not seen may be the earliest, and so
      // decide the entity's scope on every replica once all is delivered.
      if (!known || Chance(0.3)) ops.push_back({{"o", "create"}, {"e", e}, {"t", type}});
      if (type == "note")
        ops.push_back({{"o", "set"}, {"e", e}, {"t", "note"}, {"f", "title"}, {"v", "stray"}});
      else
        ops.push_back({{"o", "add"}, {"e", e}, {"t", "probe"}, {"f", "tags"}, {"v", "stray"}});
      if (!Ok(r.Commit(comp, ops).status(), "Commit")) return;
      misscoped_.insert(e);
      ++stats_.misscoped;
      Trace("p" + std::to_string(p) + " commit " + std::to_string(ops.size()) + " op(s) on " + Short(e) +
            " as " + comp + "/" + type + (known ? "" : " (entity not yet seen here)"));
    }
  }

  // Closes a replica and opens it again from its vault (from a snapshot and
  // the changes after it, or from the change log alone): same state.
  void Restart(size_t p) {
    bool snapshot = Chance(0.6);
    if (snapshot) Ok(R(p).Snapshot(), "Snapshot");
    std::string before = R(p).CanonicalString();
    size_t problems = R(p).Problems().size(), changes = R(p).change_count();
    // A late joiner that has been given nothing yet has nothing in its vault
    // to open: it joins again, as an app would.
    bool stored = changes > 0 || problems > 0;
    peers_[p].replica.reset();
    auto opened = stored ? Replica::Open(*peers_[p].vault, review_id_, peers_[p].options)
                         : Replica::OpenOrJoin(*peers_[p].vault, review_id_, peers_[p].options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    peers_[p].replica = std::move(opened).value();
    INFO("peer ", p, " reopened from its vault");
    std::string after = R(p).CanonicalString();
    const std::string how = snapshot ? "from a snapshot" : "from the change log";
    REQUIRE_MESSAGE(after == before, "state changed on reopening ", how, ":", Diff(before, after));
    REQUIRE(R(p).Problems().size() == problems);
    REQUIRE(R(p).change_count() == changes);
    ++stats_.restarts;
    Trace("p" + std::to_string(p) + (snapshot ? " snapshot and restart" : " restart"));
  }

  void CountConcurrency(const std::vector<Event>& events) {
    for (size_t i = 0; i < events.size(); ++i)
      for (size_t j = 0; j < events.size(); ++j) {
        const Event& a = events[i];
        const Event& b = events[j];
        if (a.peer == b.peer || a.entity != b.entity) continue;
        if (i < j && a.kind == 's' && b.kind == 's' && a.field == b.field) ++stats_.same_field;
        if (a.kind == 'd' && b.kind != 'd') ++stats_.delete_vs_edit;
        if (a.kind == 'a' && b.kind == 'r' && a.field == b.field && a.element == b.element)
          ++stats_.add_vs_remove;
      }
  }

  // ---- delivery ----
  // The union of every replica's stored changes (as a sync would gather them).
  void Collect() {
    for (size_t p = 0; p < peers_.size(); ++p) {
      if (!peers_[p].joined) continue;
      Status s = R(p).ForEachChange([&](const crdt::Change& c) {
        if (pool_.emplace(c.hash, c.sealed).second) order_.push_back(c.hash);
        peers_[p].has.insert(c.hash);
        return Status::Ok();
      });
      REQUIRE_MESSAGE(s.ok(), s.ToString());
    }
  }

  void Deliver(bool everything) {
    Collect();
    for (size_t p = 0; p < peers_.size(); ++p) {
      Peer& peer = peers_[p];
      if (!peer.joined) continue;
      if (!everything && Chance(0.15)) continue;  // offline this round
      double rate = everything ? 1.0 : std::uniform_real_distribution<double>(0.2, 0.9)(rng_);
      std::vector<crdt::Hash> batch;
      for (const auto& h : order_)
        if (!peer.has.count(h) && Chance(rate)) {
          batch.push_back(h);
          if (Chance(0.1)) batch.push_back(h);  // sent twice
        }
      for (size_t k = Pick(everything ? 1 : 0, 3); k > 0; --k)
        batch.push_back(OneOf(order_));  // already there
      if (batch.empty()) continue;
      if (Chance(0.3)) {  // newest first: as many as possible arrive before their deps
        std::map<crdt::Hash, size_t> pos;
        for (size_t i = 0; i < order_.size(); ++i) pos[order_[i]] = i;
        std::stable_sort(batch.begin(), batch.end(),
                         [&](const crdt::Hash& x, const crdt::Hash& y) { return pos[x] > pos[y]; });
      } else {
        std::shuffle(batch.begin(), batch.end(), rng_);
      }
      size_t chunks = Pick(1, 3);
      size_t waited = 0, dups = 0;
      for (size_t c = 0; c < chunks; ++c) {
        size_t from = batch.size() * c / chunks, to = batch.size() * (c + 1) / chunks;
        std::vector<Bytes> sealed;
        for (size_t i = from; i < to; ++i) sealed.push_back(pool_.at(batch[i]));
        auto got = R(p).ReceiveAll(sealed);
        REQUIRE_MESSAGE(got.ok(), "peer ", p, " ReceiveAll: ", got.status().ToString());
        for (const auto& g : *got) {
          INFO("peer ", p, " received ", g.hash, ": ", review::OutcomeName(g.outcome), " ", g.reason);
          // Only a device that joined late (before its keys arrive) or was
          // removed (new epoch) may get changes it cannot read.
          bool keyless = g.outcome == Outcome::kUnreadable && (peer.late || peer.removed);
          REQUIRE((g.outcome == Outcome::kApplied || g.outcome == Outcome::kDuplicate ||
                   g.outcome == Outcome::kPending || keyless));
          stats_.unreadable += keyless;
          waited += g.outcome == Outcome::kPending;
          dups += g.outcome == Outcome::kDuplicate;
        }
      }
      for (const auto& h : batch) peer.has.insert(h);
      stats_.waited += waited;
      stats_.duplicates += dups;
      Trace("deliver " + std::to_string(batch.size()) + " to p" + std::to_string(p) + " in " +
            std::to_string(chunks) + " call(s): " + std::to_string(waited) + " waiting, " +
            std::to_string(dups) + " duplicates; now " + std::to_string(R(p).Problems().size()) +
            " not applied");
    }
  }

  // ---- the end ----
  void Verify() {
    const std::string reference = R(0).CanonicalString();
    bool converged = true;
    for (size_t p = 0; p < peers_.size(); ++p) {
      INFO("peer ", p, " (device ", peers_[p].replica->device(), ")");
      bool clean = R(p).Problems().empty() && R(p).change_count() == pool_.size();
      CHECK_MESSAGE(clean, R(p).change_count(), " of ", pool_.size(),
                    " changes applied; not applied:", ProblemsText(R(p)));
      std::string mine = R(p).CanonicalString();
      bool same = mine == reference && R(p).StateHashHex() == R(0).StateHashHex();
      if (peers_[p].removed) {
        // It cannot read what was written after its removal, by design; the
        // membership, signed but not encrypted, it must agree on.
        same = json::parse(mine)["members"] == json::parse(reference)["members"];
      }
      CHECK_MESSAGE(same, "diverged from peer 0:", Diff(reference, mine));
      converged = converged && clean && same;
    }
    REQUIRE(converged);  // stops the seed loop at the first failing seed
    json canon = json::parse(reference);
    stats_.changes = pool_.size();
    stats_.entities = ids_.size();
    stats_.visible = canon["entities"].size();
    CheckAgainstHistory(canon);

    // Not vacuous: the run must have had something to converge on. (Early
    // arrivals are checked over the whole run: one seed might have none.)
    CHECK(stats_.entities >= 5);
    CHECK(stats_.visible >= 2);
    CHECK(stats_.same_field > 0);
    CHECK(stats_.delete_vs_edit > 0);
    CHECK(stats_.add_vs_remove > 0);
    CHECK(stats_.duplicates > 0);
    CHECK(stats_.checked_fields > 0);
  }

  // The converged state is the one the merge rules give: for each field the
  // write with the greatest stamp, an entity shown unless its latest
  // delete/restore was a delete. The audit trail lists ops in stamp order.
  void CheckAgainstHistory(const json& canon) {
    auto history = R(0).History();
    REQUIRE_MESSAGE(history.ok(), history.status().ToString());
    std::map<std::pair<std::string, std::string>, json> last_set;
    std::map<std::string, bool> deleted;
    std::map<std::pair<std::string, std::string>, std::set<std::string>> added;
    for (const auto& h : *history) {
      if (h.op == "set") last_set[{h.entity, h.field}] = h.value;
      if (h.op == "delete") deleted[h.entity] = true;
      if (h.op == "restore") deleted[h.entity] = false;
      if (h.op == "add") added[{h.entity, h.field}].insert(h.value.get<std::string>());
    }
    const json& entities = canon["entities"];
    for (const auto& id : ids_) {
      if (misscoped_.count(id)) continue;
      INFO("entity ", id);
      bool shown = entities.contains(id);
      CHECK(shown == !deleted[id]);
      if (!shown) continue;
      const json& fields = entities[id]["fields"];
      for (const auto& [key, value] : last_set) {
        if (key.first != id) continue;
        INFO("field ", key.second);
        ++stats_.checked_fields;
        if (value.is_null()) {
          CHECK_FALSE(fields.contains(key.second));
        } else {
          CHECK(fields.value(key.second, json()) == value);
        }
      }
      for (const auto& [name, value] : fields.items()) {
        if (!value.is_array()) continue;
        for (const auto& el : value) CHECK(added[{id, name}].count(el.get<std::string>()) == 1);
      }
    }
  }

  uint64_t seed_;
  std::mt19937_64 rng_;
  crdt::Schema schema_;
  std::vector<Peer> peers_;
  std::string review_id_;
  std::vector<std::string> ids_;  // every entity id, in the order the test made them
  std::vector<std::string> hot_;  // the entities most edits go to
  std::set<std::string> misscoped_;
  std::map<crdt::Hash, Bytes> pool_;
  std::vector<crdt::Hash> order_;
  uint64_t now_ = kStartMs;
  size_t members_ = 0;  // peers that are members from the start
  size_t acting_ = 0;   // the peer making the current edit
  size_t round_ = 0;
  Stats stats_;
};

}  // namespace

Stats RunSeed(uint64_t seed) {
  INFO("seed ", seed, " (replay with CASEBOARD_TEST_SEED=", seed, ")");
  return Run(seed).Go();
}

}  // namespace caseboard::test::convergence
