#include "caseboard/crdt/cbor.h"

namespace caseboard::crdt {
namespace {

using json = nlohmann::json;

// Accepts everything but nesting past the bound; builds nothing.
class DepthGuard {
 public:
  explicit DepthGuard(int max_depth) : max_depth_(max_depth) {}
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const json::string_t&) { return true; }
  bool string(json::string_t&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return ++depth_ <= max_depth_; }
  bool key(json::string_t&) { return true; }
  bool end_object() { return --depth_ >= 0; }
  bool start_array(std::size_t) { return ++depth_ <= max_depth_; }
  bool end_array() { return --depth_ >= 0; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

 private:
  int max_depth_;
  int depth_ = 0;
};

}  // namespace

Result<json> DecodeCbor(ByteView bytes, int max_depth) {
  try {
    DepthGuard guard(max_depth);
    if (!json::sax_parse(bytes.begin(), bytes.end(), &guard, json::input_format_t::cbor, /*strict=*/true))
      return Status::InvalidArgument("malformed or too deeply nested CBOR");
    json out = json::from_cbor(bytes.begin(), bytes.end(), /*strict=*/true, /*allow_exceptions=*/false);
    if (out.is_discarded()) return Status::InvalidArgument("malformed CBOR");
    return out;
  } catch (const std::exception&) {
    return Status::InvalidArgument("malformed CBOR");
  }
}

}  // namespace caseboard::crdt
