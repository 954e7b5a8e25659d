#include "tests/support/attestation_forge.h"

#include <algorithm>

#include "formats/cose_sign1.h"
#include "lib/hash/sha384.h"
#include "lib/signing/certificate.h"
#include "lib/signing/private_key.h"
#include "tests/support/image_fixtures.h"
#include "tests/support/test_support.h"

namespace eifkit::test {

namespace {

// Minimal CBOR heads, as AWS's NSM writes them.
void head(std::vector<uint8_t>& out, uint8_t major, uint64_t value) {
  uint8_t m = static_cast<uint8_t>(major << 5);
  if (value < 24) {
    out.push_back(m | static_cast<uint8_t>(value));
    return;
  }
  int bytes = value <= 0xff ? 1 : value <= 0xffff ? 2 : value <= 0xffffffff ? 4 : 8;
  out.push_back(m | (bytes == 1 ? 24 : bytes == 2 ? 25 : bytes == 4 ? 26 : 27));
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void text(std::vector<uint8_t>& out, const std::string& s) {
  head(out, 3, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

void bytes(std::vector<uint8_t>& out, const std::vector<uint8_t>& b) {
  head(out, 2, b.size());
  out.insert(out.end(), b.begin(), b.end());
}

void optional_bytes(std::vector<uint8_t>& out, const std::optional<std::vector<uint8_t>>& b) {
  if (b) {
    bytes(out, *b);
  } else {
    out.push_back(0xf6);  // null
  }
}

}  // namespace

std::vector<uint8_t> pcr_of(uint8_t byte) {
  return std::vector<uint8_t>(48, byte);
}

TestPki make_test_pki(const std::string& dir, const std::string& root_name, int days) {
  TestPki pki{dir + "/root.pem", dir + "/intermediate.pem", dir + "/leaf.pem", dir + "/leaf.key"};
  std::string ca_ext = dir + "/ca.ext", leaf_ext = dir + "/leaf.ext";
  std::string ca_text =
      "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
  std::string leaf_text =
      "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n";
  write_bytes(ca_ext, {ca_text.begin(), ca_text.end()});
  write_bytes(leaf_ext, {leaf_text.begin(), leaf_text.end()});
  const std::string d = std::to_string(days);
  run_tool({"openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-nodes",
            "-keyout",
            dir + "/root.key",
            "-out",
            pki.root_pem,
            "-subj",
            "/CN=" + root_name,
            "-days",
            d,
            "-sha384",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign"});
  auto issue = [&](const std::string& name, const std::string& key, const std::string& out,
                   const std::string& ca, const std::string& ca_key, const std::string& ext,
                   const std::string& serial) {
    run_tool({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384",
              "-nodes", "-keyout", key, "-out", out + ".csr", "-subj", "/CN=" + name});
    run_tool({"openssl", "x509", "-req", "-in", out + ".csr", "-CA", ca, "-CAkey", ca_key,
              "-set_serial", serial, "-days", d, "-sha384", "-extfile", ext, "-out", out});
  };
  issue("eifkit test intermediate", dir + "/intermediate.key", pki.intermediate_pem, pki.root_pem,
        dir + "/root.key", ca_ext, "2");
  issue("eifkit test enclave", pki.leaf_key, pki.leaf_pem, pki.intermediate_pem,
        dir + "/intermediate.key", leaf_ext, "3");
  return pki;
}

std::vector<uint8_t> forge_attestation(const ForgedDocument& doc, const TestPki& pki) {
  std::map<int, std::vector<uint8_t>> pcrs = doc.pcrs;
  if (pcrs.empty()) {
    for (int i = 0; i < 16; ++i) pcrs[i] = pcr_of(0);
  }
  std::vector<uint8_t> payload;
  head(payload, 5, 9);
  text(payload, "module_id");
  text(payload, doc.module_id);
  text(payload, "digest");
  text(payload, "SHA384");
  text(payload, "timestamp");
  head(payload, 0, doc.timestamp_ms);
  text(payload, "pcrs");
  head(payload, 5, pcrs.size());
  for (const auto& [index, value] : pcrs) {
    head(payload, 0, static_cast<uint64_t>(index));
    bytes(payload, value);
  }
  text(payload, "certificate");
  bytes(payload, certificate_der_from_pem_file(pki.leaf_pem));
  text(payload, "cabundle");
  head(payload, 4, 2);
  bytes(payload, certificate_der_from_pem_file(pki.root_pem));
  bytes(payload, certificate_der_from_pem_file(pki.intermediate_pem));
  text(payload, "public_key");
  optional_bytes(payload, doc.public_key);
  text(payload, "user_data");
  optional_bytes(payload, doc.user_data);
  text(payload, "nonce");
  optional_bytes(payload, doc.nonce);

  std::vector<uint8_t> protected_header = cose_protected_header(CoseAlgorithm::kES384);
  Digest384 digest = sha384(cose_sig_structure(protected_header, payload));
  std::vector<uint8_t> signature = PrivateKey::from_pem_file(pki.leaf_key).sign_digest(digest);
  if (doc.qingtian) {
    std::reverse(signature.begin(), signature.begin() + 48);
    std::reverse(signature.begin() + 48, signature.end());
  }
  std::vector<uint8_t> cose;
  head(cose, 4, 4);
  bytes(cose, protected_header);
  head(cose, 5, 0);
  bytes(cose, payload);
  bytes(cose, signature);
  return cose;
}

}  // namespace eifkit::test
