// Long texts (a note's body, a report section): insert, delete and read by
// Unicode code point position. Each command is one signed change.
#include <iostream>
#include <iterator>

#include "commands.h"

namespace caseboard::cli {
namespace {

Result<size_t> ParseCount(const std::string& what, const std::string& s) {
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos)
    return Status::InvalidArgument(what + " must be a whole number of characters, not '" + s + "'");
  return static_cast<size_t>(std::stoull(s));
}

int Text(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {}, {});
  if (!args.ok()) return UsageError("text", args.status().message());
  const auto& pos = args->positional();
  if (pos.empty()) return UsageError("text", "needs a subcommand: insert, delete or get");
  const std::string& sub = pos[0];
  const size_t want = sub == "get" ? 4 : sub == "insert" || sub == "delete" ? 6 : 0;
  if (want == 0) return UsageError("text", "unknown subcommand '" + sub + "'");
  if (pos.size() != want)
    return UsageError("text", sub + " takes " + std::to_string(want - 1) + " arguments");
  const std::string &review_id = pos[1], &entity = pos[2], &field = pos[3];

  size_t at = 0;
  if (sub != "get") {
    auto p = ParseCount("the position", pos[4]);
    if (!p.ok()) return UsageError("text", p.status().message());
    at = *p;
  }
  std::string inserted;
  size_t length = 0;
  if (sub == "insert") {
    inserted = pos[5];
    if (inserted == "-") inserted.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else if (sub == "delete") {
    auto n = ParseCount("the length", pos[5]);
    if (!n.ok()) return UsageError("text", n.status().message());
    length = *n;
  }

  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, review_id);
  if (!r.ok()) return Fail(r.status());
  review::Replica& rep = **r;
  const crdt::Entity* e = rep.document().Find(entity);
  if (!e) return Fail(Status::NotFound("no entity " + entity + " in review " + review_id));
  const crdt::FieldDef* def = rep.schema().Field(e->type(), field);
  if (!def || def->type != crdt::FieldType::kText)
    return Fail(Status::InvalidArgument("'" + field + "' is not a text field of a " + e->type()));

  if (sub == "get") {
    const crdt::TextSequence* t = e->Text(field);
    std::cout << (t ? t->Text() : std::string()) << "\n";
    return kExitOk;
  }
  Status s = sub == "insert" ? rep.InsertText(entity, field, at, inserted)
                             : rep.DeleteText(entity, field, at, length);
  if (s.ok()) s = rep.FlushText();
  return s.ok() ? kExitOk : Fail(s);
}

}  // namespace

void AddTextCommands(std::vector<Command>& out) {
  out.push_back({"text", "edit a long text (a note's body) that merges character by character",
                 R"(usage: caseboard-cli text insert REVIEW ENTITY FIELD POS TEXT
       caseboard-cli text delete REVIEW ENTITY FIELD POS LEN
       caseboard-cli text get REVIEW ENTITY FIELD

Positions and lengths count Unicode characters (code points) from 0. TEXT is
UTF-8; give - to read it from standard input. Edits made on other devices at
the same time merge with these character by character: nothing typed is lost
and two passages typed at the same place stay whole, one after the other.
'get' prints the text followed by a newline.
)",
                 Text});
}

}  // namespace caseboard::cli
