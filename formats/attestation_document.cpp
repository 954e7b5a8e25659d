#include "formats/attestation_document.h"

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
  const CborItem* cose = &*item;
  if (cose->kind == Kind::kTag) {
    if (cose->value != 18) {
      problem = "tagged " + std::to_string(cose->value) + ", not 18 (COSE_Sign1)";
      return std::nullopt;
    }
    out.tagged = true;
    cose = &cose->items[0];
  }
  const auto& it = cose->items;
  if (cose->kind != Kind::kArray || it.size() != 4 || it[0].kind != Kind::kBytes ||
      it[1].kind != Kind::kMap || it[2].kind != Kind::kBytes || it[3].kind != Kind::kBytes) {
    problem = "not a COSE_Sign1 [protected, unprotected, payload, signature]";
    return std::nullopt;
  }
  out.protected_header = it[0].bytes;
  out.unprotected_empty = it[1].items.empty();
  out.payload = it[2].bytes;
  out.signature = it[3].bytes;
  // The protected header is a serialised map; {1: alg} is all a document's holds.
  std::optional<CborItem> header = decode_cbor_item(out.protected_header, kLimits, why);
  if (!header || header->kind != Kind::kMap) {
    problem = "the protected header is not a CBOR map";
    return std::nullopt;
  }
  for (size_t i = 0; i + 1 < header->items.size(); i += 2) {
    const CborItem& k = header->items[i];
    const CborItem& v = header->items[i + 1];
    if (k.kind == Kind::kUnsigned && k.value == 1) {
      if (v.kind == Kind::kNegative && v.value < (uint64_t{1} << 62)) {
        out.algorithm = -1 - static_cast<int64_t>(v.value);
      } else if (v.kind == Kind::kUnsigned && v.value < (uint64_t{1} << 62)) {
        out.algorithm = static_cast<int64_t>(v.value);
      }
    }
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
