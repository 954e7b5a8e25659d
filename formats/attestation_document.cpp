#include "formats/attestation_document.h"

#include <algorithm>

namespace eifkit {

namespace {

using Kind = CborItem::Kind;

// Small documents, shallow structures: a payload nests three levels (map, cabundle, entry).
const CborLimits kLimits{/*max_depth=*/8, /*max_items=*/4096};

struct Bad {
  std::string what;
};

const CborItem& required(const CborItem& map, const char* key) {
  const CborItem* v = map.find(key);
  if (!v) throw Bad{std::string("payload has no ") + key};
  return *v;
}

std::vector<uint8_t> bytes_field(const CborItem& v, const std::string& name, size_t min,
                                 size_t max) {
  if (v.kind != Kind::kBytes) throw Bad{name + " is not a byte string"};
  if (v.bytes.size() < min || v.bytes.size() > max) {
    throw Bad{name + " is " + std::to_string(v.bytes.size()) + " bytes; it must be " +
              std::to_string(min) + " to " + std::to_string(max)};
  }
  return v.bytes;
}

OptionalBytesField optional_bytes(const CborItem& map, const char* key, size_t max) {
  OptionalBytesField out;
  const CborItem* v = map.find(key);
  if (!v) return out;
  out.present = true;
  out.null = v->is_null();
  if (!out.null) out.bytes = bytes_field(*v, key, 0, max);
  return out;
}

// NSM and QTSM write identifiers (module_id, digest) as short ASCII; anything else would reach
// JSON output and terminals, so it is refused.
std::string text_field(const CborItem& v, const char* name) {
  if (v.kind != Kind::kText || v.bytes.empty()) throw Bad{std::string(name) + " is not a text"};
  for (uint8_t c : v.bytes) {
    if (c < 0x20 || c > 0x7e) throw Bad{std::string(name) + " is not printable ASCII text"};
  }
  return v.text();
}

constexpr uint64_t kCoseSign1Tag = 18;
constexpr uint64_t kCoseSignTag = 98;
constexpr uint64_t kSelfDescribedTag = 55799;
// COSE header labels (RFC 9052 §3.1): alg is the only one eifkit acts on.
constexpr uint64_t kAlgLabel = 1;
constexpr uint64_t kCritLabel = 2;

// The COSE_Sign1 array inside the tags in front of it. Self-described CBOR (tag 55799, RFC 8949
// §3.4.6) only announces that CBOR follows, so it is skipped; tag 18 is the COSE_Sign1's own.
// Any other tag, or an array of the wrong shape, is named as what it is.
const CborItem& cose_sign1_of(const CborItem& item, bool& tagged) {
  const CborItem* cose = &item;
  while (cose->kind == Kind::kTag && cose->value == kSelfDescribedTag) cose = &cose->items[0];
  if (cose->kind == Kind::kTag) {
    if (cose->value == kCoseSignTag) {
      throw Bad{
          "a COSE_Sign (tag 98, for several signers), not a COSE_Sign1 (tag 18): an "
          "attestation document has exactly one signer"};
    }
    if (cose->value != kCoseSign1Tag) {
      std::string what = "tagged ";
      what += std::to_string(cose->value);
      what += ", not 18 (COSE_Sign1)";
      throw Bad{what};
    }
    tagged = true;
    cose = &cose->items[0];
  }
  const auto& it = cose->items;
  const bool four = cose->kind == Kind::kArray && it.size() == 4;
  if (four && it[3].kind == Kind::kArray) {
    throw Bad{
        "not a COSE_Sign1 [protected, unprotected, payload, signature]: its fourth item is an "
        "array, as a COSE_Sign's signatures (several signers) are; an attestation document "
        "has exactly one signer"};
  }
  if (!four || it[0].kind != Kind::kBytes || it[1].kind != Kind::kMap ||
      it[2].kind != Kind::kBytes || it[3].kind != Kind::kBytes) {
    throw Bad{"not a COSE_Sign1 [protected, unprotected, payload, signature]"};
  }
  return *cose;
}

// The protected header is a serialised map; {1: alg} is all a document's holds.
CborItem protected_header_of(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) throw Bad{"the protected header is empty: it names no algorithm"};
  std::string why;
  std::optional<CborItem> header = decode_cbor_item(bytes, kLimits, why);
  if (!header) throw Bad{"the protected header is not valid CBOR: " + why};
  if (header->kind != Kind::kMap) throw Bad{"the protected header is not a CBOR map"};
  return std::move(*header);
}

// The value of an integer label in a header map; nullptr when absent.
const CborItem* label(const CborItem& header, uint64_t number) {
  for (size_t i = 0; i + 1 < header.items.size(); i += 2) {
    const CborItem& k = header.items[i];
    if (k.kind == Kind::kUnsigned && k.value == number) return &header.items[i + 1];
  }
  return nullptr;
}

std::optional<int64_t> algorithm_of(const CborItem& header) {
  const CborItem* v = label(header, kAlgLabel);
  if (!v) return std::nullopt;
  if (v->kind == Kind::kNegative && v->value < (uint64_t{1} << 62)) {
    return -1 - static_cast<int64_t>(v->value);
  }
  if (v->kind == Kind::kUnsigned && v->value < (uint64_t{1} << 62)) {
    return static_cast<int64_t>(v->value);
  }
  return std::nullopt;
}

// "99", "99 and 100", "99, 100 and \"x\"": a few labels, then how many more.
std::string label_list(const std::vector<std::string>& labels) {
  constexpr size_t kShown = 4;
  const size_t shown = std::min(labels.size(), kShown);
  std::string out;
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += i + 1 == shown && labels.size() <= kShown ? " and " : ", ";
    out += labels[i];
  }
  if (labels.size() > kShown) {
    out += " and ";
    out += std::to_string(labels.size() - kShown);
    out += " more";
  }
  return out;
}

// RFC 9052 §3.1: a recipient must reject a message whose crit lists a label it does not
// understand, since the sender declared that ignoring it changes the meaning. crit itself must
// be a non-empty array of labels.
void check_crit(const CborItem& crit) {
  const char* malformed =
      "the protected header's crit (label 2) is not a non-empty array of labels (integers or "
      "text strings), as RFC 9052 requires; the document is rejected";
  if (crit.kind != Kind::kArray || crit.items.empty()) throw Bad{malformed};
  std::vector<std::string> unknown;
  for (const CborItem& l : crit.items) {
    if (l.kind != Kind::kUnsigned && l.kind != Kind::kNegative && l.kind != Kind::kText) {
      throw Bad{malformed};
    }
    if (l.kind != Kind::kUnsigned || l.value != kAlgLabel) unknown.push_back(cbor_key_text(l));
  }
  if (unknown.empty()) return;
  std::string what = "the protected header marks ";
  what += unknown.size() == 1 ? "label " : "labels ";
  what += label_list(unknown);
  what +=
      " critical (crit), which eifkit does not understand; RFC 9052 requires rejecting the "
      "document";
  throw Bad{what};
}

}  // namespace

std::optional<AttestationEnvelope> decode_attestation_envelope(std::span<const uint8_t> bytes,
                                                               std::string& problem) {
  AttestationEnvelope out;
  std::string why;
  std::optional<CborItem> item = decode_cbor_item(bytes, kLimits, why, &out.encoding);
  if (!item) {
    problem = "not valid CBOR: " + why;
    return std::nullopt;
  }
  try {
    const CborItem& cose = cose_sign1_of(*item, out.tagged);
    const auto& it = cose.items;
    out.protected_header = it[0].bytes;
    out.unprotected_empty = it[1].items.empty();
    out.payload = it[2].bytes;
    out.signature = it[3].bytes;
    const CborItem header = protected_header_of(out.protected_header);
    if (const CborItem* crit = label(header, kCritLabel)) check_crit(*crit);
    if (label(it[1], kCritLabel)) {
      throw Bad{
          "the unprotected header holds crit (label 2), which RFC 9052 allows only in the "
          "protected header; the document is rejected"};
    }
    out.algorithm = algorithm_of(header);
  } catch (const Bad& b) {
    problem = b.what;
    return std::nullopt;
  }
  return out;
}

std::optional<AttestationDocument> decode_attestation_payload(std::span<const uint8_t> payload,
                                                              std::string& problem) {
  AttestationDocument doc;
  std::string why;
  std::optional<CborItem> map = decode_cbor_item(payload, kLimits, why, &doc.encoding);
  if (!map) {
    problem = "payload is not valid CBOR: " + why;
    return std::nullopt;
  }
  try {
    if (map->kind != Kind::kMap) throw Bad{"payload is not a CBOR map"};
    doc.indefinite_map = map->indefinite;
    doc.module_id = text_field(required(*map, "module_id"), "module_id");
    doc.digest = text_field(required(*map, "digest"), "digest");
    const CborItem& ts = required(*map, "timestamp");
    if (ts.kind != Kind::kUnsigned) throw Bad{"timestamp is not an unsigned integer"};
    doc.timestamp_ms = ts.value;

    const CborItem& pcrs = required(*map, "pcrs");
    if (pcrs.kind != Kind::kMap || pcrs.items.empty() || pcrs.items.size() > 64) {
      throw Bad{"pcrs is not a map of 1 to 32 PCRs"};
    }
    for (size_t i = 0; i < pcrs.items.size(); i += 2) {
      const CborItem& k = pcrs.items[i];
      if (k.kind != Kind::kUnsigned || k.value > 31) {
        throw Bad{"pcrs has a key that is not a PCR index (0 to 31)"};
      }
      std::string name = "PCR" + std::to_string(k.value);
      std::vector<uint8_t> value = bytes_field(pcrs.items[i + 1], name, 32, 64);
      if (value.size() != 32 && value.size() != 48 && value.size() != 64) {
        throw Bad{name + " is " + std::to_string(value.size()) + " bytes, not 32, 48 or 64"};
      }
      doc.pcrs.emplace_back(k.value, std::move(value));
    }

    doc.certificate = bytes_field(required(*map, "certificate"), "certificate", 1, 1024);
    const CborItem& bundle = required(*map, "cabundle");
    if (bundle.kind != Kind::kArray || bundle.items.empty()) {
      throw Bad{"cabundle is not a non-empty array"};
    }
    for (size_t i = 0; i < bundle.items.size(); ++i) {
      doc.cabundle.push_back(
          bytes_field(bundle.items[i], "cabundle[" + std::to_string(i) + "]", 1, 1024));
    }
    doc.public_key = optional_bytes(*map, "public_key", 1024);
    doc.user_data = optional_bytes(*map, "user_data", 512);
    doc.nonce = optional_bytes(*map, "nonce", 512);
  } catch (const Bad& b) {
    problem = b.what;
    return std::nullopt;
  }
  return doc;
}

}  // namespace eifkit
