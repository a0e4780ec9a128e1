// Review and entity commands: review create|list|show|hash, entity add|set|
// delete|restore|get, history.
#include <iostream>

#include "caseboard/review/replica.h"
#include "commands.h"

namespace caseboard::cli {
namespace {

using nlohmann::json;

int ReviewCreate(const Context& ctx, const Args& args) {
  auto title = args.Get("--title");
  if (!title || title->empty()) return UsageError("review create", "needs --title TITLE");
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = review::Replica::Create(**vault, *title, ctx.ReplicaOptions());
  if (!r.ok()) return Fail(r.status());
  if (auto name = args.Get("--name")) {
    Status s = (*r)->NamePerson((*r)->device(), *name);
    if (!s.ok()) return Fail(s);
  }
  std::cout << (*r)->id() << "\n";
  return kExitOk;
}

int ReviewList(const Context& ctx, const Args& args) {
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto ids = review::Replica::List(**vault);
  if (!ids.ok()) return Fail(ids.status());
  json list = json::array();
  for (const auto& id : *ids) {
    auto r = review::Replica::Open(**vault, id, ctx.ReplicaOptions());
    if (!r.ok()) return Fail(r.status().WithContext("review " + id));
    list.push_back({{"id", id},
                    {"title", (*r)->title()},
                    {"changes", (*r)->change_count()},
                    {"problems", (*r)->Problems().size()}});
  }
  if (args.Has("--json")) {
    std::cout << list.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& r : list) {
    std::cout << r["id"].get<std::string>() << "  " << r["title"].get<std::string>() << "  (" << r["changes"]
              << " changes";
    if (r["problems"] != 0) std::cout << ", " << r["problems"] << " problems: see 'changes quarantined'";
    std::cout << ")\n";
  }
  return kExitOk;
}

int ReviewShow(const Context& ctx, const Args& args, const std::string& id) {
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, id);
  if (!r.ok()) return Fail(r.status());
  if (args.Has("--json")) {
    std::cout << (*r)->CanonicalString() << "\n";
    return kExitOk;
  }
  const review::Replica& rep = **r;
  json canonical = rep.Canonical();
  std::cout << "review   " << rep.id() << "\n"
            << "title    " << rep.title() << "\n"
            << "changes  " << rep.change_count() << "\n"
            << "members\n";
  for (const auto& [device, m] : rep.membership().members()) {
    if (!m.active) continue;
    std::string person = rep.PersonOf(device);
    std::cout << "  " << device << "  " << crdt::RoleName(m.role) << (person.empty() ? "" : "  " + person)
              << "  ";
    std::string comps;
    for (const auto& c : m.compartments) comps += (comps.empty() ? "" : ",") + c;
    std::cout << comps << (device == rep.device() ? "  (this device)" : "") << "\n";
  }
  std::cout << "entities\n";
  for (const auto& [eid, e] : canonical["entities"].items()) {
    if (eid == rep.id()) continue;
    std::cout << "  " << eid << "  " << e["type"].get<std::string>() << "  ["
              << e["compartment"].get<std::string>() << "]";
    for (const auto& [field, value] : e["fields"].items()) {
      std::string text = ValueText(value);
      if (text.size() > 40) text = text.substr(0, 37) + "...";
      std::cout << "  " << field << "=" << text;
    }
    std::cout << "\n";
  }
  for (const auto& c : crdt::kCompartments)
    if (!rep.has_key(c))
      std::cout << "(this device holds no key for the " << c << " compartment: its records are not shown)\n";
  size_t problems = rep.Problems().size();
  if (problems)
    std::cout << problems << " change(s) not applied: see 'caseboard-cli changes quarantined " << id << "'\n";
  return kExitOk;
}

int ReviewHash(const Context& ctx, const std::string& id) {
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, id);
  if (!r.ok()) return Fail(r.status());
  std::cout << (*r)->StateHashHex() << "\n";
  return kExitOk;
}

int Review(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--title", "--name"}, {"--json"});
  if (!args.ok()) return UsageError("review", args.status().message());
  const auto& pos = args->positional();
  if (pos.empty()) return UsageError("review", "needs a subcommand: create, list, show or hash");
  const std::string& sub = pos[0];
  if (sub == "create" && pos.size() == 1) return ReviewCreate(ctx, *args);
  if (sub == "list" && pos.size() == 1) return ReviewList(ctx, *args);
  if (sub == "show" && pos.size() == 2) return ReviewShow(ctx, *args, pos[1]);
  if (sub == "hash" && pos.size() == 2) return ReviewHash(ctx, pos[1]);
  return UsageError("review", "unknown subcommand or wrong number of arguments: " + sub);
}

int Entity(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--compartment"}, {"--json"});
  if (!args.ok()) return UsageError("entity", args.status().message());
  const auto& pos = args->positional();
  if (pos.size() < 3) return UsageError("entity", "needs a subcommand, a review and an entity type or id");
  const std::string &sub = pos[0], &review_id = pos[1], &target = pos[2];
  std::vector<std::string> rest(pos.begin() + 3, pos.end());
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, review_id);
  if (!r.ok()) return Fail(r.status());
  review::Replica& rep = **r;

  if (sub == "add") {
    auto fields = ParseAssignments(rep.schema(), target, rest);
    if (!fields.ok()) return Fail(fields.status());
    auto id = rep.AddEntity(target, *fields, args->Get("--compartment"));
    if (!id.ok()) return Fail(id.status());
    std::cout << *id << "\n";
    return kExitOk;
  }
  if (sub == "restore" && rest.empty()) {
    Status s = rep.RestoreEntity(target);
    return s.ok() ? kExitOk : Fail(s);
  }
  const crdt::Entity* e = rep.document().Find(target);
  if (!e) return Fail(Status::NotFound("no entity " + target + " in review " + review_id));
  if (sub == "set") {
    if (rest.empty()) return UsageError("entity", "set needs field=value arguments");
    auto fields = ParseAssignments(rep.schema(), e->type(), rest);
    if (!fields.ok()) return Fail(fields.status());
    Status s = rep.SetFields(target, *fields);
    return s.ok() ? kExitOk : Fail(s);
  }
  if (sub == "delete" && rest.empty()) {
    Status s = rep.DeleteEntity(target);
    return s.ok() ? kExitOk : Fail(s);
  }
  if (sub == "get" && rest.empty()) {
    json j = rep.document().EntityJson(target, *e);
    if (args->Has("--json")) {
      std::cout << j.dump() << "\n";
      return kExitOk;
    }
    std::cout << "id           " << target << "\ntype         " << e->type() << "\ncompartment  "
              << e->compartment() << "\n";
    for (const auto& [field, value] : j["fields"].items())
      std::cout << field << " = " << ValueText(value) << "\n";
    return kExitOk;
  }
  return UsageError("entity", "unknown subcommand or wrong number of arguments: " + sub);
}

int History(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return UsageError("history", args.status().message());
  const auto& pos = args->positional();
  if (pos.empty() || pos.size() > 2) return UsageError("history", "needs a review and optionally an entity");
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, pos[0]);
  if (!r.ok()) return Fail(r.status());
  std::optional<std::string> entity;
  if (pos.size() == 2) entity = pos[1];
  auto entries = (*r)->History(entity);
  if (!entries.ok()) return Fail(entries.status());
  json out = json::array();
  for (const auto& h : *entries) {
    const crdt::Member* m = (*r)->membership().Find(h.author);
    std::string person = (*r)->PersonOf(h.author);
    std::string who = h.author + " (" + (m ? crdt::RoleName(m->role) : "former member") +
                      (person.empty() ? "" : ", " + person) + ")";
    if (args->Has("--json")) {
      out.push_back({{"time", h.hlc.ToString()},
                     {"device", h.author},
                     {"change", h.change},
                     {"op", h.op},
                     {"entity", h.entity},
                     {"field", h.field},
                     {"value", h.value}});
      continue;
    }
    std::cout << h.hlc.ToString() << "  " << who << "  change " << h.change.substr(0, 12) << "  " << h.op
              << " " << h.entity;
    if (!h.field.empty()) std::cout << "." << h.field;
    if (!h.value.is_null()) std::cout << " = " << ValueText(h.value);
    std::cout << "\n";
  }
  if (args->Has("--json")) std::cout << out.dump(2) << "\n";
  return kExitOk;
}

}  // namespace

void AddReviewCommands(std::vector<Command>& out) {
  out.push_back({"review", "create, list and inspect reviews",
                 R"(usage: caseboard-cli review create --title TITLE [--name PERSON]
                                                    prints the new review's id; --name records
                                                    who uses this device (shown in history)
       caseboard-cli review list [--json]           one review per line, id first
       caseboard-cli review show ID [--json]        members and records; --json prints the
                                                    canonical state, byte-identical on every
                                                    device that has the same changes
       caseboard-cli review hash ID                 SHA-256 of 'review show ID --json'
)",
                 Review});
  out.push_back(
      {"entity", "add, change, delete and read records",
       R"(usage: caseboard-cli entity add REVIEW TYPE [field=value ...] [--compartment C]   prints the id
       caseboard-cli entity set REVIEW ID field=value ...
       caseboard-cli entity delete REVIEW ID
       caseboard-cli entity restore REVIEW ID
       caseboard-cli entity get REVIEW ID [--json]

Values are checked against the field's type: dates as YYYY-MM-DD, integers,
true/false, enum values; set fields take comma-separated elements. Each command
is one signed change. Compartments: general, family, restricted.
)",
       Entity});
  out.push_back({"history", "who changed what, when: the audit trail",
                 R"(usage: caseboard-cli history REVIEW [ENTITY] [--json]

Every applied operation in timestamp order: time, device (and its role),
change hash, operation, entity, field and value.
)",
                 History});
}

}  // namespace caseboard::cli
