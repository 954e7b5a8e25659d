#include "tests/support/independent_hash.h"

#include <stdexcept>

#include "tests/support/test_support.h"

namespace eifkit::test {

namespace {

// The first word of the tool's one line of output: the digest in hex.
std::string first_word(const std::string& line, const std::string& tool) {
  std::string word = line.substr(0, line.find_first_of(" \n"));
  if (word.size() != 96) throw std::runtime_error(tool + " printed " + line);
  return word;
}

}  // namespace

std::string openssl_sha384_hex(const std::string& path) {
  // -r: "HEX *FILE", as sha384sum prints it.
  return first_word(tool_output({"openssl", "dgst", "-sha384", "-r", path}), "openssl");
}

std::string openssl_sha384_hex(std::span<const uint8_t> bytes) {
  ScratchDir dir;
  write_bytes(dir / "data", {bytes.begin(), bytes.end()});
  return openssl_sha384_hex(dir / "data");
}

std::string python_pcr_hex(const std::vector<std::string>& files) {
  std::vector<std::string> args = {"python3", "-c",
                                   "import hashlib, sys\n"
                                   "h = hashlib.sha384()\n"
                                   "for name in sys.argv[1:]:\n"
                                   "    with open(name, 'rb') as f:\n"
                                   "        h.update(f.read())\n"
                                   "print(hashlib.sha384(bytes(48) + h.digest()).hexdigest())\n"};
  args.insert(args.end(), files.begin(), files.end());
  return first_word(tool_output(args), "python3");
}

}  // namespace eifkit::test
