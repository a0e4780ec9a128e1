// The materialised review: entities with typed fields, merged from ops.
//
// Merge rules (DESIGN.md): a text field is a sequence CRDT (text.h) that
// merges character by character; any other field is a last-writer-wins
// register ordered by Stamp; a set is add-wins (an element stays while any add of it has not been
// removed by a remove that saw that add); deleting an entity is itself a
// last-writer-wins flag, so an edit concurrent with a delete is kept (it can
// be seen in the history and reappears if the entity is restored). Every
// operation is commutative and idempotent, so applying the same ops in any
// order, with duplicates, gives the same Canonical() bytes.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "caseboard/clock/hlc.h"
#include "caseboard/crdt/schema.h"
#include "caseboard/crdt/text.h"
#include "caseboard/status.h"

namespace caseboard::crdt {

// Orders writes: HLC first, then author device, then the op's place in its change.
struct Stamp {
  clock::Hlc hlc;
  std::string author;
  uint32_t op = 0;
  auto operator<=>(const Stamp&) const = default;
  // "device:seq:op" identifies one op for set tags.
  static std::string Tag(const std::string& author, uint64_t seq, uint32_t op);
};

// One operation, as carried in a change. Ops are JSON objects:
//   {"o":"create","e":ID,"t":TYPE}
//   {"o":"set","e":ID,"t":TYPE,"f":FIELD,"v":VALUE}          (null clears)
//   {"o":"add","e":ID,"t":TYPE,"f":FIELD,"v":ELEMENT}         (sets)
//   {"o":"remove","e":ID,"t":TYPE,"f":FIELD,"v":ELEMENT,"tags":[...]}
//   {"o":"text","e":ID,"t":TYPE,"f":FIELD,"x":BATCH}          (text fields: a
//                                        TextSequence batch, bytes)
//   {"o":"delete","e":ID,"t":TYPE}  {"o":"restore","e":ID,"t":TYPE}
// The type travels in every op so that each op can be checked against the
// schema on its own, whatever order ops arrive in.
using Op = nlohmann::json;

// Validates an op's shape and its value against the schema.
Status CheckOp(const Schema& schema, const Op& op);

std::string Scope(const std::string& compartment, const std::string& type);

struct Register {
  nlohmann::json value;
  Stamp stamp;
};

// An entity's state. Everything is kept per scope ("compartment/type"): an op
// naming another type or compartment than the entity's creation lands in a
// scope that is never shown, so such ops cannot make replicas differ whatever
// order they arrive in. The entity's scope is that of its earliest creation.
struct Entity {
  std::map<std::string, Stamp> creations;     // scope -> earliest create
  std::map<std::string, Register> registers;  // scope/field -> value
  std::map<std::string, Register> deleted;    // scope -> delete flag
  std::map<std::string, std::map<std::string, std::set<std::string>>>
      set_adds;  // scope/field -> element -> tags
  std::set<std::string> removed_tags;
  std::map<std::string, TextSequence> texts;  // scope/field -> text

  const std::string* scope() const;  // nullptr until created
  std::string type() const;
  std::string compartment() const;
  bool visible() const;
  const nlohmann::json* Field(const std::string& field) const;  // nullptr if unset
  std::set<std::string> SetValue(const std::string& field) const;
  // A text field (nullptr if it was never edited).
  const TextSequence* Text(const std::string& field) const;
  // Add tags of `element` in `field` that are still live (what a remove must name).
  std::vector<std::string> LiveTags(const std::string& field, const std::string& element) const;
};

class Document {
 public:
  // Applies one op written at `stamp` in compartment `compartment`; `tag` is
  // the op's unique tag (Stamp::Tag). The op must already have passed CheckOp.
  // `from` judges text edits against their change's causal past (see
  // TextSequence::Apply); replicas always pass it.
  void Apply(const Op& op, const Stamp& stamp, const std::string& compartment, const std::string& tag,
             const TextSequence::Provenance* from = nullptr);

  const Entity* Find(const std::string& id) const;
  // Forgets an entity entirely, tombstones and text history included (for
  // destruction under a retention schedule; see Replica::Destroy).
  void Erase(const std::string& id) { entities_.erase(id); }
  // The text field of a visible entity, created empty if never edited, for
  // local editing; nullptr if there is no such entity or text field.
  TextSequence* EditableText(const Schema& schema, const std::string& id, const std::string& field);
  const std::map<std::string, Entity>& entities() const { return entities_; }

  // The visible state as canonical JSON (sorted keys, no tombstones, no
  // metadata): byte-identical on every replica that has applied the same ops.
  nlohmann::json Canonical() const;
  // One entity as JSON ({"id","type","compartment","fields"}).
  nlohmann::json EntityJson(const std::string& id, const Entity& e) const;

  // For snapshots.
  nlohmann::json Serialize() const;
  static Result<Document> Deserialize(const nlohmann::json& j);

 private:
  std::map<std::string, Entity> entities_;
};

}  // namespace caseboard::crdt
