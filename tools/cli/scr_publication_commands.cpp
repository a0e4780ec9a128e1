// scr publication-check: the scan of every text destined for publication
// for what could identify the child or family (publication_check.h), and
// the replacement of names by their pseudonyms.
#include <iostream>

#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/publication_pack.h"
#include "scr_cli.h"

namespace caseboard::cli {
namespace {

using nlohmann::json;

// Exit 0 when nothing is found, 1 when something is (so a script can hold
// publication back), 2 on a usage error.
int PublicationCheck(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json", "--replace-names"});
  if (!args.ok()) return ScrUsage("publication-check", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("publication-check", "takes the review id");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  if (std::string blind = domain::PublicationCheckBlind(*o->replica); !blind.empty())
    return Fail(Status::InvalidArgument(blind));
  auto hits = domain::ScanReview(o->replica->document());
  if (args->Has("--replace-names")) {
    // Last to first within each text, so earlier offsets stay right.
    int replaced = 0;
    for (auto it = hits.rbegin(); it != hits.rend(); ++it) {
      if (it->kind != "name" || it->replacement.empty()) continue;
      Status s = domain::ReplaceHit(*o->replica, *it);
      if (!s.ok()) return Fail(s);
      ++replaced;
    }
    std::cerr << "replaced " << replaced << " name" << (replaced == 1 ? "" : "s") << " by pseudonyms\n";
    hits = domain::ScanReview(o->replica->document());
  }
  if (args->Has("--json")) {
    json out = json::array();
    for (const auto& h : hits) out.push_back(h.ToJson());
    std::cout << out.dump(2) << "\n";
  } else if (hits.empty()) {
    std::cout << "nothing identifying found in the texts destined for publication\n";
  } else {
    for (const auto& h : hits) {
      std::cout << h.kind << "  \"" << h.found << "\"  in " << h.entity << "." << h.field << "\n    "
                << h.context << "\n";
      if (!h.replacement.empty()) std::cout << "    replace with: " << h.replacement << "\n";
    }
    std::cout << hits.size() << " to look at before publication\n";
  }
  return hits.empty() ? kExitOk : kExitFailed;
}

}  // namespace

void AddScrPublicationSubcommands(std::vector<ScrSubcommand>& out) {
  out.push_back({"publication-check", PublicationCheck});
}

}  // namespace caseboard::cli
