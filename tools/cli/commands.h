// The table of caseboard-cli commands. Each group of commands lives in its own
// file and contributes its entries here.
#pragma once

#include <string>
#include <vector>

#include "cli_context.h"

namespace caseboard::cli {

struct Command {
  const char* name;
  const char* summary;  // one line for the command list
  const char* help;     // the full text for `caseboard-cli NAME --help`
  int (*run)(const Context& ctx, const std::vector<std::string>& args);
};

void AddVaultCommands(std::vector<Command>& out);
void AddReviewCommands(std::vector<Command>& out);
void AddChangeCommands(std::vector<Command>& out);
void AddMemberCommands(std::vector<Command>& out);
void AddAttachmentCommands(std::vector<Command>& out);
void AddTextCommands(std::vector<Command>& out);
void AddSyncCommands(std::vector<Command>& out);
void AddScrCommands(std::vector<Command>& out);
void AddExportCommands(std::vector<Command>& out);

}  // namespace caseboard::cli
