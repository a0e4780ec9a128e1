// Decoding CBOR that arrives from other devices, safely.
//
// nlohmann's reader recurses once per nesting level and can throw on absurd
// container lengths even when asked not to; both are reachable by anyone who
// can hand us bytes. DecodeCbor first walks the input with a SAX handler that
// refuses nesting deeper than a small bound, then decodes inside a catch, so
// hostile input is an error value, never a crash.
#pragma once

#include <nlohmann/json.hpp>

#include "caseboard/bytes.h"
#include "caseboard/status.h"

namespace caseboard::crdt {

inline constexpr int kMaxCborDepth = 32;

Result<nlohmann::json> DecodeCbor(ByteView bytes, int max_depth = kMaxCborDepth);

}  // namespace caseboard::crdt
