// Attestation documents made in tests, since no enclave runs here: a test PKI (root,
// intermediate, leaf; P-384, made with openssl(1)) and documents in the NSM's encoding,
// signed with the leaf's key by eifkit's own signing code.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eifkit::test {

struct TestPki {
  std::string root_pem, intermediate_pem, leaf_pem, leaf_key;  // paths
};

// In `dir`. The root's subject is "CN=<root_name>"; the certificates are valid from now for
// `days`.
TestPki make_test_pki(const std::string& dir, const std::string& root_name = "eifkit test root",
                      int days = 30);

struct ForgedDocument {
  std::string module_id = "i-0123456789abcdef0-enc0123456789abcdef";
  uint64_t timestamp_ms = 0;
  std::map<int, std::vector<uint8_t>> pcrs;                          // default: PCR0..15 all zero
  std::optional<std::vector<uint8_t>> public_key, user_data, nonce;  // nullopt: CBOR null
  bool qingtian = false;  // r and s each little-endian, as QingTian's QTSM writes them
};

// The COSE_Sign1 bytes, signed with the PKI's leaf key; the cabundle is root, intermediate.
std::vector<uint8_t> forge_attestation(const ForgedDocument& doc, const TestPki& pki);

// 48 bytes, all `byte`.
std::vector<uint8_t> pcr_of(uint8_t byte);

}  // namespace eifkit::test
