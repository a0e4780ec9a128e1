#include "caseboard/domain/publication_check.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "caseboard/domain/records.h"
#include "caseboard/review/replica.h"

namespace caseboard::domain {
namespace {

bool IsWordByte(unsigned char c) { return std::isalnum(c) || c >= 0x80; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// Every place `needle` stands as a whole word (or words) in `text`, any case.
std::vector<size_t> FindWord(std::string_view text, std::string_view needle) {
  std::vector<size_t> at;
  if (needle.empty() || needle.size() > text.size()) return at;
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    if (!EqualsIgnoringCase(text.substr(i, needle.size()), needle)) continue;
    bool starts = i == 0 || !IsWordByte(static_cast<unsigned char>(text[i - 1]));
    size_t end = i + needle.size();
    // A typographic apostrophe (’, three bytes of UTF-8) ends a word too.
    bool ends = end == text.size() || !IsWordByte(static_cast<unsigned char>(text[end])) ||
                text.substr(end, 3) == "\xE2\x80\x99";
    if (starts && ends) at.push_back(i);
  }
  return at;
}

// "'s" or "’s" right after a name: the replacement keeps it.
size_t PossessiveAfter(std::string_view text, size_t end) {
  for (std::string_view mark : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")})
    if (text.substr(end, mark.size()) == mark &&
        (end + mark.size() == text.size() ||
         !IsWordByte(static_cast<unsigned char>(text[end + mark.size()]))))
      return mark.size();
  return 0;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Up to 40 bytes either side, cut at character boundaries, on one line.
std::string ContextOf(std::string_view text, size_t offset, size_t length) {
  size_t from = offset > 40 ? offset - 40 : 0;
  size_t to = std::min(text.size(), offset + length + 40);
  while (from > 0 && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) --from;
  while (to < text.size() && (static_cast<unsigned char>(text[to]) & 0xC0) == 0x80) ++to;
  std::string out = std::string(from > 0 ? "..." : "") + std::string(text.substr(from, to - from)) +
                    (to < text.size() ? "..." : "");
  for (char& c : out)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return out;
}

// The patterns for what identifies without being a name. Dates are full
// dates only: "March 2019" is how an anonymised report dates things.
struct Pattern {
  const char* kind;
  std::regex re;
};
const std::vector<Pattern>& Patterns() {
  static const std::string kMonth =
      "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
      "Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
  static const auto kFlags = std::regex::ECMAScript | std::regex::icase | std::regex::optimize;
  static const std::vector<Pattern> patterns = {
      {"date", std::regex(R"(\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b)", kFlags)},
      {"date", std::regex(R"(\b\d{4}-\d{2}-\d{2}\b)", kFlags)},
      {"date", std::regex(R"(\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)" + kMonth + R"(,?\s+\d{4}\b)", kFlags)},
      {"date", std::regex(R"(\b)" + kMonth + R"(\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b)", kFlags)},
      // UK postcodes: outward code, space optional, inward code.
      {"postcode", std::regex(R"(\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b)", kFlags)},
      // A house number and a street.
      {"address",
       std::regex(R"(\b\d{1,4}[a-zA-Z]?,?\s+(?:[A-Z][a-zA-Z'\-]+\s+){1,3})"
                  R"((?:Road|Street|Avenue|Lane|Close|Drive|Way|Crescent|Court|Gardens|Place|Terrace|)"
                  R"(Grove|Hill|Park|Square|Walk|Row|Mews|Rd|St|Ave)\b)",
                  std::regex::ECMAScript | std::regex::optimize)},
      // A named school: capitalised words before the kind of school.
      {"school",
       std::regex(
           R"(\b(?!The\s)(?:[A-Z][a-zA-Z'\-]+\s+){1,4}(?:Primary|Infant|Junior|Secondary|High|Grammar|)"
           R"(Nursery|Community|Church|C of E|RC)?\s*(?:School|Academy|College|Nursery)\b)",
           std::regex::ECMAScript | std::regex::optimize)},
      // An exact age.
      {"age", std::regex(R"(\b(?:aged|age)\s+\d{1,2}\b)", kFlags)},
      {"age", std::regex(R"(\b\d{1,2}[\s\-](?:years?|months?|weeks?)[\s\-]old\b)", kFlags)},
  };
  return patterns;
}

// Pseudonyms are written in the report on purpose: no hit inside one.
std::vector<std::pair<size_t, size_t>> PseudonymSpans(std::string_view text, const Identifiers& ids) {
  std::vector<std::pair<size_t, size_t>> spans;
  for (const auto& p : ids.pseudonyms)
    for (size_t at : FindWord(text, p)) spans.emplace_back(at, at + p.size());
  return spans;
}

bool Inside(const std::vector<std::pair<size_t, size_t>>& spans, size_t from, size_t to) {
  for (const auto& [a, b] : spans)
    if (from >= a && to <= b) return true;
  return false;
}

}  // namespace

nlohmann::json PublicationHit::ToJson() const {
  nlohmann::json j = {{"kind", kind},   {"offset", offset},   {"position", position},
                      {"found", found}, {"context", context}, {"replacement", replacement}};
  if (!entity.empty()) {
    j["entity"] = entity;
    j["field"] = field;
  }
  if (!person.empty()) j["person"] = person;
  return j;
}

Identifiers Identifiers::FromDocument(const crdt::Document& doc) {
  Identifiers ids;
  std::set<std::string> seen;
  for (const auto& r : Records(doc, "person")) {
    std::string name = r.Str("name"), pseudonym = r.Str("pseudonym");
    if (!pseudonym.empty()) ids.pseudonyms.push_back(pseudonym);
    if (name.empty()) continue;
    ids.names.push_back({name, pseudonym, r.id});
    // Each part of the name on its own: "Kayleigh", "Morton". One letter
    // (an initial) would flag every "A" in the report, so it is left out.
    size_t start = 0;
    while (start < name.size()) {
      size_t end = name.find_first_of(" -", start);
      if (end == std::string::npos) end = name.size();
      std::string part = name.substr(start, end - start);
      if (part.size() >= 2 && part != name) ids.names.push_back({part, pseudonym, r.id});
      start = end + 1;
    }
  }
  for (const auto& r : Records(doc, "identifying_detail"))
    if (!r.Str("detail").empty()) ids.details.push_back(r.Str("detail"));
  std::stable_sort(ids.names.begin(), ids.names.end(),
                   [](const Name& a, const Name& b) { return a.text.size() > b.text.size(); });
  return ids;
}

std::vector<PublicationHit> ScanText(std::string_view text, const Identifiers& ids) {
  std::vector<PublicationHit> hits;
  auto pseudonym_spans = PseudonymSpans(text, ids);
  auto add = [&](const char* kind, size_t at, size_t length) -> PublicationHit* {
    if (Inside(pseudonym_spans, at, at + length)) return nullptr;
    PublicationHit h;
    h.kind = kind;
    h.offset = at;
    h.found = std::string(text.substr(at, length));
    hits.push_back(std::move(h));
    return &hits.back();
  };
  for (const auto& name : ids.names)
    for (size_t at : FindWord(text, name.text)) {
      size_t possessive = PossessiveAfter(text, at + name.text.size());
      PublicationHit* h = add("name", at, name.text.size() + possessive);
      if (!h) continue;
      h->person = name.person;
      if (!name.pseudonym.empty())
        h->replacement = name.pseudonym + std::string(text.substr(at + name.text.size(), possessive));
    }
  for (const auto& detail : ids.details)
    for (size_t at : FindWord(text, detail)) add("flagged", at, detail.size());
  const std::string owned(text);  // std::regex iterates over a string it can hold
  for (const auto& p : Patterns())
    for (auto it = std::sregex_iterator(owned.begin(), owned.end(), p.re); it != std::sregex_iterator(); ++it)
      add(p.kind, static_cast<size_t>(it->position(0)), static_cast<size_t>(it->length(0)));

  // In text order; where hits overlap, the longer (earlier on a tie) stays:
  // a full name over its parts, an address over the number in it.
  std::stable_sort(hits.begin(), hits.end(), [](const PublicationHit& a, const PublicationHit& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.found.size() > b.found.size();
  });
  std::vector<PublicationHit> kept;
  for (auto& h : hits) {
    if (!kept.empty() && h.offset < kept.back().offset + kept.back().found.size()) {
      if (h.offset + h.found.size() > kept.back().offset + kept.back().found.size() &&
          h.found.size() > kept.back().found.size())
        kept.back() = std::move(h);
      continue;
    }
    kept.push_back(std::move(h));
  }
  for (auto& h : kept) {
    h.position = CodePoints(text.substr(0, h.offset));
    h.context = ContextOf(text, h.offset, h.found.size());
  }
  return kept;
}

std::vector<PublicationText> PublicationTexts(const crdt::Document& doc) {
  // The final report's sections and its summaries, the findings and
  // recommendations it states, and what the board publishes beside it.
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kProse = {
      {"report_section", {"title", "text"}},
      {"finding", {"title", "text"}},
      {"recommendation", {"text"}},
      {"board_response", {"text"}},
      {"media_statement", {"text"}}};
  std::vector<PublicationText> out;
  for (const auto& [type, fields] : kProse)
    for (const auto& r : Records(doc, type))
      for (const auto& field : fields)
        if (std::string text = r.Str(field); !text.empty())
          out.push_back({r.id, type, field, std::move(text)});
  return out;
}

std::string PublicationCheckBlind(const review::Replica& replica) {
  if (replica.has_key("family")) return "";
  return "this device cannot read the review's family compartment, where the people and their names are, so "
         "the publication check cannot look for them; use the device of a member with family access";
}

std::vector<PublicationHit> ScanReview(const crdt::Document& doc) {
  Identifiers ids = Identifiers::FromDocument(doc);
  std::vector<PublicationHit> all;
  for (const auto& t : PublicationTexts(doc))
    for (auto& h : ScanText(t.text, ids)) {
      h.entity = t.entity;
      h.field = t.field;
      all.push_back(std::move(h));
    }
  return all;
}

std::string PublicationTextsHash(const crdt::Document& doc) {
  std::string canonical;
  for (const auto& t : PublicationTexts(doc))
    for (const std::string* part : {&t.entity, &t.field, &t.text})
      canonical += std::to_string(part->size()) + ":" + *part + ";";
  return review::Replica::DigestHex(canonical);
}

PublicationCheckResult RunPublicationCheck(const review::Replica& replica) {
  if (!PublicationCheckBlind(replica).empty())
    return {"not run: this device cannot read the people the check looks for", ""};
  const crdt::Document& doc = replica.document();
  size_t texts = PublicationTexts(doc).size(), findings = ScanReview(doc).size();
  std::string in = " in " + std::to_string(texts) + (texts == 1 ? " text" : " texts");
  std::string summary = findings == 0
                            ? "nothing found" + in
                            : std::to_string(findings) + (findings == 1 ? " finding" : " findings") + in;
  return {summary, PublicationTextsHash(doc)};
}

bool IsPublicationRecord(const std::string& type) {
  return type == "report_section" || type == "board_signoff" || type == "board_response" ||
         type == "media_statement" || type == "publication_plan";
}

Status ReplaceHit(review::Replica& replica, const PublicationHit& hit, const std::string& replacement) {
  const std::string& with = replacement.empty() ? hit.replacement : replacement;
  if (with.empty())
    return Status::InvalidArgument("no replacement for '" + hit.found +
                                   "': give the person a pseudonym first");
  auto rec = FindRecord(replica.document(), hit.entity);
  if (!rec) return Status::NotFound("no record " + hit.entity + " in this review (or no key to read it)");
  std::string text = rec->Str(hit.field);
  if (text.compare(hit.offset, hit.found.size(), hit.found) != 0 ||
      CodePoints(std::string_view(text).substr(0, std::min(hit.offset, text.size()))) != hit.position)
    return Status::InvalidArgument("the text changed since the check found '" + hit.found + "'; check again");
  const crdt::EntityType* type = replica.schema().Find(rec->type);
  auto def = type ? type->fields.find(hit.field) : decltype(type->fields)::const_iterator();
  if (type && def != type->fields.end() && def->second.type == crdt::FieldType::kText) {
    // As typing: the rest of the text, and others' concurrent edits, stay.
    CB_RETURN_IF_ERROR(replica.DeleteText(hit.entity, hit.field, hit.position, CodePoints(hit.found)));
    CB_RETURN_IF_ERROR(replica.InsertText(hit.entity, hit.field, hit.position, with));
    return replica.FlushText();
  }
  text.replace(hit.offset, hit.found.size(), with);
  return replica.SetFields(hit.entity, {{hit.field, text}});
}

}  // namespace caseboard::domain
