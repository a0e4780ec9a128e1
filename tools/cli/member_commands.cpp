// Membership commands: member add|remove|list.
#include <iostream>

#include "caseboard/store/device_identity.h"
#include "commands.h"

namespace caseboard::cli {
namespace {

Result<std::set<std::string>> ParseCompartments(const std::optional<std::string>& text) {
  std::set<std::string> out;
  if (!text) return std::set<std::string>{"general"};
  for (const auto& c : SplitList(*text)) {
    if (!crdt::IsCompartment(c))
      return Status::InvalidArgument("unknown compartment '" + c + "': use general, family, restricted");
    out.insert(c);
  }
  if (out.empty()) return Status::InvalidArgument("--compartments names none");
  return out;
}

int Member(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--role", "--compartments", "--name"}, {"--json"});
  if (!args.ok()) return UsageError("member", args.status().message());
  const auto& pos = args->positional();
  if (pos.size() < 2) return UsageError("member", "needs a subcommand and a review");
  const std::string& sub = pos[0];
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, pos[1]);
  if (!r.ok()) return Fail(r.status());
  review::Replica& rep = **r;

  if (sub == "add" && pos.size() == 3) {
    auto who = store::DeviceIdentity::Parse(pos[2]);
    if (!who.ok()) return Fail(who.status());
    auto role_text = args->Get("--role");
    if (!role_text) return UsageError("member", "add needs --role owner|editor|reader");
    auto role = crdt::ParseRole(*role_text);
    if (!role.ok()) return Fail(role.status());
    auto comps = ParseCompartments(args->Get("--compartments"));
    if (!comps.ok()) return Fail(comps.status());
    Status s = rep.AddMember(*who, *role, *comps);
    if (!s.ok()) return Fail(s);
    if (auto name = args->Get("--name")) {
      s = rep.NamePerson(who->device_id, *name);
      if (!s.ok()) return Fail(s);
    }
    std::cout << "added device " << who->device_id << " as " << *role_text << "\n";
    return kExitOk;
  }
  if (sub == "remove" && pos.size() == 3) {
    Status s = rep.RemoveMember(pos[2]);
    if (!s.ok()) return Fail(s);
    std::cout << "removed device " << pos[2] << "; new content keys were issued to the remaining members\n";
    return kExitOk;
  }
  if (sub == "list" && pos.size() == 2) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [device, m] : rep.membership().members()) {
      if (!m.active) continue;
      if (args->Has("--json")) {
        out.push_back({{"device", device},
                       {"role", crdt::RoleName(m.role)},
                       {"compartments", m.compartments},
                       {"identity", m.identity.ToLine()}});
        continue;
      }
      std::string comps;
      for (const auto& c : m.compartments) comps += (comps.empty() ? "" : ",") + c;
      std::string person = rep.PersonOf(device);
      std::cout << device << "  " << crdt::RoleName(m.role) << "  " << comps
                << (person.empty() ? "" : "  " + person) << "  signing "
                << store::Fingerprint(m.identity.signing_key) << "\n";
    }
    if (args->Has("--json")) std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  return UsageError("member", "unknown subcommand or wrong number of arguments: " + sub);
}

}  // namespace

void AddMemberCommands(std::vector<Command>& out) {
  out.push_back({"member", "add, remove and list a review's devices",
                 R"(usage: caseboard-cli member add REVIEW IDENTITY --role owner|editor|reader
                  [--compartments general,family,restricted] [--name PERSON]
       caseboard-cli member remove REVIEW DEVICE
       caseboard-cli member list REVIEW [--json]

IDENTITY is the line 'caseboard-cli whoami' prints on the other device
(cbdev1:...). Adding seals the review's keys for the given compartments
(default: general) to that device; --name records who uses it (kept
encrypted in the review, shown in history). Removing starts a new key epoch: the removed
device cannot read anything written afterwards. Only owners may do either.
)",
                 Member});
}

}  // namespace caseboard::cli
