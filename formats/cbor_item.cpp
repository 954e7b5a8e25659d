#include "formats/cbor_item.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <tuple>

namespace eifkit {

const CborItem* CborItem::find(std::string_view key) const {
  if (kind != Kind::kMap) return nullptr;
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    const CborItem& k = items[i];
    if (k.kind == Kind::kText && k.bytes.size() == key.size() &&
        std::memcmp(k.bytes.data(), key.data(), key.size()) == 0) {
      return &items[i + 1];
    }
  }
  return nullptr;
}

std::string cbor_key_text(const CborItem& k) {
  switch (k.kind) {
    case CborItem::Kind::kUnsigned:
      return std::to_string(k.value);
    case CborItem::Kind::kNegative:
      // -1 - value, which for the largest value does not fit in 64 bits.
      if (k.value == UINT64_MAX) return "-18446744073709551616";
      return std::string("-").append(std::to_string(k.value + 1));
    case CborItem::Kind::kBytes:
    case CborItem::Kind::kText:
      break;
    default:
      return "(not an integer or a string)";
  }
  // Long or unprintable strings are described: the text goes into one-line messages.
  constexpr size_t kShown = 32;
  bool text = k.kind == CborItem::Kind::kText;
  bool printable = std::all_of(k.bytes.begin(), k.bytes.end(), [](uint8_t c) {
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
  });
  if (k.bytes.size() > kShown || (text && !printable)) {
    std::string what = text ? "(a text string of " : "(a byte string of ";
    what += std::to_string(k.bytes.size());
    what += " bytes)";
    return what;
  }
  if (text) {
    std::string quoted = "\"";
    quoted.append(k.bytes.begin(), k.bytes.end());
    quoted += '"';
    return quoted;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex = "h'";
  for (uint8_t b : k.bytes) {
    hex += kDigits[b >> 4];
    hex += kDigits[b & 0xf];
  }
  hex += '\'';
  return hex;
}

namespace {

// Thrown inside the decoder only; decode_cbor_item turns it into `problem`.
struct Malformed {
  std::string what;
};

class Decoder {
 public:
  Decoder(std::span<const uint8_t> in, const CborLimits& limits, CborEncoding& encoding)
      : in_(in), limits_(limits), encoding_(encoding) {}

  CborItem item(size_t depth) {
    if (depth > limits_.max_depth) {
      fail("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    if (++count_ > limits_.max_items) {
      fail("more than " + std::to_string(limits_.max_items) + " items");
    }
    CborItem out;
    out.offset = pos_;
    uint8_t initial = byte();
    if (initial == 0xff) fail_at(out.offset, "a break (0xff) outside an indefinite-length item");
    int major = initial >> 5;
    uint8_t info = initial & 0x1f;
    if (info == 31) {
      read_indefinite(out, major, depth);
    } else {
      uint64_t arg = argument(info, out.offset);
      read_definite(out, major, info, arg, depth);
    }
    out.size = pos_ - out.offset;
    return out;
  }

  size_t position() const { return pos_; }

  [[noreturn]] void fail(const std::string& what) { fail_at(pos_, what); }
  [[noreturn]] static void fail_at(size_t at, const std::string& what) {
    throw Malformed{what + " at byte " + std::to_string(at)};
  }

 private:
  uint8_t byte() {
    if (pos_ >= in_.size()) fail("the input ends inside an item");
    return in_[pos_++];
  }

  uint64_t argument(uint8_t info, size_t at) {
    if (info < 24) return info;
    if (info > 27) fail_at(at, "reserved additional information " + std::to_string(info));
    size_t n = size_t{1} << (info - 24);
    if (in_.size() - pos_ < n) fail("the input ends inside an item's head");
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | in_[pos_++];
    // The shortest head would have done: legal CBOR, but not deterministic; counted.
    bool minimal = n == 1 ? v >= 24 : v > (n == 2 ? 0xffull : n == 4 ? 0xffffull : 0xffffffffull);
    if (!minimal) ++encoding_.non_minimal_heads;
    return v;
  }

  void need(uint64_t n, const char* what, size_t at) {
    if (n > in_.size() - pos_) {
      fail_at(at, std::string("a ") + what + " of " + std::to_string(n) +
                      " bytes runs past the end (" + std::to_string(in_.size() - pos_) +
                      " bytes left)");
    }
  }

  void read_definite(CborItem& out, int major, uint8_t info, uint64_t arg, size_t depth) {
    switch (major) {
      case 0:
        out.kind = CborItem::Kind::kUnsigned;
        out.value = arg;
        return;
      case 1:
        out.kind = CborItem::Kind::kNegative;
        out.value = arg;
        return;
      case 2:
      case 3:
        out.kind = major == 2 ? CborItem::Kind::kBytes : CborItem::Kind::kText;
        need(arg, major == 2 ? "byte string" : "text string", out.offset);
        out.bytes.assign(in_.begin() + static_cast<ptrdiff_t>(pos_),
                         in_.begin() + static_cast<ptrdiff_t>(pos_ + arg));
        pos_ += arg;
        return;
      case 4:
      case 5: {
        out.kind = major == 4 ? CborItem::Kind::kArray : CborItem::Kind::kMap;
        // Every item takes at least one byte: a count beyond the bytes left is a lie.
        uint64_t elements = major == 4 ? arg : arg * 2;
        if (major == 5 && arg > (uint64_t{1} << 62)) elements = UINT64_MAX;
        if (elements > in_.size() - pos_) {
          fail_at(out.offset, std::string(major == 4 ? "an array" : "a map") + " declares " +
                                  std::to_string(arg) + " elements in " +
                                  std::to_string(in_.size() - pos_) + " bytes");
        }
        out.items.reserve(std::min<uint64_t>(elements, 1024));
        for (uint64_t i = 0; i < elements; ++i) out.items.push_back(item(depth + 1));
        if (major == 5) check_keys(out);
        return;
      }
      case 6:
        out.kind = CborItem::Kind::kTag;
        out.value = arg;
        out.items.push_back(item(depth + 1));
        return;
      default:  // 7
        if (info < 24 || info == 24) {
          out.kind = CborItem::Kind::kSimple;
          out.value = arg;
          if (info == 24 && arg < 32) fail_at(out.offset, "a two-byte simple value below 32");
          return;
        }
        out.kind = CborItem::Kind::kFloat;
        out.number = to_double(info, arg);
        return;
    }
  }

  void read_indefinite(CborItem& out, int major, size_t depth) {
    out.indefinite = true;
    ++encoding_.indefinite_items;
    switch (major) {
      case 2:
      case 3:
        out.kind = major == 2 ? CborItem::Kind::kBytes : CborItem::Kind::kText;
        while (!at_break()) {
          CborItem chunk = item(depth + 1);
          if (chunk.kind != out.kind || chunk.indefinite) {
            fail_at(chunk.offset,
                    "a chunk of an indefinite-length string is not a definite "
                    "string of the same type");
          }
          out.bytes.insert(out.bytes.end(), chunk.bytes.begin(), chunk.bytes.end());
        }
        return;
      case 4:
      case 5:
        out.kind = major == 4 ? CborItem::Kind::kArray : CborItem::Kind::kMap;
        while (!at_break()) {
          out.items.push_back(item(depth + 1));
          if (major == 5) {
            if (pos_ < in_.size() && in_[pos_] == 0xff) fail("a map key without a value");
            out.items.push_back(item(depth + 1));
          }
        }
        if (major == 5) check_keys(out);
        return;
      default:
        fail_at(out.offset, "an indefinite length on a major type that cannot have one");
    }
  }

  // Consumes the break when it is next.
  bool at_break() {
    if (pos_ >= in_.size()) fail("the input ends inside an indefinite-length item");
    if (in_[pos_] != 0xff) return false;
    ++pos_;
    return true;
  }

  static void check_keys(const CborItem& map) {
    std::set<std::tuple<int, uint64_t, std::vector<uint8_t>>> seen;
    for (size_t i = 0; i < map.items.size(); i += 2) {
      const CborItem& k = map.items[i];
      if (k.kind != CborItem::Kind::kUnsigned && k.kind != CborItem::Kind::kNegative &&
          k.kind != CborItem::Kind::kBytes && k.kind != CborItem::Kind::kText) {
        fail_at(k.offset, "a map key that is not an integer or a string");
      }
      if (!seen.emplace(static_cast<int>(k.kind), k.value, k.bytes).second) {
        fail_at(k.offset, std::string("a duplicate map key ").append(cbor_key_text(k)));
      }
    }
  }

  static double to_double(uint8_t info, uint64_t bits) {
    if (info == 25) {  // half precision
      int exp = static_cast<int>((bits >> 10) & 0x1f);
      double mant = static_cast<double>(bits & 0x3ff);
      double v = exp == 0    ? std::ldexp(mant, -24)
                 : exp == 31 ? (mant == 0 ? INFINITY : NAN)
                             : std::ldexp(mant + 1024, exp - 25);
      return (bits & 0x8000) ? -v : v;
    }
    if (info == 26) {
      uint32_t b = static_cast<uint32_t>(bits);
      float f;
      std::memcpy(&f, &b, sizeof f);
      return f;
    }
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }

  std::span<const uint8_t> in_;
  const CborLimits& limits_;
  CborEncoding& encoding_;
  size_t pos_ = 0;
  size_t count_ = 0;
};

}  // namespace

std::optional<CborItem> decode_cbor_item(std::span<const uint8_t> bytes, const CborLimits& limits,
                                         std::string& problem, CborEncoding* encoding) {
  CborEncoding scratch;
  Decoder d(bytes, limits, encoding ? *encoding : scratch);
  try {
    if (bytes.empty()) Decoder::fail_at(0, "no CBOR item: the input is empty");
    CborItem item = d.item(0);
    if (d.position() != bytes.size()) {
      Decoder::fail_at(d.position(),
                       std::to_string(bytes.size() - d.position()) + " bytes after the CBOR item");
    }
    return item;
  } catch (const Malformed& m) {
    problem = m.what;
    return std::nullopt;
  }
}

}  // namespace eifkit
