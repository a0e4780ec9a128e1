// caseboard-cli export: the publication pack (final report, summary, the
// board's response) as PDF, HTML or DOCX.
#include <iostream>

#include "caseboard/domain/publication_pack.h"
#include "caseboard/export/pack_export.h"
#include "commands.h"

namespace caseboard::cli {
namespace {

constexpr char kHelp[] = R"(usage: caseboard-cli export REVIEW --format pdf|html|docx --out FILE [--draft]

Writes the review's publication pack: the final report (its report sections,
then the findings with their recommendations), the executive or learning
summary the publication plan names, and the board's written response.

The publication check (scr publication-check) runs first. While it finds
anything that could identify the child or family, the export is refused;
--draft writes it anyway, marked "DRAFT, not for publication" on every page,
for the panel to read.

The file is written readable by you only, through a temporary file beside it,
so a failed export never leaves half a file.
)";

int Export(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--format", "--out"}, {"--draft"});
  if (!args.ok()) return UsageError("export", args.status().message());
  if (args->positional().size() != 1) return UsageError("export", "takes the review id");
  auto format_name = args->Get("--format");
  auto out = args->Get("--out");
  if (!format_name || !out) return UsageError("export", "needs --format pdf|html|docx and --out FILE");
  auto format = exporting::ParseFormat(*format_name);
  if (!format.ok()) return UsageError("export", format.status().message());

  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto replica = ctx.OpenReview(**vault, args->positional()[0]);
  if (!replica.ok()) return Fail(replica.status());
  auto pack = domain::BuildPublicationPack(**replica);
  if (!pack.ok()) return Fail(pack.status());
  if (pack->draft() && !args->Has("--draft"))
    return Fail(Status::InvalidArgument(
        "the publication check finds " + std::to_string(pack->check_findings) +
        " thing(s) that could identify the child or family; see 'caseboard-cli scr publication-check " +
        args->positional()[0] + "', or export with --draft for the panel to read"));

  auto bytes = exporting::Render(*pack, *format);
  if (!bytes.ok()) return Fail(bytes.status());
  Status written = exporting::WriteFile(*out, *bytes);
  if (!written.ok()) return Fail(written);
  std::cerr << "wrote " << *out << " (" << exporting::FormatName(*format) << ", " << bytes->size() << " bytes"
            << (pack->draft() ? ", marked DRAFT" : "") << ")\n";
  return kExitOk;
}

}  // namespace

void AddExportCommands(std::vector<Command>& out) {
  out.push_back({"export", "the publication pack as PDF, HTML or DOCX", kHelp, Export});
}

}  // namespace caseboard::cli
