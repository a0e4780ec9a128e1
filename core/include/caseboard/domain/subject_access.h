// Subject access (UK GDPR Article 15): every record of a review that
// concerns one person, for the board's answer to that person's request.
//
// A record concerns the person when it refers to their person record (a
// conversation with them) or names them in its text: their name, a part of
// it, or their pseudonym. Each such record is disclosed whole, with the
// places where it names the subject marked, and the places where it names
// someone else marked as third-party information: those are for a person to
// review for redaction before anything is sent (Article 15(4)). Names of
// people who have no person record (a practitioner written into free text)
// cannot be recognised, which is why the bundle says a person must read it.
#pragma once

#include <string>
#include <vector>

#include "caseboard/review/replica.h"
#include "caseboard/status.h"

namespace caseboard::domain {

struct SubjectMark {
  size_t offset = 0, length = 0;  // bytes in the field's text
  bool subject = false;           // the subject named; else a third party
  std::string person;             // the person record named
};

struct SubjectField {
  std::string field;
  std::string text;  // the value as a person reads it
  std::vector<SubjectMark> marks;
};

struct SubjectRecord {
  std::string id, type, compartment, created;  // created: the date it was written
  bool refers = false;                         // refers to the person record (not only names them)
  std::vector<SubjectField> fields;            // every filled field, in the schema's order
  std::vector<std::string> files;              // names of attached files (each to be reviewed on its own)
  size_t third_party_marks = 0;
};

struct SubjectAccessReport {
  std::string review_title;
  std::string person, name, pseudonym;
  std::vector<SubjectRecord> records;  // the person's own record first, then in the order written
  size_t third_party_marks = 0;
  std::vector<std::string> unreadable;  // compartments this device cannot read: not searched
};

// Refused on a device that cannot read the family compartment (the people),
// and for an id that is not a person record.
Result<SubjectAccessReport> FindSubjectRecords(const review::Replica& replica, const std::string& person);

}  // namespace caseboard::domain
