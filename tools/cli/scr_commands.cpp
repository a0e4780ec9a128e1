// `caseboard-cli scr`: the serious case review workflow. Each subcommand is
// one domain command (core/domain/scr_review.h) or one read model.
#include <iostream>

#include "caseboard/domain/chair_checklist.h"
#include "caseboard/domain/checklists.h"
#include "caseboard/domain/decision.h"
#include "caseboard/domain/read_models.h"
#include "caseboard/domain/records.h"
#include "caseboard/domain/scr_schema.h"
#include "commands.h"
#include "scr_cli.h"

namespace caseboard::cli {

using nlohmann::json;

Result<OpenScr> OpenScrReview(const Context& ctx, const std::string& review_id) {
  OpenScr o;
  CB_ASSIGN_OR_RETURN(o.vault, ctx.OpenUnlocked());
  CB_ASSIGN_OR_RETURN(o.replica, ctx.OpenReview(*o.vault, review_id));
  o.scr = std::make_unique<domain::ScrReview>(*o.replica);
  return o;
}

Result<DatedScr> OpenDatedScr(const Context& ctx, const Args& args) {
  if (args.positional().size() != 1) return Status::InvalidArgument("takes the review id");
  DatedScr d;
  CB_ASSIGN_OR_RETURN(d.today, Today(args.Get("--today")));
  CB_ASSIGN_OR_RETURN(d.calendar, ctx.Calendar());
  CB_ASSIGN_OR_RETURN(d.open, OpenScrReview(ctx, args.positional()[0]));
  return d;
}

int ScrUsage(const std::string& sub, const std::string& message) { return UsageError("scr " + sub, message); }

Result<json> ReadScrModel(OpenScr& o, const std::string& name, const json& params) {
  return domain::ReadModel(*o.scr, name, params, domain::ReadContext{});
}

Result<json> ReadDatedModel(DatedScr& d, const std::string& name, const json& params) {
  return domain::ReadModel(*d.open.scr, name, params, domain::ReadContext{d.calendar, d.today});
}

namespace {

void PrintStatus(const domain::WorkflowStatus& st) {
  std::cout << st.framework_name << "\n";
  if (st.stage_number > 0)
    std::cout << "stage " << st.stage_number << " of " << st.stage_count << ": " << st.stage_name << "\n";
  else
    std::cout << "stage: " << st.stage_name << "\n";
  if (!st.gate.empty()) {
    std::cout << (st.can_advance() ? "ready to move on to: " : "to move on to ") << st.next_stage_name
              << (st.can_advance() ? "\n" : ", still missing:\n");
    for (const auto& g : st.gate)
      std::cout << "  [" << (g.met ? "x" : " ") << "] " << g.label
                << (g.detail.empty() ? "" : " (" + g.detail + ")") << "\n";
  }
  bool any = false;
  for (const auto& d : st.deadlines) {
    if (d.state == domain::DeadlineState::kNotStarted) continue;
    if (!any) std::cout << "deadlines:\n";
    any = true;
    std::cout << "  " << d.due << "  " << domain::DeadlineStateName(d.state) << "  " << d.name;
    if (d.state == domain::DeadlineState::kDue || d.state == domain::DeadlineState::kAtRisk)
      std::cout << " (" << d.working_days_left
                << (d.working_days_left == 1 ? " working day" : " working days") << " left)";
    if (!d.done.empty()) std::cout << " (done " << d.done << ")";
    std::cout << "\n";
  }
  for (const auto& w : st.warnings) std::cout << "warning: " << w << "\n";
}

int Start(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--title", "--framework", "--board", "--opened", "--name"}, {});
  if (!args.ok()) return ScrUsage("start", args.status().message());
  auto title = args->Get("--title");
  if (!title || title->empty()) return ScrUsage("start", "needs --title TITLE");
  auto opened = Today(args->Get("--opened"));
  if (!opened.ok()) return Fail(opened.status());
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = domain::ScrReview::Start(**vault, *title, args->Get("--framework").value_or("scr-wt2015"),
                                    args->Get("--board").value_or(""), *opened, ctx.ReplicaOptions());
  if (!r.ok()) return Fail(r.status());
  if (auto name = args->Get("--name")) {
    Status s = (*r)->NamePerson((*r)->device(), *name);
    if (!s.ok()) return Fail(s);
  }
  std::cout << (*r)->id() << "\n";
  return kExitOk;
}

int Frameworks(const Context&, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return ScrUsage("frameworks", args.status().message());
  if (args->Has("--json")) {
    auto out = domain::ReferenceData("frameworks");
    if (!out.ok()) return Fail(out.status());
    std::cout << out->dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& f : domain::BuiltinFrameworks()) {
    std::cout << f.id << "  " << f.name << "\n  " << f.description << "\n";
    for (size_t i = 0; i < f.stages.size(); ++i)
      std::cout << "  " << i + 1 << ". " << f.stages[i].name << "  (" << f.stages[i].id << ")\n";
  }
  return kExitOk;
}

int StatusCmd(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--today"}, {"--json"});
  if (!args.ok()) return ScrUsage("status", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("status", "takes the review id");
  auto d = OpenDatedScr(ctx, *args);
  if (!d.ok()) return Fail(d.status());
  const OpenScr* o = &d->open;
  if (args->Has("--json")) {
    auto j = ReadDatedModel(*d, "status", json::object());
    if (!j.ok()) return Fail(j.status());
    std::cout << j->dump(2) << "\n";
    return kExitOk;
  }
  auto st = o->scr->Status(d->calendar, d->today);
  if (!st.ok()) return Fail(st.status());
  std::cout << o->replica->title() << "  (" << o->replica->id() << ")\n";
  PrintStatus(*st);
  return kExitOk;
}

int Advance(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--today"}, {});
  if (!args.ok()) return ScrUsage("advance", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("advance", "takes the review id");
  auto d = OpenDatedScr(ctx, *args);
  if (!d.ok()) return Fail(d.status());
  auto stage = d->open.scr->Advance(d->calendar, d->today);
  if (!stage.ok()) return Fail(stage.status());
  std::cout << *stage << "\n";
  return kExitOk;
}

// scr set|add|update share their argument shape: REVIEW TARGET field=value...
int Write(const Context& ctx, const std::vector<std::string>& argv, const std::string& sub) {
  auto args = Args::Parse(argv, {"--compartment"}, {});
  if (!args.ok()) return ScrUsage(sub, args.status().message());
  const auto& pos = args->positional();
  if (pos.size() < 2 || (sub != "add" && pos.size() < 3))
    return ScrUsage(
        sub, sub == "update" ? "takes REVIEW RECORD field=value..." : "takes REVIEW TYPE field=value...");
  auto o = OpenScrReview(ctx, pos[0]);
  if (!o.ok()) return Fail(o.status());
  std::string type = pos[1];
  if (sub == "update") {
    auto rec = domain::FindRecord(o->replica->document(), pos[1]);
    if (!rec) return Fail(Status::NotFound("no record " + pos[1] + " in this review (or no key to read it)"));
    type = rec->type;
  }
  auto fields = ParseAssignments(o->replica->schema(), type, {pos.begin() + 2, pos.end()});
  if (!fields.ok()) return Fail(fields.status());
  if (sub == "update") {
    Status s = o->scr->UpdateRecord(pos[1], *fields);
    return s.ok() ? kExitOk : Fail(s);
  }
  auto id = sub == "set" ? o->scr->SetRecord(type, *fields)
                         : o->scr->AddRecord(type, *fields, args->Get("--compartment").value_or(""));
  if (!id.ok()) return Fail(id.status());
  std::cout << *id << "\n";
  return kExitOk;
}
int Set(const Context& ctx, const std::vector<std::string>& a) { return Write(ctx, a, "set"); }
int Add(const Context& ctx, const std::vector<std::string>& a) { return Write(ctx, a, "add"); }
int Update(const Context& ctx, const std::vector<std::string>& a) { return Write(ctx, a, "update"); }

int List(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return ScrUsage("list", args.status().message());
  if (args->positional().size() != 2) return ScrUsage("list", "takes REVIEW TYPE");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  auto out = ReadScrModel(*o, "records", {{"type", args->positional()[1]}});
  if (!out.ok()) return Fail(out.status());
  if (args->Has("--json")) {
    std::cout << out->dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& r : *out) {
    std::cout << r["id"].get<std::string>() << "  [" << r["compartment"].get<std::string>() << "]\n";
    for (const auto& [k, v] : r["fields"].items()) std::cout << "    " << k << " = " << ValueText(v) << "\n";
  }
  return kExitOk;
}

int Decide(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--rationale", "--date"}, {});
  if (!args.ok()) return ScrUsage("decide", args.status().message());
  if (args->positional().size() != 2) return ScrUsage("decide", "takes REVIEW proceed|not_proceed|defer");
  auto rationale = args->Get("--rationale");
  if (!rationale || rationale->empty())
    return ScrUsage("decide", "needs --rationale TEXT (quality marker 2)");
  auto date = Today(args->Get("--date"));
  if (!date.ok()) return Fail(date.status());
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  Status s = o->scr->Decide(args->positional()[1], *date, *rationale);
  if (!s.ok()) return Fail(s);
  if (args->positional()[1] == "not_proceed")
    std::cout << "Letters drafted to the referrer, their safeguarding lead, the sub-committee (copy) and the "
                 "national "
                 "panel: see 'scr list REVIEW letter'; record each as sent with 'scr update REVIEW ID "
                 "sent_on=DATE'.\n";
  return kExitOk;
}

int Chair(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return ScrUsage("chair", args.status().message());
  if (args->positional().size() != 1) return ScrUsage("chair", "takes the review id");
  auto o = OpenScrReview(ctx, args->positional()[0]);
  if (!o.ok()) return Fail(o.status());
  auto model = ReadScrModel(*o, "chair", json::object());
  if (!model.ok()) return Fail(model.status());
  const json& out = *model;
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Chair's checklist (Appendix 1): " << out["verdict"].get<std::string>() << "\n";
  for (const auto& r : out["reasons"]) std::cout << "  " << r.get<std::string>() << "\n";
  if (!out["unanswered"].empty()) {
    std::cout << "  still to answer:";
    for (const auto& q : out["unanswered"]) std::cout << " " << q.get<std::string>();
    std::cout << "\n";
  }
  if (!out["methodology"].get<std::string>().empty())
    std::cout << "Suggested methodology: " << out["methodology"].get<std::string>() << "\n";
  if (out.contains("panel")) {
    if (out["panel"].contains("error"))
      std::cout << "Panel: " << out["panel"]["error"].get<std::string>() << "\n";
    else
      std::cout << "Panel (Appendix 2): " << out["panel"]["summary"].get<std::string>() << "\n";
  }
  return kExitOk;
}

int Answer(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--note", "--about", "--action"}, {});
  if (!args.ok()) return ScrUsage("answer", args.status().message());
  const auto& pos = args->positional();
  if (pos.size() != 4) return ScrUsage("answer", "takes REVIEW CHECKLIST ITEM ANSWER");
  auto o = OpenScrReview(ctx, pos[0]);
  if (!o.ok()) return Fail(o.status());
  Status s = o->scr->AnswerChecklist(pos[1], pos[2], pos[3], args->Get("--note").value_or(""),
                                     args->Get("--about").value_or(""), args->Get("--action").value_or(""));
  return s.ok() ? kExitOk : Fail(s);
}

int ChecklistCmd(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {"--json"});
  if (!args.ok()) return ScrUsage("checklist", args.status().message());
  const auto& pos = args->positional();
  if (pos.empty() || pos.size() > 2) return ScrUsage("checklist", "takes REVIEW [CHECKLIST]");
  auto o = OpenScrReview(ctx, pos[0]);
  if (!o.ok()) return Fail(o.status());
  json params = json::object();
  if (pos.size() == 2) params["checklist"] = pos[1];
  auto model = ReadScrModel(*o, "checklists", params);
  if (!model.ok()) return Fail(model.status());
  const json& out = *model;
  if (args->Has("--json")) {
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& c : out) {
    std::cout << c["name"].get<std::string>() << " (" << c["id"].get<std::string>() << "; "
              << c["source"].get<std::string>() << ")\n";
    for (const auto& i : c["items"]) {
      std::string answer = i["answer"].is_string() ? i["answer"].get<std::string>() : "-";
      std::cout << "  " << i["id"].get<std::string>() << "  [" << answer << "]  "
                << i["text"].get<std::string>() << "\n";
      if (i["note"].is_string() && !i["note"].get<std::string>().empty())
        std::cout << "      " << i["note"].get<std::string>() << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddScrWorkflowSubcommands(std::vector<ScrSubcommand>& out) {
  out.insert(out.end(), {{"start", Start},
                         {"frameworks", Frameworks},
                         {"status", StatusCmd},
                         {"advance", Advance},
                         {"set", Set},
                         {"add", Add},
                         {"update", Update},
                         {"list", List},
                         {"decide", Decide},
                         {"chair", Chair},
                         {"answer", Answer},
                         {"checklist", ChecklistCmd}});
}

}  // namespace caseboard::cli
