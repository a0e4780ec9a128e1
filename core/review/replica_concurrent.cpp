// Values set aside by concurrent writes. A field other than a text or a set
// is a last-writer-wins register, so when two devices set it without having
// seen each other's value, every replica keeps the same one and the other
// disappears from the state. Nothing is lost (both changes stay in the
// history), but a person must be able to see that it happened: this finds,
// for each field, the writes that no later write to it had seen.
#include <map>

#include "caseboard/review/replica.h"

namespace caseboard::review {
namespace {

struct Write {
  crdt::Stamp stamp;
  crdt::Hash change;
  std::string change_hex;
  std::string compartment;
  std::string type;
  nlohmann::json value;
  uint32_t lane = 0;  // index into the vector clocks
  uint64_t seq = 0;
};

}  // namespace

Result<std::vector<ConcurrentValue>> Replica::ConcurrentValues(
    const std::optional<std::string>& entity) const {
  // Every readable write to a register, grouped by entity and field.
  std::map<std::pair<std::string, std::string>, std::vector<Write>> writes;
  CB_RETURN_IF_ERROR(ForEachChange([&](const crdt::Change& c) {
    const crdt::ChangeHeader& h = c.header;
    if (h.compartment == crdt::kMembership || !nodes_.count(c.hash) || unreadable_.count(c.hash) ||
        quarantine_.count(c.hash))
      return Status::Ok();
    auto ops = crdt::OpenChangeOps(c, Key(h.compartment, h.epoch));
    if (!ops.ok()) return Status::Ok();
    auto lane = vc_index_.find(LaneKey(h.author, h.compartment));
    if (lane == vc_index_.end()) return Status::Ok();
    for (size_t i = 0; i < ops->size(); ++i) {
      const crdt::Op& op = (*ops)[i];
      if (!op.is_object() || op.value("o", "") != "set") continue;  // null: destroyed (a husk)
      std::string e = op.value("e", "");
      if (entity && e != *entity) continue;
      writes[{e, op.value("f", "")}].push_back(Write{crdt::Stamp{h.hlc, h.author, static_cast<uint32_t>(i)},
                                                     c.hash, c.HashHex(), h.compartment, op.value("t", ""),
                                                     op.value("v", nlohmann::json()), lane->second, h.seq});
    }
    return Status::Ok();
  }));

  std::vector<ConcurrentValue> out;
  for (auto& [key, list] : writes) {
    const crdt::Entity* e = doc_.Find(key.first);
    if (e == nullptr || !e->visible() || list.size() < 2) continue;
    // Only writes in the entity's own scope count (see crdt::Entity).
    std::erase_if(list,
                  [&](const Write& w) { return w.compartment != e->compartment() || w.type != e->type(); });
    // `a` had seen `b`: b's change is in a's causal past, or b came earlier in the same change.
    auto saw = [&](const Write& a, const Write& b) {
      if (a.change == b.change) return b.stamp.op < a.stamp.op;
      const std::vector<uint64_t>& vc = nodes_.at(a.change).vc;
      return b.lane < vc.size() && vc[b.lane] >= b.seq;
    };
    // The heads: writes that no other write had seen. The one with the
    // greatest stamp is the field's value; the others were set aside.
    std::vector<const Write*> heads;
    for (const Write& w : list) {
      bool seen = false;
      for (const Write& other : list)
        if (&other != &w && saw(other, w)) {
          seen = true;
          break;
        }
      if (!seen) heads.push_back(&w);
    }
    if (heads.size() < 2) continue;
    const Write* winner = heads[0];
    for (const Write* w : heads)
      if (winner->stamp < w->stamp) winner = w;
    for (const Write* w : heads) {
      if (w == winner || w->value == winner->value) continue;
      out.push_back(ConcurrentValue{key.first, key.second, w->value, winner->value, w->stamp.author,
                                    w->stamp.hlc, w->change_hex});
    }
  }
  return out;
}

}  // namespace caseboard::review
