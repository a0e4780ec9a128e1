// What the `scr` subcommands share: opening a case review with its vault,
// and the table of subcommands each file contributes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "caseboard/domain/scr_review.h"
#include "cli_context.h"

namespace caseboard::cli {

struct OpenScr {
  std::unique_ptr<store::Vault> vault;
  std::unique_ptr<review::Replica> replica;
  std::unique_ptr<domain::ScrReview> scr;
};
Result<OpenScr> OpenScrReview(const Context& ctx, const std::string& review_id);

// For subcommands judged on a day (status, deadlines, advance): the review
// named by the one positional argument, the calendar, and --today or now.
struct DatedScr {
  OpenScr open;
  domain::WorkingCalendar calendar = domain::WorkingCalendar::EnglandAndWales();
  domain::Date today;
};
Result<DatedScr> OpenDatedScr(const Context& ctx, const Args& args);

// A read model (core/domain/read_models.h): what every --json prints, the
// same JSON the C API returns.
Result<nlohmann::json> ReadScrModel(OpenScr& o, const std::string& name, const nlohmann::json& params);
Result<nlohmann::json> ReadDatedModel(DatedScr& d, const std::string& name, const nlohmann::json& params);

struct ScrSubcommand {
  const char* name;
  int (*run)(const Context& ctx, const std::vector<std::string>& args);
};
void AddScrWorkflowSubcommands(std::vector<ScrSubcommand>& out);
void AddScrRecordSubcommands(std::vector<ScrSubcommand>& out);
void AddScrPublicationSubcommands(std::vector<ScrSubcommand>& out);
void AddScrDataProtectionSubcommands(std::vector<ScrSubcommand>& out);

// Prints a usage error for `scr SUB`.
int ScrUsage(const std::string& sub, const std::string& message);

}  // namespace caseboard::cli
