// Decoding JSON or CBOR from untrusted bytes into nlohmann::json without trusting the input's
// shape: nesting is capped (copying, printing and comparing a json value recurse, so a deep
// document would overflow the stack later), and a CBOR array or map that declares more
// elements than there are bytes left is refused before anything is built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

namespace eifkit {

enum class JsonSyntax { kJson, kCbor };

// Deep enough for any manifest, config, policy, record or metadata seen in practice (they
// nest under 10 levels), shallow enough that every recursive walk of the result is safe.
inline constexpr size_t kMaxJsonDepth = 64;

// A key that appears twice in one object. RFC 8259 leaves the meaning open and parsers
// disagree (most keep the last, some the first, some refuse), so a document that a key
// service or verifier reads must not have one: kRefuse. kKeepLast is for documents whose
// meaning is what another tool's decoder makes of them (image manifests and configs, which
// Docker's Go decoder reads keeping the last).
enum class DuplicateKeys { kRefuse, kKeepLast };

// nullopt, with `problem` set to one readable line ("nesting deeper than 64 levels at byte
// 130", "number overflow parsing '1e999' at byte 12", "a CBOR array declares 2^63 elements
// in 9 bytes", "duplicate key \"Effect\" in Statement[0] at byte 61"), when the bytes are
// not one well-formed document within the limits. CBOR tags are refused, as
// nlohmann::json::from_cbor does by default.
std::optional<nlohmann::json> decode_bounded(std::span<const uint8_t> bytes, JsonSyntax syntax,
                                             size_t max_depth, std::string& problem,
                                             DuplicateKeys duplicates = DuplicateKeys::kRefuse);

}  // namespace eifkit
