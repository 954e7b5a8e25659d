#include "formats/pkcs11_uri.h"

#include <cctype>
#include <vector>

namespace eifkit {

namespace {

constexpr std::string_view kScheme = "pkcs11:";
constexpr std::string_view kPinValue = "pin-value";

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  if (s.empty()) return parts;
  for (;;) {
    size_t at = s.find(sep);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// RFC 7512's names, its own and vendors' (x-…), are letters, digits, '-' and '_'.
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

enum class Flaw { kNone, kNoEquals, kEmptyName, kBadNameEscape, kBadName, kBadValue };

// One ';'- or '&'-separated piece of a path or query. The name is percent-decoded too: RFC 3986
// makes "pin%2Dvalue" the same as "pin-value", and a PIN must be recognised in every spelling.
struct Piece {
  Flaw flaw = Flaw::kNone;
  std::string name;   // lower case; set unless the flaw is in the name
  std::string value;  // decoded; set when there is no flaw
};

Piece read_piece(std::string_view text) {
  Piece p;
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) return {Flaw::kNoEquals, {}, {}};
  if (eq == 0) return {Flaw::kEmptyName, {}, {}};
  std::optional<std::string> name = percent_decode(text.substr(0, eq));
  if (!name) return {Flaw::kBadNameEscape, {}, {}};
  for (char& c : *name) {
    if (!is_name_char(c)) return {Flaw::kBadName, {}, {}};
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  p.name = std::move(*name);
  std::optional<std::string> value = percent_decode(text.substr(eq + 1));
  if (!value) {
    p.flaw = Flaw::kBadValue;
    return p;
  }
  p.value = std::move(*value);
  return p;
}

std::vector<Piece> read_pieces(std::string_view part, char sep) {
  std::vector<Piece> pieces;
  for (std::string_view text : split(part, sep)) pieces.push_back(read_piece(text));
  return pieces;
}

// A pin-value, even one whose value is malformed.
bool is_pin(const Piece& p) {
  return (p.flaw == Flaw::kNone || p.flaw == Flaw::kBadValue) && p.name == kPinValue;
}

bool any_pin(const std::vector<Piece>& pieces) {
  for (const Piece& p : pieces) {
    if (is_pin(p)) return true;
  }
  return false;
}

// The path or the query, as problems name it, and the separator a PIN there must encode.
struct Part {
  const char* name;
  const char* pin_hint;
};
constexpr Part kPath = {"path", " (a PIN holding ';' must write it as %3B)"};
constexpr Part kQuery = {"query", " (a PIN holding '&' must write it as %26)"};

// A URI that holds a PIN may have cut it into fragments that look like attributes, so its
// problems name no attribute but pin-value, and quote none of its text.
std::string problem_with(const Piece& p, const Part& part, bool holds_pin) {
  const bool may_name = !holds_pin || p.name == kPinValue;
  std::string s;
  switch (p.flaw) {
    case Flaw::kNoEquals:
      s = "the ";
      s += part.name;
      s += " has an attribute without '='";
      if (holds_pin) s += part.pin_hint;
      return s;
    case Flaw::kEmptyName:
      s = part.name;
      s += " attribute with an empty name";
      return s;
    case Flaw::kBadNameEscape:
      s = "bad percent escape in a ";
      s += part.name;
      s += " attribute name";
      return s;
    case Flaw::kBadName:
      s = "a ";
      s += part.name;
      s += " attribute name holds a character other than a letter, digit, '-' or '_'";
      return s;
    case Flaw::kBadValue:
      s = "bad percent escape in ";
      if (p.name == kPinValue) {
        s += "pin-value (a PIN holding '%' must write it as %25)";
      } else if (may_name) {
        s += p.name;
      } else {
        s += "a ";
        s += part.name;
        s += " attribute";
      }
      return s;
    case Flaw::kNone:
      break;
  }
  // Only a repeated name remains.
  if (may_name) {
    s = p.name;
  } else {
    s = "a ";
    s += part.name;
    s += " attribute";
  }
  s += " is given twice";
  return s;
}

bool collect(std::vector<Piece>& pieces, const Part& part, bool holds_pin,
             std::map<std::string, std::string>& into, std::string& problem) {
  for (Piece& p : pieces) {
    if (p.flaw != Flaw::kNone || !into.emplace(p.name, std::move(p.value)).second) {
      problem = problem_with(p, part, holds_pin);
      return false;
    }
  }
  return true;
}

// The pieces of `part` a message may show, joined by `sep`: none that is a pin-value, nor the
// malformed fragments after one (its PIN's own unencoded separators made them) up to the next
// well-formed attribute. `after_pin` carries over from the path to the query, for a PIN in the
// path holding an unencoded '?'.
std::string shown_pieces(std::string_view part, char sep, bool& after_pin) {
  std::string out;
  bool first = true;
  for (std::string_view text : split(part, sep)) {
    Piece p = read_piece(text);
    if (is_pin(p)) {
      after_pin = true;
      continue;
    }
    if (p.flaw != Flaw::kNone && after_pin) continue;
    after_pin = false;
    if (!first) out += sep;
    first = false;
    out += text;
  }
  return out;
}

}  // namespace

bool is_pkcs11_uri(std::string_view text) {
  if (text.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != kScheme[i]) return false;
  }
  return true;
}

std::optional<Pkcs11Uri> parse_pkcs11_uri(std::string_view text, std::string& problem) {
  if (!is_pkcs11_uri(text)) {
    problem = "not a pkcs11: URI";
    return std::nullopt;
  }
  text.remove_prefix(kScheme.size());
  size_t q = text.find('?');
  std::vector<Piece> path = read_pieces(text.substr(0, q), ';');
  std::vector<Piece> query;
  if (q != std::string_view::npos) query = read_pieces(text.substr(q + 1), '&');
  const bool holds_pin = any_pin(path) || any_pin(query);
  Pkcs11Uri uri;
  if (!collect(path, kPath, holds_pin, uri.path, problem)) return std::nullopt;
  // libp11 and OpenSSL take the PIN from the path as well: the same PIN, so one place to look.
  if (auto pin = uri.path.extract(std::string(kPinValue))) uri.query.insert(std::move(pin));
  if (!collect(query, kQuery, holds_pin, uri.query, problem)) return std::nullopt;
  return uri;
}

std::string redact_pkcs11_uri(std::string_view text) {
  if (!is_pkcs11_uri(text)) return std::string(text);
  std::string out(text.substr(0, kScheme.size()));
  text.remove_prefix(kScheme.size());
  size_t q = text.find('?');
  bool after_pin = false;
  out += shown_pieces(text.substr(0, q), ';', after_pin);
  if (q == std::string_view::npos) return out;
  std::string query = shown_pieces(text.substr(q + 1), '&', after_pin);
  if (!query.empty()) {
    out += '?';
    out += query;
  }
  return out;
}

}  // namespace eifkit
