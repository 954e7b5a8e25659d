// Expected digests computed outside eifkit: with OpenSSL's command line and Python's hashlib,
// never with lib/hash/, so that a test's expectation does not come from the code it tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace eifkit::test {

// `openssl dgst -sha384` of a file, or of bytes (written to a scratch file first): lowercase hex.
std::string openssl_sha384_hex(const std::string& path);
std::string openssl_sha384_hex(std::span<const uint8_t> bytes);

// The PCR of the files' concatenation, SHA-384(48 zero bytes || SHA-384(file1 || file2 ...)),
// computed by python3's hashlib: lowercase hex.
std::string python_pcr_hex(const std::vector<std::string>& files);

}  // namespace eifkit::test
