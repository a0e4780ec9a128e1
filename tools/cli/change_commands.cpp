// Moving changes without a server: changes export|import|quarantined.
//
// An export file holds a review's sealed changes exactly as signed: content is
// ciphertext under the review's keys, membership changes are signed cleartext
// (device ids, roles, public keys and sealed key envelopes). Importing runs
// every change through the same checks as sync.
#include <fstream>
#include <iostream>

#include "caseboard/crdt/cbor.h"
#include "commands.h"

namespace caseboard::cli {
namespace {

using nlohmann::json;

constexpr char kFormat[] = "caseboard-changes";

Status WriteExport(const std::string& path, const json& doc) {
  Bytes bytes = json::to_cbor(doc);
  std::string tmp = path + ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IOError("cannot write " + tmp);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) return Status::IOError("cannot write " + tmp + " (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot move the export into place at " + path + ": " + ec.message());
  return Status::Ok();
}

int Export(const Context& ctx, const std::string& review_id, const std::string& out_path) {
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, review_id);
  if (!r.ok()) return Fail(r.status());
  json changes = json::array();
  Status s = (*r)->ForEachChange([&](const crdt::Change& c) {
    changes.push_back(json::binary_t(c.sealed));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  json doc = {{"format", kFormat}, {"v", 1}, {"review", review_id}, {"changes", changes}};
  s = WriteExport(out_path, doc);
  if (!s.ok()) return Fail(s);
  std::cout << "exported " << changes.size() << " changes of review " << review_id << " to " << out_path
            << "\n";
  return kExitOk;
}

int Import(const Context& ctx, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Status::IOError("cannot read " + path));
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  json doc = crdt::DecodeCbor(bytes).value_or(json());
  if (!doc.is_object() || doc.value("format", "") != kFormat || !doc.contains("changes") ||
      !doc["changes"].is_array() || !doc.contains("review") || !doc["review"].is_string())
    return Fail(Status::InvalidArgument(
        path + " is not a Caseboard changes file (made by 'caseboard-cli changes export')"));
  if (doc.value("v", 0) != 1) return Fail(Status::Unsupported(path + " was written by a newer Caseboard"));
  std::vector<Bytes> changes;
  for (const auto& c : doc["changes"]) {
    if (!c.is_binary()) return Fail(Status::InvalidArgument(path + " holds an entry that is not a change"));
    changes.push_back(c.get_binary());
  }
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  std::string review_id = doc["review"].get<std::string>();
  auto r = review::Replica::OpenOrJoin(**vault, review_id, ctx.ReplicaOptions());
  if (!r.ok()) return Fail(r.status());
  auto results = (*r)->ReceiveAll(changes);
  if (!results.ok()) return Fail(results.status());
  std::map<review::Outcome, size_t> counts;
  for (const auto& res : *results) ++counts[res.outcome];
  std::cout << "review " << review_id << ": " << changes.size() << " changes read";
  for (const auto& [outcome, n] : counts) std::cout << ", " << n << " " << review::OutcomeName(outcome);
  std::cout << "\n";
  if (counts[review::Outcome::kQuarantined])
    std::cout << "see 'caseboard-cli changes quarantined " << review_id << "' for the refused changes\n";
  return kExitOk;
}

int Quarantined(const Context& ctx, const std::string& review_id, bool as_json) {
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, review_id);
  if (!r.ok()) return Fail(r.status());
  json out = json::array();
  for (const auto& p : (*r)->Problems()) {
    if (as_json) {
      out.push_back({{"change", p.hash},
                     {"author", p.author},
                     {"seq", p.seq},
                     {"state", p.state},
                     {"reason", p.reason}});
    } else {
      std::cout << p.state << "  change " << p.hash.substr(0, 16) << "  from "
                << (p.author.empty() ? "?" : p.author) << " #" << p.seq << ": " << p.reason << "\n";
    }
  }
  if (as_json) std::cout << out.dump(2) << "\n";
  return kExitOk;
}

int Changes(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--out"}, {"--json"});
  if (!args.ok()) return UsageError("changes", args.status().message());
  const auto& pos = args->positional();
  if (pos.size() != 2) return UsageError("changes", "needs a subcommand and one argument");
  if (pos[0] == "export") {
    auto out = args->Get("--out");
    if (!out || out->empty()) return UsageError("changes", "export needs --out FILE");
    return Export(ctx, pos[1], *out);
  }
  if (pos[0] == "import") return Import(ctx, pos[1]);
  if (pos[0] == "quarantined") return Quarantined(ctx, pos[1], args->Has("--json"));
  return UsageError("changes", "unknown subcommand " + pos[0]);
}

}  // namespace

void AddChangeCommands(std::vector<Command>& out) {
  out.push_back({"changes", "move changes by file; list refused ones",
                 R"(usage: caseboard-cli changes export REVIEW --out FILE
       caseboard-cli changes import FILE
       caseboard-cli changes quarantined REVIEW [--json]

export writes every change of a review, sealed and signed as it is, to FILE
(content stays encrypted). import checks each change like sync does: signature,
membership, sequence, schema; changes that fail are quarantined, never applied.
quarantined lists changes that were refused, are waiting for earlier ones, or
are held because their author's clock runs ahead.
)",
                 Changes});
}

}  // namespace caseboard::cli
