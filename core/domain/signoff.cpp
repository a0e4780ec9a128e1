#include "caseboard/domain/signoff.h"

#include "caseboard/domain/publication_check.h"

#include "caseboard/domain/records.h"

namespace caseboard::domain {

using nlohmann::json;

Result<std::string> ContentHash(const review::Replica& replica, const std::string& record_id) {
  const crdt::Document& doc = replica.document();
  auto rec = FindRecord(doc, record_id);
  if (!rec) return Status::NotFound("no record " + record_id + " in this review (or no key to read it)");
  json content = {{"type", rec->type}, {"fields", rec->fields}};
  // A file's bytes are named by their SHA-256 inside the attachment record.
  json files = json::object();
  for (const auto& [field, value] : rec->fields.items()) {
    const crdt::FieldDef* def = replica.schema().Field(rec->type, field);
    if (!def || def->type != crdt::FieldType::kRefSet || def->ref_type != "attachment") continue;
    for (const auto& id : value) {
      auto file = FindRecord(doc, id.get<std::string>());
      files[id.get<std::string>()] = file ? file->Str("content") : "missing";
    }
  }
  content["files"] = files;
  return review::Replica::DigestHex(content.dump());
}

Bytes SignoffMessage(const std::string& review_id, const std::string& subject,
                     const std::string& content_hash, const std::string& signer,
                     const std::string& signer_role, const std::string& statement,
                     const std::string& signed_on, const std::string& publication_check,
                     const std::string& publication_texts) {
  bool v2 = !publication_check.empty() || !publication_texts.empty();
  Bytes m;
  AppendLengthPrefixed(m, std::string_view(v2 ? "caseboard/signoff/v2" : "caseboard/signoff/v1"));
  for (const std::string* part :
       {&review_id, &subject, &content_hash, &signer, &signer_role, &statement, &signed_on})
    AppendLengthPrefixed(m, std::string_view(*part));
  if (v2)
    for (const std::string* part : {&publication_check, &publication_texts})
      AppendLengthPrefixed(m, std::string_view(*part));
  return m;
}

std::vector<SignoffCheck> CheckSignoffs(const review::Replica& replica, const std::string& subject) {
  std::vector<SignoffCheck> out;
  for (const auto& s : Records(replica.document(), "signoff")) {
    SignoffCheck c;
    c.signoff = s.id;
    c.subject = s.Str("subject");
    c.signer = s.Str("signer");
    c.signer_role = s.Str("signer_role");
    c.signed_on = s.Str("signed_on");
    if (!subject.empty() && c.subject != subject) continue;
    auto fail = [&](std::string why) {
      c.reason = std::move(why);
      out.push_back(c);
    };
    c.publication_check = s.Str("publication_check");
    const std::string texts = s.Str("publication_texts");
    if (!texts.empty()) c.publication_texts_changed = PublicationTextsHash(replica.document()) != texts;
    Bytes message = SignoffMessage(replica.id(), c.subject, s.Str("content_hash"), c.signer, c.signer_role,
                                   s.Str("statement"), c.signed_on, c.publication_check, texts);
    Status signature = replica.VerifyStatement(s.Str("device"), message, s.Str("signature"));
    if (signature.IsNotFound()) {
      fail("signed on a device that was never a member of this review");
      continue;
    }
    if (!signature.ok()) {
      fail("the signature does not match the statement: it was altered or forged");
      continue;
    }
    auto now = ContentHash(replica, c.subject);
    if (!now.ok()) {
      fail("the signed record is gone or cannot be read on this device");
      continue;
    }
    if (*now != s.Str("content_hash")) {
      fail("the record changed after it was signed off; it needs signing off again");
      continue;
    }
    c.valid = true;
    out.push_back(c);
  }
  return out;
}

}  // namespace caseboard::domain
