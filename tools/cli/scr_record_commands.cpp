// `caseboard-cli scr`: the read models and record-specific commands (key
// questions, escalation, sign-offs, chronology, deadlines, quality markers,
// recommendation checks) and the guidance's reference data.
#include <iostream>

#include "caseboard/domain/chair_checklist.h"
#include "caseboard/domain/chronology.h"
#include "caseboard/domain/quality_markers.h"
#include "caseboard/domain/read_models.h"
#include "caseboard/domain/recommendation_check.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_schema.h"
#include "caseboard/domain/signoff.h"
#include "scr_cli.h"

namespace caseboard::cli {
namespace {

using nlohmann::json;

int Question(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--text", "--reason"}, {"--history", "--json"});
  if (!args.ok()) return ScrUsage("question", args.status().message());
  const auto& pos = args->positional();
  if (pos.size() != 2) return ScrUsage("question", "takes REVIEW QUESTION-ID");
  auto o = OpenScrReview(ctx, pos[0]);
  if (!o.ok()) return Fail(o.status());
  if (args->Has("--history")) {
    auto h = ReadScrModel(*o, "key_question_history", {{"id", pos[1]}});
    if (!h.ok()) return Fail(h.status());
    if (args->Has("--json")) {
      std::cout << h->dump(2) << "\n";
      return kExitOk;
    }
    for (const auto& e : *h)
      std::cout << e["time"].get<std::string>() << "  " << ValueText(e["question"])
                << "\n    reason: " << ValueText(e["reason"]) << "\n";
    return kExitOk;
  }
  auto text = args->Get("--text");
  if (!text) return ScrUsage("question", "needs --text NEW-WORDING and --reason WHY (or --history)");
  Status s = o->scr->EditKeyQuestion(pos[1], *text, args->Get("--reason").value_or(""));
  return s.ok() ? kExitOk : Fail(s);
}

int Role(const Context& ctx, const std::vector<std::string>& argv) {
  auto args =
      Args::Parse(argv, {"--person", "--device", "--agency", "--independent", "--note", "--from"}, {});
  if (!args.ok()) return ScrUsage("role", args.status().message());
  if (args->positional().size() != 2) return ScrUsage("role", "takes REVIEW ROLE --person NAME");
  std::optional<store::DeviceIdentity> device;
  if (auto line = args->Get("--device")) {
    auto parsed = store::DeviceIdentity::Parse(*line);
    if (!parsed.ok()) return Fail(parsed.status());
    device = *parsed;
  }
  domain::Fields details;
  if (auto a = args->Get("--agency")) details["agency"] = *a;
  if (auto i = args->Get("--independent")) details["independent"] = *i;
  if (auto n = args->Get("--note")) details["independence_note"] = *n;
  if (auto f = args->Get("--from")) details["from"] = *f;
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  auto id = o->scr->AssignRole(args->positional()[1], args->Get("--person").value_or(""), details,
                               device ? &*device : nullptr);
  if (!id.ok()) return Fail(id.status());
  std::cout << *id << "\n";
  return kExitOk;
}

int Escalate(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--note"}, {});
  if (!args.ok()) return ScrUsage("escalate", args.status().message());
  if (args->positional().size() != 2) return ScrUsage("escalate", "takes REVIEW REQUEST-ID --note TEXT");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  auto step = o->scr->Escalate(args->positional()[1], args->Get("--note").value_or(""));
  if (!step.ok()) return Fail(step.status());
  std::cout << "step " << *step << ": " << domain::EscalationSteps()[static_cast<size_t>(*step - 1)] << "\n";
  return kExitOk;
}

int Signoff(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--signer", "--role", "--statement", "--date"}, {});
  if (!args.ok()) return ScrUsage("signoff", args.status().message());
  if (args->positional().size() != 2) return ScrUsage("signoff", "takes REVIEW RECORD-ID");
  auto date = Today(args->Get("--date"));
  if (!date.ok()) return Fail(date.status());
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  auto id = o->scr->SignOff(
      args->positional()[1], args->Get("--signer").value_or(""),
      args->Get("--role").value_or("senior manager"),
      args->Get("--statement")
          .value_or("I am satisfied with the quality of this report and its recommendations."),
      *date);
  if (!id.ok()) return Fail(id.status());
  std::cout << *id << "\n";
  return kExitOk;
}

int Signoffs(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return ScrUsage("signoffs", args.status().message());
  if (args->positional().empty() || args->positional().size() > 2)
    return ScrUsage("signoffs", "takes REVIEW [RECORD-ID]");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  json params = json::object();
  if (args->positional().size() == 2) params["record"] = args->positional()[1];
  auto model = ReadScrModel(*o, "signoffs", params);
  if (!model.ok()) return Fail(model.status());
  const json& out = *model;
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& c : out) {
      bool valid = c["valid"].get<bool>();
      std::cout << (valid ? "valid    " : "INVALID  ") << c["subject"].get<std::string>() << "  "
                << c["signer"].get<std::string>() << " (" << c["signer_role"].get<std::string>() << ") "
                << c["signed_on"].get<std::string>() << (valid ? "" : ": " + c["reason"].get<std::string>())
                << "\n";
      if (c.contains("publication_check"))
        std::cout << "         publication check when signed: " << c["publication_check"].get<std::string>()
                  << (c["publication_texts_changed"].get<bool>() ? " (the texts have changed since)" : "")
                  << "\n";
    }
  }
  for (const auto& c : out)
    if (!c["valid"].get<bool>()) return kExitFailed;
  return kExitOk;
}

int ChronologyCmd(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--agency", "--from", "--to", "--significance", "--search", "--sort"},
                          {"--desc", "--json"});
  if (!args.ok()) return ScrUsage("chronology", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("chronology", "takes the review id");
  domain::ChronologyFilter filter;
  if (auto a = args->Get("--agency")) filter.agencies = SplitList(*a);
  filter.from = args->Get("--from").value_or("");
  filter.to = args->Get("--to").value_or("");
  filter.min_significance = args->Get("--significance").value_or("");
  filter.text = args->Get("--search").value_or("");
  std::string sort = args->Get("--sort").value_or("date");
  domain::ChronologySort by = domain::ChronologySort::kDate;
  if (sort == "agency")
    by = domain::ChronologySort::kAgency;
  else if (sort == "significance")
    by = domain::ChronologySort::kSignificance;
  else if (sort != "date")
    return ScrUsage("chronology", "--sort is date, agency or significance");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  if (args->Has("--json")) {
    json params = {{"agencies", filter.agencies},
                   {"from", filter.from},
                   {"to", filter.to},
                   {"significance", filter.min_significance},
                   {"search", filter.text},
                   {"sort", sort},
                   {"desc", args->Has("--desc")}};
    auto out = ReadScrModel(*o, "chronology", params);
    if (!out.ok()) return Fail(out.status());
    std::cout << out->dump(2) << "\n";
    return kExitOk;
  }
  auto rows = domain::Chronology(o->replica->document(), filter, by, args->Has("--desc"));
  if (!rows.ok()) return Fail(rows.status());
  for (const auto& r : *rows)
    std::cout << r.date << " " << (r.time.empty() ? "     " : r.time) << "  " << r.agency << "  ["
              << (r.significance.empty() ? "-" : r.significance) << "]  " << r.event
              << (r.source.empty() ? "" : "  (source: " + r.source + ")") << "\n";
  return kExitOk;
}

int Deadlines(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--today"}, {"--json", "--all"});
  if (!args.ok()) return ScrUsage("deadlines", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("deadlines", "takes the review id");
  auto d = OpenDatedScr(ctx, *args);
  if (!d.ok()) return Fail(d.status());
  auto model = ReadDatedModel(*d, "deadlines", {{"all", args->Has("--all")}});
  if (!model.ok()) return Fail(model.status());
  const json& out = *model;
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& deadline : out)
    std::cout << (deadline["due"].get<std::string>().empty() ? "          "
                                                             : deadline["due"].get<std::string>())
              << "  " << deadline["state"].get<std::string>() << "  " << deadline["name"].get<std::string>()
              << "\n";
  return kExitOk;
}

int Markers(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--notes"}, {"--json", "--questions"});
  if (!args.ok()) return ScrUsage("markers", args.status().message());
  const auto& pos = args->positional();
  if (pos.size() != 1 && pos.size() != 3) return ScrUsage("markers", "takes REVIEW [NUMBER RATING]");
  auto o = OpenScrReview(ctx, pos[0]);
  if (!o.ok()) return Fail(o.status());
  if (pos.size() == 3) {
    int number = std::atoi(pos[1].c_str());
    auto id = o->scr->AssessMarker(number, pos[2], args->Get("--notes").value_or(""));
    if (!id.ok()) return Fail(id.status());
    std::cout << *id << "\n";
    return kExitOk;
  }
  auto model = ReadScrModel(*o, "markers", json::object());
  if (!model.ok()) return Fail(model.status());
  const json& out = *model;
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& m : out) {
    std::cout << m["number"] << ". " << m["title"].get<std::string>() << " (" << m["stage"].get<std::string>()
              << "): " << m["rating"].get<std::string>() << "\n";
    if (!args->Has("--questions")) continue;
    std::cout << "    " << m["gist"].get<std::string>() << "\n";
    for (const auto& q : m["questions"]) std::cout << "    - " << q.get<std::string>() << "\n";
  }
  return kExitOk;
}

int Lint(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return ScrUsage("recommendations", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("recommendations", "takes the review id");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  auto model = ReadScrModel(*o, "recommendations", json::object());
  if (!model.ok()) return Fail(model.status());
  const json& out = *model;
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& r : out) {
    std::cout << r["id"].get<std::string>() << "  " << r["text"].get<std::string>() << "\n";
    for (const auto& w : r["warnings"]) std::cout << "    note: " << w.get<std::string>() << "\n";
  }
  return kExitOk;
}

int Reference(const Context&, const std::vector<std::string>& argv, const std::string& what) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return ScrUsage(what, args.status().message());
  auto model = domain::ReferenceData(what);
  if (!model.ok()) return Fail(model.status());
  const json& out = *model;
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& e : out) {
    std::cout << e["id"].get<std::string>() << "\n    "
              << (e.contains("name") ? e["name"].get<std::string>() + ": "
                                     : e["group"].get<std::string>() + ": ")
              << (e.contains("duty") ? e["duty"] : e["text"]).get<std::string>() << "\n";
  }
  return kExitOk;
}
int Categories(const Context& c, const std::vector<std::string>& a) { return Reference(c, a, "categories"); }
int RolesCmd(const Context& c, const std::vector<std::string>& a) { return Reference(c, a, "roles"); }
int MethodologiesCmd(const Context& c, const std::vector<std::string>& a) {
  return Reference(c, a, "methodologies");
}

}  // namespace

void AddScrRecordSubcommands(std::vector<ScrSubcommand>& out) {
  out.insert(out.end(), {{"question", Question},
                         {"role", Role},
                         {"escalate", Escalate},
                         {"signoff", Signoff},
                         {"signoffs", Signoffs},
                         {"chronology", ChronologyCmd},
                         {"deadlines", Deadlines},
                         {"markers", Markers},
                         {"recommendations", Lint},
                         {"categories", Categories},
                         {"roles", RolesCmd},
                         {"methodologies", MethodologiesCmd}});
}

}  // namespace caseboard::cli
