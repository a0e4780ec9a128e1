// The `scr`, `demo` and `holidays` commands: the serious case review, from
// referral to learning (issue 5). The subcommands live in scr_commands.cpp
// (workflow) and scr_record_commands.cpp (records and read models).
#include <fstream>
#include <iostream>

#include "caseboard/domain/demo.h"
#include "commands.h"
#include "scr_cli.h"

namespace caseboard::cli {
namespace {

using nlohmann::json;

int Scr(const Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty()) return UsageError("scr", "needs a subcommand");
  std::vector<ScrSubcommand> subs;
  AddScrWorkflowSubcommands(subs);
  AddScrRecordSubcommands(subs);
  AddScrPublicationSubcommands(subs);
  AddScrDataProtectionSubcommands(subs);
  for (const auto& s : subs)
    if (argv[0] == s.name) return s.run(ctx, {argv.begin() + 1, argv.end()});
  return UsageError("scr", "unknown subcommand '" + argv[0] + "'");
}

int Demo(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--today"}, {"--json"});
  if (!args.ok()) return UsageError("demo", args.status().message());
  auto today = Today(args->Get("--today"));
  if (!today.ok()) return Fail(today.status());
  auto dir = ctx.VaultDir();
  if (!dir.ok()) return Fail(dir.status());
  std::unique_ptr<store::Vault> vault;
  if (!store::Vault::Exists(*dir)) {
    auto pass = ctx.NewPassphrase(ctx.PassphraseFile(), "CASEBOARD_PASSPHRASE");
    if (!pass.ok()) return Fail(pass.status());
    auto created = store::Vault::Create(*dir, pass->view(), {});
    if (!created.ok()) return Fail(created.status());
    vault = std::move(*created);
  } else {
    auto opened = ctx.OpenUnlocked();
    if (!opened.ok()) return Fail(opened.status());
    vault = std::move(*opened);
  }
  auto calendar = ctx.Calendar();
  if (!calendar.ok()) return Fail(calendar.status());
  auto reviews = domain::BuildDemo(*vault, *calendar, *today);
  if (!reviews.ok()) return Fail(reviews.status());
  json out = json::array();
  for (const auto& r : *reviews) out.push_back({{"id", r.id}, {"title", r.title}, {"stage", r.stage}});
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& r : *reviews) std::cout << r.id << "  " << r.stage << "  " << r.title << "\n";
  return kExitOk;
}

int Holidays(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--year", "--name"}, {"--json", "--removes"});
  if (!args.ok()) return UsageError("holidays", args.status().message());
  auto calendar = ctx.Calendar();
  if (!calendar.ok()) return Fail(calendar.status());
  const auto& pos = args->positional();
  if (!pos.empty() && pos[0] == "add") {
    if (pos.size() != 2) return UsageError("holidays", "add takes DATE --name NAME [--removes]");
    auto date = domain::ParseDate(pos[1]);
    if (!date.ok()) return Fail(date.status());
    Status s = calendar->AddException({*date, args->Get("--name").value_or(""), args->Has("--removes")});
    if (!s.ok()) return Fail(s);
    auto dir = ctx.VaultDir();
    if (!dir.ok()) return Fail(dir.status());
    std::string path = *dir + "/" + Context::kHolidaysFile, tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << calendar->ExceptionsToJson().dump(2) << "\n";
      if (!out.good()) return Fail(Status::IOError("cannot write " + tmp));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return Fail(Status::IOError("cannot replace " + path));
    return kExitOk;
  }
  if (!pos.empty()) return UsageError("holidays", "unknown subcommand '" + pos[0] + "'");
  auto today = Today(std::nullopt);
  int year = today.ok() ? today->year : 2026;
  if (auto y = args->Get("--year")) year = std::atoi(y->c_str());
  json out = json::array();
  for (const auto& h : calendar->Holidays(year))
    out.push_back({{"date", domain::FormatDate(h.date)}, {"name", h.name}});
  if (out.empty()) return Fail(Status::InvalidArgument("no calendar for the year " + std::to_string(year)));
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& h : out)
    std::cout << h["date"].get<std::string>() << "  " << h["name"].get<std::string>() << "\n";
  return kExitOk;
}

}  // namespace

void AddScrCommands(std::vector<Command>& out) {
  out.push_back({"scr", "the serious case review: stages, records, decisions, deadlines",
                 R"(usage: caseboard-cli scr SUBCOMMAND ...

Starting and moving on
  scr frameworks [--json]                      the frameworks, their stages and deadlines
  scr start --title T [--framework scr-wt2015|lcspr-wt2018] [--board B]
            [--opened DATE] [--name PERSON]    a new case review; prints its id
  scr status REVIEW [--today DATE] [--json]    stage, what is missing to move on,
                                               deadlines (due / at risk / overdue), warnings
  scr advance REVIEW [--today DATE]            move to the next stage once nothing is missing

Records (types and fields: see 'scr list' and docs in the README)
  scr set REVIEW TYPE field=value ...          the one record of its kind (referral,
                                               chair_decision, terms_of_reference, ...)
  scr add REVIEW TYPE field=value ... [--compartment general|family|restricted]
                                               a new record (chronology_entry, agency,
                                               panel_view, person, finding, action, ...)
  scr update REVIEW RECORD field=value ...
  scr list REVIEW TYPE [--json]

Decision (guidance Appendix 1 and 2)
  scr chair REVIEW [--json]                    the chair's checklist verdict, suggested
                                               methodology, the panel's recommendation
  scr decide REVIEW proceed|not_proceed|defer --rationale TEXT [--date DATE]
                                               not_proceed drafts the required letters
  scr categories | roles | methodologies [--json]   reference data from the guidance

Checklists (scoping, commissioning, contract, practitioner_event, media)
  scr checklist REVIEW [CHECKLIST] [--json]
  scr answer REVIEW CHECKLIST ITEM yes|no|unsure|not_applicable|done|to_do
             [--note COMMENTARY] [--action AGREED] [--about RECORD]

Running the review
  scr role REVIEW ROLE --person NAME [--device cbdev1:...] [--agency A]
           [--independent yes|no|not_required] [--note TEXT] [--from DATE]
                                               a role of guidance section 2; with --device, that
                                               device joins with the role's compartments
  scr question REVIEW QUESTION --text WORDING --reason WHY    change a key question
  scr question REVIEW QUESTION --history [--json]             its wordings and reasons
  scr escalate REVIEW REQUEST --note TEXT      next step of the escalation ladder
  scr signoff REVIEW RECORD --signer NAME [--role ROLE] [--statement TEXT] [--date DATE]
  scr signoffs REVIEW [RECORD] [--json]        check every sign-off (exit 1 if any is invalid)
  scr chronology REVIEW [--agency A,B] [--from DATE] [--to DATE]
                 [--significance routine|notable|key] [--search TEXT]
                 [--sort date|agency|significance] [--desc] [--json]
  scr deadlines REVIEW [--today DATE] [--all] [--json]
  scr recommendations REVIEW [--json]          recommendations, with gentle warnings
  scr publication-check REVIEW [--replace-names] [--json]
                                               real names, full dates, postcodes, addresses,
                                               schools, exact ages and flagged details in the
                                               texts destined for publication (exit 1 if any);
                                               --replace-names puts the pseudonyms in
  scr subject-access REVIEW PERSON [--json] [--out FILE.html]
                                               every record concerning a person (subject access),
                                               third-party mentions marked for redaction review
  scr retention REVIEW [--today DATE] [--json] how long each kind of material is kept, what is
                                               due for destruction (exit 1 if any), legal hold;
                                               set with: scr set REVIEW retention
                                               interviews_years=N ... legal_hold=true hold_reason=...
  scr destroy REVIEW KIND --yes [--today DATE] destroys a kind of material that is due (working_notes,
                                               interviews, agency_reports, final_report) on every
                                               device and the board; refused under a legal hold
  scr access-log REVIEW [--json]               who opened, exported or printed which restricted
                                               record (signed entries, restricted compartment)
  scr markers REVIEW [--questions] [--json]    the 18 quality markers, their ratings, and the
                                               guidance's questions (markers 1, 7, 8, 15)
  scr markers REVIEW NUMBER met|partly_met|not_met|not_applicable [--notes TEXT]
)",
                 Scr});
  out.push_back({"demo", "a demo vault: the guidance's four case studies as reviews",
                 R"(usage: caseboard-cli demo [--today DATE] [--json]

Creates the vault if there is none (asking for a passphrase) and adds four
reviews built from the case studies of the guidance's Appendix 3, at
different stages, with fictional records. Prints their ids and stages.
)",
                 Demo});
  out.push_back({"holidays", "England and Wales bank holidays used for deadlines",
                 R"(usage: caseboard-cli holidays [--year YEAR] [--json]
       caseboard-cli holidays add DATE --name NAME [--removes]

Deadlines count working days: weekdays that are not bank holidays. The rules
(Easter included) and known one-off holidays are built in; 'add' records a new
one-off holiday (or, with --removes, a holiday that was moved away from DATE)
in holidays.json beside the vault.
)",
                 Holidays});
}

}  // namespace caseboard::cli
