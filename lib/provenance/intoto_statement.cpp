#include "lib/provenance/intoto_statement.h"

#include <algorithm>

#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/base/json_read.h"
#include "lib/policy/build_record.h"

namespace eifkit {

static std::string hex_digest(const nlohmann::json& eif, const char* key, size_t digits,
                              const std::string& source) {
  const std::string where = source + ": Eif";
  if (!eif.contains(key)) {
    fail(source, std::string("no Eif.") + key +
                     ": an attestation names the EIF by its digests (a record of an EIF has them)");
  }
  std::string hex = string_field(eif, key, where);
  if (hex.size() != digits || !is_lower_hex(hex)) {
    fail(source, std::string("Eif.") + key + " is not " + std::to_string(digits) +
                     " lowercase hexadecimal digits");
  }
  return hex;
}

nlohmann::json statement_subject(const nlohmann::json& record, const std::string& source) {
  if (!record.contains("Eif")) {
    fail(source,
         "no Eif: an attestation names the EIF by its digests (a record of an EIF has "
         "them)");
  }
  const nlohmann::json& eif = object_field(record, "Eif", source);
  std::string path = string_field(eif, "Path", source + ": Eif");
  std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  if (name.empty()) fail(source, "Eif.Path \"" + path + "\" has no file name");
  nlohmann::json subject = {{"name", name},
                            {"digest",
                             {{"sha256", hex_digest(eif, "Sha256", 64, source)},
                              {"sha384", hex_digest(eif, "Sha384", 96, source)}}}};
  return nlohmann::json::array({subject});
}

nlohmann::json intoto_statement(const nlohmann::json& record, const std::string& source) {
  record_pcrs(record, source);  // the measurements must be sound
  return {{"_type", kInTotoStatementType},
          {"subject", statement_subject(record, source)},
          {"predicateType", kEnclaveMeasurementsPredicateType},
          {"predicate", {{"measurements", record["Measurements"]}, {"buildRecord", record}}}};
}

}  // namespace eifkit
