// The publication check: a review's report is published anonymised but not
// redacted (guidance section 7), so before it goes out every text destined
// for publication is scanned for what could identify the child or family:
// the real names of the review's people and their variants (possessive,
// capitalised, first or last name alone), full dates (a date of birth or of
// an incident), postcodes and street addresses, named schools, exact ages,
// and the rare details reviewers flagged as identifying. Each hit comes with
// its context and, for a name, the pseudonym that replaces it.
//
// The scanner errs on the side of flagging: a person reads every hit and
// decides. It never flags a pseudonym ("Child K", "Mother").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "caseboard/crdt/document.h"
#include "caseboard/status.h"

namespace caseboard::review {
class Replica;
}

namespace caseboard::domain {

// What to look for, from the review's person and identifying_detail records.
struct Identifiers {
  struct Name {
    std::string text;       // "Kayleigh Morton", or one part of it: "Kayleigh", "Morton"
    std::string pseudonym;  // what replaces it ("Child K"); "" when the person has none yet
    std::string person;     // the person record's id
  };
  std::vector<Name> names;           // longest first, so a full name wins over its parts
  std::vector<std::string> details;  // flagged phrases, matched regardless of case
  std::vector<std::string> pseudonyms;

  static Identifiers FromDocument(const crdt::Document& doc);
};

struct PublicationHit {
  std::string kind;           // "name", "date", "postcode", "address", "school", "age", "flagged"
  std::string entity, field;  // where (empty for ScanText)
  size_t offset = 0;          // byte offset of `found` in the text
  size_t position = 0;        // the same in code points (the text CRDT's unit)
  std::string found;
  std::string context;      // the text around it, on one line
  std::string replacement;  // for a name with a pseudonym: the pseudonym (possessive kept)
  std::string person;       // for a name: the person record's id
  nlohmann::json ToJson() const;
};

// Scans one text. Hits are in text order and never overlap.
std::vector<PublicationHit> ScanText(std::string_view text, const Identifiers& ids);

// The texts the report, its summaries and the board's response are made of:
// report sections, findings, recommendations, the board's response and media
// statements, each field that holds prose.
struct PublicationText {
  std::string entity, type, field;
  std::string text;
};
std::vector<PublicationText> PublicationTexts(const crdt::Document& doc);

// Why the check cannot be trusted on this device, or "" when it can. The
// names it looks for are the people's, in the family compartment: on a
// device without that key every report would pass as clean.
std::string PublicationCheckBlind(const review::Replica& replica);

// Every hit in every text destined for publication.
std::vector<PublicationHit> ScanReview(const crdt::Document& doc);

// The check's result as a sign-off records it (guidance section 7: the
// report is signed off for publication). Signed with the sign-off, so the
// board can later show what the check said when the report was agreed, and
// whether the texts have changed since.
struct PublicationCheckResult {
  std::string summary;     // "nothing found in 6 texts", "2 findings in 6 texts", or why it did not run
  std::string texts_hash;  // SHA-256 (hex) of the texts checked, in order; "" when it did not run
};
PublicationCheckResult RunPublicationCheck(const review::Replica& replica);
// The SHA-256 (hex) of the texts destined for publication as they are now.
std::string PublicationTextsHash(const crdt::Document& doc);

// Record types whose sign-off is a sign-off for publication, and so records
// the check: report sections, the board's sign-off and response, media
// statements and the publication plan.
bool IsPublicationRecord(const std::string& type);

// Replaces one hit's text by its replacement (or by `replacement` if given)
// as an edit of the text CRDT, so it merges like typing. Refused with
// kInvalidArgument if the text there is no longer what was found (someone
// edited it since the scan); scan again then.
Status ReplaceHit(review::Replica& replica, const PublicationHit& hit, const std::string& replacement = "");

}  // namespace caseboard::domain
