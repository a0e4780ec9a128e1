// Byte buffers and their text forms.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace caseboard {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }
inline std::string_view AsString(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

std::string ToHex(ByteView bytes);
// Lower- or upper-case hex; nullopt for odd length or a non-hex character.
std::optional<Bytes> FromHex(std::string_view hex);

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);
// Appends the code points of UTF-8 `s` to *out; false (with *out partly
// filled) if `s` is not valid UTF-8.
bool DecodeUtf8(std::string_view s, std::u32string* out);
void AppendUtf8(std::string& out, char32_t cp);
// An id as Caseboard makes them: 1 to 64 ASCII letters, digits or '-'.
bool IsId(std::string_view s);
// A plain lowercase name ("working_notes"): a-z, 0-9 and '_', 1 to 64 of them.
bool IsPlainName(std::string_view s);

// Little helpers for unambiguous binary framing (used for associated data).
void AppendU32(Bytes& out, uint32_t v);
void AppendU64(Bytes& out, uint64_t v);
void AppendLengthPrefixed(Bytes& out, ByteView field);
inline void AppendLengthPrefixed(Bytes& out, std::string_view field) {
  AppendLengthPrefixed(out, AsBytes(field));
}

}  // namespace caseboard
