// What the writers share: escaping for XML text and attributes, and the
// words on a draft.
#pragma once

#include <string>
#include <string_view>

namespace caseboard::exporting {

// Escapes &, <, >, " and ' ; drops control characters XML 1.0 forbids.
std::string EscapeXml(std::string_view text);

// The words every format puts on a draft: why it is not for publication.
std::string DraftNotice(size_t findings);

}  // namespace caseboard::exporting
