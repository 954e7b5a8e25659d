#include "lib/provenance/slsa_provenance.h"

#include <cctype>

#include "formats/hex.h"
#include "lib/base/error.h"
#include "lib/base/json_read.h"
#include "lib/policy/build_record.h"
#include "lib/provenance/intoto_statement.h"

namespace eifkit {

namespace {

// Lowercase hex of at most 128 digits: only such a value goes into a digest set.
bool is_hex_digest(const nlohmann::json& value) {
  if (!value.is_string()) return false;
  const std::string& s = value.get_ref<const std::string&>();
  return !s.empty() && s.size() <= 128 && is_lower_hex(s);
}

nlohmann::json resolved_dependencies(const nlohmann::json& record, const std::string& source) {
  if (!record.contains("Inputs")) {
    fail(source,
         "has no Inputs, so SLSA provenance would list no dependencies: give the build record "
         "`build --measurements-out` writes");
  }
  const nlohmann::json& inputs = array_field(record, "Inputs", source);
  nlohmann::json dependencies = nlohmann::json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string where = source + ": Inputs[" + std::to_string(i) + "]";
    const nlohmann::json& input = inputs[i];
    if (!input.is_object()) fail(where, "is not an object");
    nlohmann::json dependency = {{"name", string_field(input, "Name", where)}};
    const nlohmann::json& digest = object_field(input, "Digest", where);
    if (digest.empty()) fail(where, "Digest is empty");
    for (const auto& [algorithm, value] : digest.items()) {
      if (!is_hex_digest(value)) fail(where, "Digest." + algorithm + " is not lowercase hex");
    }
    dependency["digest"] = digest;
    if (std::optional<std::string> path = optional_string(input, "Path", where)) {
      dependency["annotations"] = {{"path", *path}};
    }
    dependencies.push_back(std::move(dependency));
  }
  return dependencies;
}

nlohmann::json external_parameters(const nlohmann::json& record) {
  nlohmann::json parameters = nlohmann::json::object();
  if (record.contains("Image") && record["Image"].is_object()) {
    const nlohmann::json& image = record["Image"];
    nlohmann::json described = nlohmann::json::object();
    for (const auto& [key, name] : {std::pair{"Name", "name"}, std::pair{"Version", "version"},
                                    std::pair{"Platform", "platform"}}) {
      if (image.contains(key) && image[key].is_string()) described[name] = image[key];
    }
    parameters["image"] = described;
  }
  if (record.contains("BuildTime") && record["BuildTime"].is_string()) {
    parameters["buildTime"] = record["BuildTime"];
  }
  if (record.contains("ApplicationRamdisk") && record["ApplicationRamdisk"].is_object() &&
      record["ApplicationRamdisk"].contains("Layout")) {
    parameters["ramdiskLayout"] = record["ApplicationRamdisk"]["Layout"];
  }
  return parameters;
}

}  // namespace

nlohmann::json slsa_statement(const nlohmann::json& record, const std::string& source,
                              const std::string& builder_id) {
  RecordPcrs pcrs = record_pcrs(record, source);
  if (pcrs.hash_algorithm != "Sha384") {
    fail(source, "measurements use " + pcrs.hash_algorithm + ", not the SHA-384 of an EIF");
  }
  if (builder_id.empty()) throw Error("--builder-id: empty; give the URI of what ran the build");
  nlohmann::json byproducts = nlohmann::json::array();
  for (const auto& [index, value] : pcrs.values) {
    byproducts.push_back(
        {{"name", "PCR" + std::to_string(index)}, {"digest", {{"sha384", value}}}});
  }
  nlohmann::json version = nlohmann::json::object();
  std::string tool = record.contains("BuildTool") && record["BuildTool"].is_string()
                         ? record["BuildTool"].get<std::string>()
                         : "eifkit";
  if (record.contains("BuildToolVersion") && record["BuildToolVersion"].is_string()) {
    version[tool] = record["BuildToolVersion"];
  }
  nlohmann::json builder = {{"id", builder_id}};
  if (!version.empty()) builder["version"] = version;
  nlohmann::json predicate = {{"buildDefinition",
                               {{"buildType", kEifkitBuildType},
                                {"externalParameters", external_parameters(record)},
                                {"resolvedDependencies", resolved_dependencies(record, source)}}},
                              {"runDetails", {{"builder", builder}, {"byproducts", byproducts}}}};
  return {{"_type", kInTotoStatementType},
          {"subject", statement_subject(record, source)},
          {"predicateType", kSlsaProvenancePredicateType},
          {"predicate", predicate}};
}

}  // namespace eifkit
