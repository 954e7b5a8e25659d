#include "formats/bounded_json.h"

#include <vector>

namespace eifkit {

using nlohmann::json;

namespace {

// what() is "[json.exception.parse_error.101] parse error at ...": keep the readable part.
std::string readable(const std::exception& e) {
  std::string msg = e.what();
  if (size_t end = msg.find("] "); end != std::string::npos) msg = msg.substr(end + 2);
  return msg;
}

// A DOM builder in the shape of nlohmann's own, with the limits checked on the way down.
class BoundedBuilder : public nlohmann::json_sax<json> {
 public:
  BoundedBuilder(size_t input_size, size_t max_depth, DuplicateKeys duplicates,
                 std::string& problem)
      : input_size_(input_size),
        max_depth_(max_depth),
        duplicates_(duplicates),
        problem_(problem) {}

  json result() { return std::move(root_); }

  bool null() override { return add(nullptr); }
  bool boolean(bool v) override { return add(v); }
  bool number_integer(number_integer_t v) override { return add(v); }
  bool number_unsigned(number_unsigned_t v) override { return add(v); }
  bool number_float(number_float_t v, const string_t&) override { return add(v); }
  bool string(string_t& v) override { return add(std::move(v)); }
  bool binary(binary_t& v) override { return add(json::binary(std::move(v))); }
  bool start_object(size_t n) override { return open(json::object(), n, "map"); }
  bool start_array(size_t n) override { return open(json::array(), n, "array"); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    json& object = *stack_.back();
    if (duplicates_ == DuplicateKeys::kRefuse && object.contains(k)) {
      problem_ = "duplicate key " + json(k).dump() + " in " + path() +
                 " (readers disagree on which one counts)";
      return false;
    }
    key_name_ = k;
    key_ = &object[std::move(k)];
    return true;
  }
  bool parse_error(size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    std::string msg = readable(e);
    if (msg.find(" at ") == std::string::npos) msg += " at byte " + std::to_string(position);
    problem_ = msg;
    return false;
  }

 private:
  json* place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    *key_ = std::move(v);
    return key_;
  }
  bool add(json&& v) {
    place(std::move(v));
    return true;
  }
  bool open(json&& empty, size_t declared, const char* kind) {
    if (stack_.size() >= max_depth_) {
      problem_ = "nesting deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    // Every element takes at least one byte, so a larger count is a lie (CBOR only: JSON
    // passes -1, unknown).
    if (declared != static_cast<size_t>(-1) && declared > input_size_) {
      problem_ = std::string("a CBOR ") + kind + " declares " + std::to_string(declared) +
                 " elements in " + std::to_string(input_size_) + " bytes";
      return false;
    }
    std::string segment;
    if (!stack_.empty()) {
      const json& parent = *stack_.back();
      segment = parent.is_array() ? "[" + std::to_string(parent.size()) + "]" : "." + key_name_;
    }
    stack_.push_back(place(std::move(empty)));
    segments_.push_back(std::move(segment));
    return true;
  }
  bool close() {
    stack_.pop_back();
    segments_.pop_back();
    return true;
  }
  // Where the innermost open container is, as a reader would write it: Statement[0].Condition.
  std::string path() const {
    std::string out;
    for (const std::string& s : segments_) out += s;
    if (out.empty()) return "the top-level object";
    return out[0] == '.' ? out.substr(1) : out;
  }

  size_t input_size_, max_depth_;
  DuplicateKeys duplicates_;
  std::string& problem_;
  std::vector<std::string> segments_;  // how each open container sits in its parent
  std::string key_name_;
  json root_;
  std::vector<json*> stack_;
  json* key_ = nullptr;
};

}  // namespace

std::optional<json> decode_bounded(std::span<const uint8_t> bytes, JsonSyntax syntax,
                                   size_t max_depth, std::string& problem,
                                   DuplicateKeys duplicates) {
  problem.clear();
  BoundedBuilder builder(bytes.size(), max_depth, duplicates, problem);
  bool ok = false;
  try {
    ok = json::sax_parse(
        bytes.begin(), bytes.end(), &builder,
        syntax == JsonSyntax::kJson ? json::input_format_t::json : json::input_format_t::cbor,
        /*strict=*/true);
  } catch (const json::exception& e) {
    // The readers report through parse_error; anything thrown regardless is still the input's
    // fault, not ours.
    problem = readable(e);
    return std::nullopt;
  }
  if (!ok) {
    if (problem.empty()) problem = "not a well-formed document";
    return std::nullopt;
  }
  return builder.result();
}

}  // namespace eifkit
