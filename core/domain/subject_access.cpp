#include "caseboard/domain/subject_access.h"

#include <algorithm>

#include "caseboard/domain/publication_check.h"
#include "caseboard/domain/records.h"

namespace caseboard::domain {
namespace {

std::string Display(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ", ") + Display(e);
    return out;
  }
  return v.dump();
}

// Every name and pseudonym in `text`, in text order and never overlapping
// (ScanText returns its hits so).
std::vector<SubjectMark> Marks(const std::string& text, const Identifiers& names) {
  std::vector<SubjectMark> marks;
  for (const auto& h : ScanText(text, names))
    if (h.kind == "name") marks.push_back({h.offset, h.found.size(), false, h.person});
  return marks;
}

}  // namespace

Result<SubjectAccessReport> FindSubjectRecords(const review::Replica& replica, const std::string& person) {
  if (!replica.has_key("family"))
    return Status::InvalidArgument(
        "this device cannot read the review's family compartment, where the people are, so it cannot find "
        "what concerns one of them; use the device of a member with family access");
  const crdt::Document& doc = replica.document();
  auto subject = FindRecord(doc, person);
  if (!subject || subject->type != "person")
    return Status::NotFound("no person " + person + " in this review (see 'scr list REVIEW person')");

  SubjectAccessReport report;
  report.review_title = replica.title();
  report.person = person;
  report.name = subject->Str("name");
  report.pseudonym = subject->Str("pseudonym");
  for (const char* c : {"general", "family", "restricted"})
    if (!replica.has_key(c)) report.unreadable.push_back(c);

  // Names and pseudonyms alike: a pseudonym names the person as surely.
  Identifiers names = Identifiers::FromDocument(doc);
  for (const auto& p : Records(doc, "person"))
    if (p.Filled("pseudonym")) names.names.push_back({p.Str("pseudonym"), "", p.id});
  names.pseudonyms.clear();
  names.details.clear();
  std::stable_sort(
      names.names.begin(), names.names.end(),
      [](const Identifiers::Name& a, const Identifiers::Name& b) { return a.text.size() > b.text.size(); });

  const crdt::Schema& schema = replica.schema();
  std::vector<std::pair<crdt::Stamp, SubjectRecord>> found;
  for (const auto& [type_name, type] : schema.types()) {
    for (const auto& r : Records(doc, type_name)) {
      SubjectRecord rec{r.id, r.type, r.compartment, "", r.id == person, {}, {}, 0};
      bool names_subject = false;
      for (const auto& [field, def] : type.fields) {
        const nlohmann::json* v = r.Get(field);
        if (!v || !IsFilled(*v)) continue;
        if ((def.type == crdt::FieldType::kReference || def.type == crdt::FieldType::kRefSet) &&
            def.ref_type == "attachment") {
          for (const auto& id : v->is_array() ? *v : nlohmann::json::array({*v}))
            if (auto file = FindRecord(doc, id.get<std::string>())) rec.files.push_back(file->Str("name"));
          continue;
        }
        if (def.type == crdt::FieldType::kReference && v->is_string() && v->get<std::string>() == person)
          rec.refers = true;
        if (def.type == crdt::FieldType::kRefSet && v->is_array())
          for (const auto& id : *v)
            if (id == person) rec.refers = true;
        SubjectField f{field, Display(*v), {}};
        if (def.type == crdt::FieldType::kString || def.type == crdt::FieldType::kText)
          f.marks = Marks(f.text, names);
        for (auto& m : f.marks) {
          m.subject = m.person == person;
          names_subject |= m.subject;
          rec.third_party_marks += m.subject ? 0 : 1;
        }
        rec.fields.push_back(std::move(f));
      }
      if (!rec.refers && !names_subject) continue;
      rec.created = r.created.hlc.ToString().substr(0, 10);
      found.emplace_back(r.created, std::move(rec));
    }
  }
  // The person's own record first, then as they were written.
  std::sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
    bool a_own = a.second.id == person, b_own = b.second.id == person;
    return a_own != b_own ? a_own : a.first < b.first;
  });
  for (auto& [stamp, r] : found) {
    report.third_party_marks += r.third_party_marks;
    report.records.push_back(std::move(r));
  }
  return report;
}

}  // namespace caseboard::domain
