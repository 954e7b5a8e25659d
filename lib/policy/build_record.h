// The record of one build: everything a policy, a CI gate or an attestation verifier needs
// about an EIF (its digests, PCRs, image, build and signer), as `build --measurements-out`
// writes it and every `policy` command and `attest` read it:
//
//   {"RecordVersion": 1,
//    "Eif": {"Path", "Sha256", "Sha384", "Size"},
//    "Measurements": {"HashAlgorithm", "PCR0", "PCR1", "PCR2", "PCR8" (signed only)},
//    "Image": {"Name", "Version", "Digest" (DockerInfo.Id or null), "Platform"},
//    "BuildTime", "BuildTool", "BuildToolVersion",
//    "InitSha384" (eifkit's own init's SHA-384 when the image has it, else null),
//    "Signer": {"Subject", "Sha256Fingerprint", "NotBefore", "NotAfter"} or null,
//    "Inputs": [{"Name", "Path" (a file's), "Digest": {"sha256", "sha384"}}] (what a build
//      read: the image, its layers, the boot files; only in records build writes)}
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "lib/hash/measurements.h"
#include "lib/hash/sha256.h"
#include "lib/hash/sha384.h"
#include "lib/signing/certificate.h"

namespace eifkit {

inline constexpr int kRecordVersion = 1;

struct FileDigests {
  Digest256 sha256{};
  Digest384 sha384{};
  uint64_t size = 0;
};
// One streaming read of the file at `path`.
FileDigests file_digests(const std::string& path);

// An entry of a record's Inputs: {"Name": name, "Path": path, "Digest": {"sha256", "sha384"}}
// of the file at `path`.
nlohmann::json file_input(const std::string& name, const std::string& path);
inline constexpr uint64_t kMaxRecordFileSize = 1 << 20;

// Streams the EIF twice at most (its PCRs and its file digests, concurrently); never holds it
// whole. Refuses an image whose CRC or signature does not check: no policy should pin it.
// Eif.Path is `recorded_path` when given (an output read before it is renamed into place).
nlohmann::json build_record_from_eif(const std::string& eif_path,
                                     const std::string& recorded_path = "");

// A record file, or an EIF (recognised by its magic) whose record is computed. A record file
// is checked (RecordVersion, HashAlgorithm, every PCR<N> hex of the algorithm's length) and
// its PCRs come back lowercase; any problem is an Error naming the file. nitro-cli's
// build-enclave output, {"Measurements": {...}}, is a record with only measurements.
nlohmann::json load_record(const std::string& path);

// Refuses a record that no longer describes its EIF: the file at `eif_path` (when given), else
// at the record's Eif.Path (when one is there), must have the record's Eif.Sha384. A record
// of an image re-signed or rebuilt since would pin the wrong PCRs.
void refuse_stale_record(const nlohmann::json& record, const std::string& record_path,
                         const std::string& eif_path = "");

// The measurements of a record, checked: HashAlgorithm "Sha384 { ... }" (also "Sha256 ...",
// "Sha512 ..."), each "PCR<N>" (N 0 to 31) hex of the algorithm's digest length. A PCR8 of all
// zeros means unsigned, as QingTian prints it, and is left out. Errors name `source`.
struct RecordPcrs {
  std::string hash_algorithm;         // "Sha384": the name, without nitro-cli's " { ... }"
  size_t hex_digits = 0;              // of each value: 96 for Sha384
  std::map<int, std::string> values;  // lowercase hex by PCR number
  bool signed_image() const { return values.contains(8); }
};
RecordPcrs record_pcrs(const nlohmann::json& record, const std::string& source);

// A record's Signer: {"Subject", "Sha256Fingerprint", "NotBefore", "NotAfter"} (RFC 3339).
nlohmann::json signer_json(const Certificate& certificate);

// What QingTian's `qt enclave make-img` prints: {"digest": "SHA384", "PCR0": hex, "PCR8": hex},
// PCR8 as 96 zeros when unsigned.
nlohmann::json qingtian_output(const Measurements& m);

}  // namespace eifkit
