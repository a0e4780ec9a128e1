// Domain commands as JSON (commands.h): checks the command's shape, then
// calls the one ScrReview mutator it names.
#include "caseboard/domain/commands.h"

#include <algorithm>
#include <functional>
#include <map>

#include "caseboard/domain/retention.h"
#include "caseboard/domain/scr_schema.h"
#include "json_params.h"

namespace caseboard::domain {
namespace {

using nlohmann::json;

struct CommandDef {
  std::vector<std::string> members;  // besides "command"
  std::function<Result<json>(ScrReview&, const json&, const ReadContext&)> run;
};

Result<Date> DateOr(const json& c, const char* key, Date fallback) {
  CB_ASSIGN_OR_RETURN(auto s, params::OptString(c, key));
  if (!s) return fallback;
  return ParseDate(*s);
}

Result<json> WithId(Result<std::string> id) {
  if (!id.ok()) return id.status();
  return json{{"id", *id}};
}

Result<json> Done(const Status& s) {
  if (!s.ok()) return s;
  return json::object();
}

const std::map<std::string, CommandDef>& Table() {
  using params::FieldsOf;
  using params::RequiredString;
  using params::String;
  static const std::map<std::string, CommandDef> kTable = {
      {"set_record",
       {{"type", "fields"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string type, RequiredString(c, "type"));
          CB_ASSIGN_OR_RETURN(Fields fields, FieldsOf(c, "fields"));
          return WithId(r.SetRecord(type, fields));
        }}},
      {"add_record",
       {{"type", "fields", "compartment"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string type, RequiredString(c, "type"));
          CB_ASSIGN_OR_RETURN(Fields fields, FieldsOf(c, "fields"));
          CB_ASSIGN_OR_RETURN(std::string compartment, String(c, "compartment"));
          return WithId(r.AddRecord(type, fields, compartment));
        }}},
      {"update_record",
       {{"id", "fields"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string id, RequiredString(c, "id"));
          CB_ASSIGN_OR_RETURN(Fields fields, FieldsOf(c, "fields"));
          CB_RETURN_IF_ERROR(r.UpdateRecord(id, fields));
          return json{{"id", id}};
        }}},
      {"advance",
       {{},
        [](ScrReview& r, const json&, const ReadContext& ctx) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string stage, r.Advance(ctx.calendar, ctx.today));
          return json{{"stage", stage}};
        }}},
      {"decide",
       {{"outcome", "rationale", "date"},
        [](ScrReview& r, const json& c, const ReadContext& ctx) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string outcome, RequiredString(c, "outcome"));
          CB_ASSIGN_OR_RETURN(std::string rationale, RequiredString(c, "rationale"));
          CB_ASSIGN_OR_RETURN(Date date, DateOr(c, "date", ctx.today));
          return Done(r.Decide(outcome, date, rationale));
        }}},
      {"answer_checklist",
       {{"checklist", "item", "answer", "note", "about", "action"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string checklist, RequiredString(c, "checklist"));
          CB_ASSIGN_OR_RETURN(std::string item, RequiredString(c, "item"));
          CB_ASSIGN_OR_RETURN(std::string answer, RequiredString(c, "answer"));
          CB_ASSIGN_OR_RETURN(std::string note, String(c, "note"));
          CB_ASSIGN_OR_RETURN(std::string about, String(c, "about"));
          CB_ASSIGN_OR_RETURN(std::string action, String(c, "action"));
          return Done(r.AnswerChecklist(checklist, item, answer, note, about, action));
        }}},
      {"edit_key_question",
       {{"id", "question", "reason"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string id, RequiredString(c, "id"));
          CB_ASSIGN_OR_RETURN(std::string question, RequiredString(c, "question"));
          CB_ASSIGN_OR_RETURN(std::string reason, String(c, "reason"));
          return Done(r.EditKeyQuestion(id, question, reason));
        }}},
      {"escalate",
       {{"request", "note"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string request, RequiredString(c, "request"));
          CB_ASSIGN_OR_RETURN(std::string note, String(c, "note"));
          CB_ASSIGN_OR_RETURN(int step, r.Escalate(request, note));
          return json{{"step", step}, {"name", EscalationSteps()[static_cast<size_t>(step - 1)]}};
        }}},
      {"sign_off",
       {{"subject", "signer", "signer_role", "statement", "date"},
        [](ScrReview& r, const json& c, const ReadContext& ctx) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string subject, RequiredString(c, "subject"));
          CB_ASSIGN_OR_RETURN(std::string signer, String(c, "signer"));
          CB_ASSIGN_OR_RETURN(std::string role, String(c, "signer_role", "senior manager"));
          CB_ASSIGN_OR_RETURN(
              std::string statement,
              String(c, "statement",
                     "I am satisfied with the quality of this report and its recommendations."));
          CB_ASSIGN_OR_RETURN(Date date, DateOr(c, "date", ctx.today));
          return WithId(r.SignOff(subject, signer, role, statement, date));
        }}},
      {"assign_role",
       {{"role", "person", "details", "device"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string role, RequiredString(c, "role"));
          CB_ASSIGN_OR_RETURN(std::string person, String(c, "person"));
          CB_ASSIGN_OR_RETURN(Fields details, FieldsOf(c, "details"));
          CB_ASSIGN_OR_RETURN(auto line, params::OptString(c, "device"));
          std::optional<store::DeviceIdentity> device;
          if (line) {
            CB_ASSIGN_OR_RETURN(device, store::DeviceIdentity::Parse(*line));
          }
          return WithId(r.AssignRole(role, person, details, device ? &*device : nullptr));
        }}},
      {"assess_marker",
       {{"number", "rating", "notes"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(int64_t number, params::RequiredInt(c, "number"));
          if (number < 1 || number > 1000)
            return Status::InvalidArgument("'number' is a quality marker's number");
          CB_ASSIGN_OR_RETURN(std::string rating, RequiredString(c, "rating"));
          CB_ASSIGN_OR_RETURN(std::string notes, String(c, "notes"));
          return WithId(r.AssessMarker(static_cast<int>(number), rating, notes));
        }}},
      {"destroy",
       {{"kind"},
        // What the retention schedule says is due, on every device and the board.
        [](ScrReview& r, const json& c, const ReadContext& ctx) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string kind, RequiredString(c, "kind"));
          CB_ASSIGN_OR_RETURN(size_t records, DestroyKind(r.replica(), kind, ctx.today));
          return json{{"records", records}};
        }}},
      {"name_person",
       {{"person", "device"},
        [](ScrReview& r, const json& c, const ReadContext&) -> Result<json> {
          CB_ASSIGN_OR_RETURN(std::string person, RequiredString(c, "person"));
          CB_ASSIGN_OR_RETURN(std::string device, String(c, "device", r.replica().device()));
          return Done(r.replica().NamePerson(device, person));
        }}},
  };
  return kTable;
}

}  // namespace

const std::vector<std::string>& CommandNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& [name, def] : Table()) names.push_back(name);
    return names;
  }();
  return kNames;
}

Result<json> RunCommand(ScrReview& review, const json& command, const ReadContext& context) {
  if (!command.is_object())
    return Status::InvalidArgument("a command is a JSON object such as {\"command\": \"add_record\", ...}");
  if (!command.contains("command") || !command["command"].is_string())
    return Status::InvalidArgument("a command needs \"command\": the name of the command (a string)");
  const std::string name = command["command"].get<std::string>();
  auto it = Table().find(name);
  if (it == Table().end()) {
    std::string known;
    for (const auto& n : CommandNames()) known += (known.empty() ? "" : ", ") + n;
    return Status::InvalidArgument("unknown command '" + name + "' (known: " + known + ")");
  }
  const CommandDef& def = it->second;
  for (const auto& [key, value] : command.items()) {
    if (key == "command") continue;
    if (std::find(def.members.begin(), def.members.end(), key) == def.members.end()) {
      std::string expected;
      for (const auto& m : def.members) expected += (expected.empty() ? "" : ", ") + m;
      return Status::InvalidArgument(name + " has no member '" + key + "'" +
                                     (expected.empty() ? "" : " (it takes: " + expected + ")"));
    }
  }
  auto result = def.run(review, command, context);
  if (!result.ok()) return result.status().WithContext(name);
  return result;
}

}  // namespace caseboard::domain
