// Moving changes without a server: changes export|import|quarantined.
//
// An export file holds a review's sealed changes exactly as signed: content is
// ciphertext under the review's keys, membership changes are signed cleartext
// (device ids, roles, public keys and sealed key envelopes). Importing runs
// every change through the same checks as sync.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "caseboard/review/change_bundle.h"
#include "commands.h"

namespace caseboard::cli {
namespace {

using nlohmann::json;

Status WriteExport(const std::string& path, const Bytes& bytes) {
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
  auto bundle = review::CollectChanges(**r);
  if (!bundle.ok()) return Fail(bundle.status());
  Status s = WriteExport(out_path, review::EncodeChangeBundle(*bundle));
  if (!s.ok()) return Fail(s);
  std::cout << "exported " << bundle->changes.size() << " changes of review " << review_id << " to "
            << out_path << "\n";
  return kExitOk;
}

int Import(const Context& ctx, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Status::IOError("cannot read " + path));
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bundle = review::DecodeChangeBundle(bytes, path);
  if (!bundle.ok()) return Fail(bundle.status());
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  const std::string& review_id = bundle->review;
  auto r = review::Replica::OpenOrJoin(**vault, review_id, ctx.ReplicaOptions());
  if (!r.ok()) return Fail(r.status());
  auto summary = review::ImportChangeBundle(**r, *bundle);
  if (!summary.ok()) return Fail(summary.status());
  std::cout << "review " << review_id << ": " << summary->changes << " changes read";
  for (const auto& [outcome, n] : summary->outcomes)
    std::cout << ", " << n << " " << review::OutcomeName(outcome);
  std::cout << "\n";
  if (summary->outcomes.count(review::Outcome::kQuarantined))
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
