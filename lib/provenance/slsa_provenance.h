// An in-toto Statement whose predicate is SLSA Provenance v1 (slsa.dev/spec/v1.0/provenance):
// who built the EIF (the builder's id, eifkit and its version), from what (the image's ID,
// each layer's diff_id, every boot file's digests, as resolved dependencies), with which
// parameters (the image's name, version and platform, the ramdisk layout, the build time),
// and the PCRs it measured, as byproducts.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace eifkit {

inline constexpr const char* kSlsaProvenancePredicateType = "https://slsa.dev/provenance/v1";
inline constexpr const char* kEifkitBuildType = "https://eifkit.dev/build/v1";
// What a build on a developer's machine says it ran on; a CI job names its workflow instead.
inline constexpr const char* kDefaultBuilderId = "https://eifkit.dev/builder/local";

// The statement of a build record, whose subject is the EIF (statement_subject).
// predicate.buildDefinition.resolvedDependencies is the record's Inputs, each as a
// ResourceDescriptor {"name", "digest", "annotations": {"path"}}; runDetails.byproducts holds
// one {"name": "PCR<N>", "digest": {"sha384": value}} per measured register (the register's
// value, under the name of its hash). A record without Inputs (one computed from an EIF, or
// written before they were recorded) is refused, naming `source`: the provenance would list
// no dependencies.
nlohmann::json slsa_statement(const nlohmann::json& record, const std::string& source,
                              const std::string& builder_id);

}  // namespace eifkit
