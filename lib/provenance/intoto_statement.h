// An in-toto Statement (v1) of the reference values of one build: its subject is the EIF,
// named by its file name and its SHA-256 and SHA-384 digests; its predicate carries the
// measurements and the whole build record, what a RATS verifier's reference value provider or
// a signed provenance pipeline ingests.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace eifkit {

inline constexpr const char* kInTotoStatementType = "https://in-toto.io/Statement/v1";
inline constexpr const char* kEnclaveMeasurementsPredicateType =
    "https://eifkit.dev/enclave-measurements/v1";

// The statement's subject: [{"name": file name of Eif.Path, "digest": {"sha256": …,
// "sha384": …}}]. The record needs Eif.Path, Eif.Sha256 and Eif.Sha384 (a record of an EIF has
// them); an Error naming `source` otherwise.
nlohmann::json statement_subject(const nlohmann::json& record, const std::string& source);

// {"_type": kInTotoStatementType,
//  "subject": [{"name": file name of Eif.Path, "digest": {"sha256": …, "sha384": …}}],
//  "predicateType": kEnclaveMeasurementsPredicateType,
//  "predicate": {"measurements": record.Measurements, "buildRecord": record}}
// The record needs Eif.Path, Eif.Sha256 and Eif.Sha384 (a record of an EIF has them); an
// Error naming `source` otherwise.
nlohmann::json intoto_statement(const nlohmann::json& record, const std::string& source);

}  // namespace eifkit
