// A bounded decoder of one CBOR data item (RFC 8949) from untrusted bytes, into a plain tree
// that keeps where each item lies in the input. nlohmann::json cannot read what attestation
// documents hold (maps with integer keys, tags), and a verifier must know the exact bytes a
// signature covers, so this keeps the input's own encoding: non-minimal heads and
// indefinite lengths are accepted and counted, never normalised.
//
// Bounded: nothing is allocated from a declared length before the bytes are there, nesting
// and the number of items are capped, and duplicate map keys are refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace eifkit {

struct CborItem {
  enum class Kind { kUnsigned, kNegative, kBytes, kText, kArray, kMap, kTag, kSimple, kFloat };
  Kind kind = Kind::kUnsigned;
  // kUnsigned: the value; kNegative: -1 - value; kTag: the tag number; kSimple: 20 false,
  // 21 true, 22 null, 23 undefined, or another simple value.
  uint64_t value = 0;
  double number = 0;           // kFloat
  std::vector<uint8_t> bytes;  // kBytes, kText (UTF-8 not checked): chunks joined
  // kArray: the elements; kMap: key, value, key, value, ...; kTag: the one tagged item.
  std::vector<CborItem> items;
  bool indefinite = false;  // encoded with an indefinite length
  size_t offset = 0;        // of the item's first byte in the input
  size_t size = 0;          // of the whole encoded item

  bool is_null() const { return kind == Kind::kSimple && value == 22; }
  // The value of `key` (text) in a map; nullptr when absent or not a map.
  const CborItem* find(std::string_view key) const;
  std::string text() const { return {bytes.begin(), bytes.end()}; }
};

// A map key (or COSE label) in CBOR's diagnostic notation: 1, -35, "digest", h'00ff'. Strings
// longer than 32 bytes, and text that is not printable ASCII, are described instead
// ("(a text string of 40 bytes)"), so that the result can go into a one-line message.
std::string cbor_key_text(const CborItem& key);

struct CborLimits {
  size_t max_depth = 16;
  size_t max_items = 100000;
};

// What the encoding looked like, for a verifier that reports it.
struct CborEncoding {
  size_t indefinite_items = 0;
  size_t non_minimal_heads = 0;
};

// Exactly one item filling `bytes`. nullopt, with `problem` set to one line naming the byte
// ("a byte string of 4096 bytes at byte 12 runs past the end (40 bytes left)"), otherwise.
// Map keys must be integers or strings, and unique by value ("a duplicate map key 1 at byte 4").
std::optional<CborItem> decode_cbor_item(std::span<const uint8_t> bytes, const CborLimits& limits,
                                         std::string& problem, CborEncoding* encoding = nullptr);

}  // namespace eifkit
