// The subject access bundle (core's subject_access.h) as one HTML page for
// the board's data protection officer: every record that concerns the
// person, whole, with the subject's mentions highlighted and third-party
// information marked for redaction review. It is a working copy for that
// review, not what is sent: it says so at the top.
#pragma once

#include <string>

#include "caseboard/domain/subject_access.h"

namespace caseboard::exporting {

std::string RenderSubjectAccessHtml(const domain::SubjectAccessReport& report);

}  // namespace caseboard::exporting
