#include "lib/policy/build_record.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <future>
#include <vector>

#include "formats/eif_header.h"
#include "formats/hex.h"
#include "lib/base/build_time.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/base/json_read.h"
#include "lib/base/output_conflicts.h"
#include "lib/eif/eif_reader.h"
#include "lib/hash/sha256.h"
#include "lib/signing/signature_check.h"

namespace eifkit {

FileDigests file_digests(const std::string& path) {
  File file = File::open_read(path);
  Sha256 h256;
  Sha384 h384;
  FileDigests d;
  std::vector<uint8_t> buf(1 << 20);
  for (size_t n; (n = file.read_some(buf)) > 0;) {
    auto chunk = std::span<const uint8_t>(buf).first(n);
    h256.update(chunk);
    h384.update(chunk);
    d.size += n;
  }
  d.sha256 = h256.finish();
  d.sha384 = h384.finish();
  return d;
}

nlohmann::json file_input(const std::string& name, const std::string& path) {
  FileDigests d = file_digests(path);
  return {{"Name", name},
          {"Path", path},
          {"Digest", {{"sha256", to_hex(d.sha256)}, {"sha384", to_hex(d.sha384)}}}};
}

namespace {

const nlohmann::json* member(const std::optional<nlohmann::json>& obj, const char* key) {
  if (!obj || !obj->is_object()) return nullptr;
  auto it = obj->find(key);
  return it == obj->end() ? nullptr : &*it;
}

nlohmann::json string_or_null(const nlohmann::json* value) {
  return value && value->is_string() ? *value : nlohmann::json();
}

// "linux/amd64" or "linux/arm64": the image's own OS and architecture when the metadata holds
// its DockerInfo, else what the EIF header's architecture flag says.
std::string platform_of(const std::optional<nlohmann::json>& docker_info, Arch arch) {
  auto os = string_or_null(member(docker_info, "Os"));
  auto architecture = string_or_null(member(docker_info, "Architecture"));
  if (os.is_string() && architecture.is_string()) {
    std::string a = architecture.get<std::string>();
    if (a == "x86_64") a = "amd64";
    if (a == "aarch64") a = "arm64";
    return os.get<std::string>() + "/" + a;
  }
  return arch == Arch::kAarch64 ? "linux/arm64" : "linux/amd64";
}

// OpenSSL prints certificate times as "Nov 22 22:43:31 2026 GMT"; the record uses RFC 3339,
// as BuildTime does. Anything else is kept as printed.
std::string rfc3339_of_certificate_time(const std::string& text) {
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char month[4] = {};
  std::tm tm{};
  char zone[4] = {};
  if (std::sscanf(text.c_str(), "%3s %d %d:%d:%d %d %3s", month, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &tm.tm_year, zone) != 7 ||
      std::strcmp(zone, "GMT") != 0) {
    return text;
  }
  auto it = std::find_if(kMonths.begin(), kMonths.end(),
                         [&](const char* m) { return std::strcmp(m, month) == 0; });
  if (it == kMonths.end()) return text;
  tm.tm_mon = static_cast<int>(it - kMonths.begin());
  tm.tm_year -= 1900;
  return format_rfc3339_utc(timegm(&tm));
}

nlohmann::json signer_of(const EifScan& scan, const std::string& path) {
  if (!scan.signature) return nullptr;
  SignatureFacts facts = check_signature_section(*scan.signature, scan.measurements.pcr0, path);
  if (!facts.signature_valid || !facts.payload_matches) {
    fail(path, "signature does not check (" + facts.problem +
                   "): nitro-cli would not run this image, so no record is made of it");
  }
  return signer_json(facts.certificate);
}

struct HashAlgorithm {
  const char* name;
  size_t digest_size;
};
constexpr std::array<HashAlgorithm, 3> kHashAlgorithms = {
    {{"Sha384", 48}, {"Sha256", 32}, {"Sha512", 64}}};

// "PCR<N>" with N 0 to 31 written without leading zeros; -1 for any other key.
int pcr_number(const std::string& key) {
  if (key.size() < 4 || key.size() > 5 || key.compare(0, 3, "PCR") != 0) return -1;
  std::string digits = key.substr(3);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      (digits.size() == 2 && digits[0] == '0')) {
    return -1;
  }
  int n = std::stoi(digits);
  return n <= 31 ? n : -1;
}

}  // namespace

nlohmann::json signer_json(const Certificate& certificate) {
  nlohmann::json described = certificate.describe();
  return {{"Subject", certificate.subject()},
          {"Sha256Fingerprint", certificate.sha256_fingerprint()},
          {"NotBefore", rfc3339_of_certificate_time(described["NotBefore"].get<std::string>())},
          {"NotAfter", rfc3339_of_certificate_time(described["NotAfter"].get<std::string>())}};
}

RecordPcrs record_pcrs(const nlohmann::json& record, const std::string& source) {
  if (!record.is_object()) fail(source, "not a build record (expected a JSON object)");
  const nlohmann::json& m = object_field(record, "Measurements", source);
  std::string algorithm = string_field(m, "HashAlgorithm", source + ": Measurements");
  // nitro-cli writes "Sha384 { ... }": the name is what comes before the first space.
  std::string name = algorithm.substr(0, algorithm.find(' '));
  auto known = std::find_if(kHashAlgorithms.begin(), kHashAlgorithms.end(), [&](auto& a) {
    return std::equal(name.begin(), name.end(), a.name, a.name + std::strlen(a.name),
                      [](char x, char y) { return std::tolower(x) == std::tolower(y); });
  });
  if (known == kHashAlgorithms.end()) {
    fail(source, "Measurements.HashAlgorithm \"" + algorithm +
                     "\" is not one of Sha384 { ... }, Sha256 { ... }, Sha512 { ... }");
  }
  const size_t digits = known->digest_size * 2;
  RecordPcrs pcrs{known->name, digits, {}};
  for (auto& [key, value] : m.items()) {
    int n = pcr_number(key);
    if (n < 0) continue;
    std::string hex = value.is_string() ? value.get<std::string>() : "";
    std::transform(hex.begin(), hex.end(), hex.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (hex.size() != digits || !is_lower_hex(hex)) {
      fail(source, "Measurements." + key + " is not " + std::to_string(digits) +
                       " hexadecimal digits (a " + pcrs.hash_algorithm + " PCR)");
    }
    if (n == 8 && hex == std::string(digits, '0')) continue;  // unsigned, as QingTian prints
    pcrs.values[n] = hex;
  }
  return pcrs;
}

nlohmann::json build_record_from_eif(const std::string& eif_path,
                                     const std::string& recorded_path) {
  EifImage image = open_eif(eif_path);
  // The file digests need every byte in file order, the PCRs every section: two streams, run
  // side by side.
  std::future<FileDigests> digests =
      std::async(std::launch::async, [&eif_path] { return file_digests(eif_path); });
  EifScan scan = scan_eif(image);
  if (!scan.crc_ok) fail(eif_path, crc_mismatch(image, scan));
  nlohmann::json signer = signer_of(scan, eif_path);
  FileDigests d = digests.get();

  const std::optional<nlohmann::json>& metadata = scan.metadata;
  const nlohmann::json* build = member(metadata, "BuildMetadata");
  std::optional<nlohmann::json> build_metadata;
  if (build && build->is_object()) build_metadata = *build;
  std::optional<nlohmann::json> docker_info;
  if (const nlohmann::json* docker = member(metadata, "DockerInfo");
      docker && docker->is_object()) {
    docker_info = *docker;
  }
  return {
      {"RecordVersion", kRecordVersion},
      {"Eif",
       {{"Path", recorded_path.empty() ? eif_path : recorded_path},
        {"Sha256", to_hex(d.sha256)},
        {"Sha384", to_hex(d.sha384)},
        {"Size", d.size}}},
      {"Measurements", measurements_json(scan.measurements)},
      {"Image",
       {{"Name", string_or_null(member(metadata, "ImageName"))},
        {"Version", string_or_null(member(metadata, "ImageVersion"))},
        {"Digest", string_or_null(member(docker_info, "Id"))},
        {"Platform", platform_of(docker_info, header_arch(image.header))}}},
      {"BuildTime", string_or_null(member(build_metadata, "BuildTime"))},
      {"BuildTool", string_or_null(member(build_metadata, "BuildTool"))},
      {"BuildToolVersion", string_or_null(member(build_metadata, "BuildToolVersion"))},
      {"InitSha384", string_or_null(member(build_metadata, "EifkitInitSha384"))},
      {"Signer", signer},
  };
}

nlohmann::json load_record(const std::string& path) {
  if (has_eif_magic(path)) return build_record_from_eif(path);
  nlohmann::json record = parse_json_object(read_small_file(path, kMaxRecordFileSize), path,
                                            "a build record or an EIF");
  if (auto v = record.find("RecordVersion"); v != record.end()) {
    if (!v->is_number_integer() || v->get<int64_t>() != kRecordVersion) {
      fail(path, "RecordVersion " + v->dump() + " is not supported (this eifkit reads " +
                     std::to_string(kRecordVersion) + ")");
    }
  }
  RecordPcrs pcrs = record_pcrs(record, path);
  nlohmann::json& m = record["Measurements"];
  for (const auto& [n, hex] : pcrs.values) m["PCR" + std::to_string(n)] = hex;
  if (!pcrs.signed_image()) m.erase("PCR8");  // all zeros: unsigned
  return record;
}

nlohmann::json qingtian_output(const Measurements& m) {
  return {{"digest", "SHA384"},
          {"PCR0", to_hex(m.pcr0)},
          {"PCR8", m.pcr8 ? to_hex(*m.pcr8) : std::string(96, '0')}};
}

void refuse_stale_record(const nlohmann::json& record, const std::string& record_path,
                         const std::string& eif_path) {
  const nlohmann::json* eif =
      record.is_object() && record.contains("Eif") ? &record["Eif"] : nullptr;
  std::string path = eif_path;
  if (path.empty()) {
    if (!eif || !eif->is_object() || !(*eif)["Path"].is_string()) return;
    path = (*eif)["Path"].get<std::string>();
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;  // the EIF stayed behind
  }
  if (same_file(path, record_path)) return;  // an EIF given as its own record
  if (!eif || !eif->is_object() || !(*eif)["Sha384"].is_string()) {
    fail(record_path, "has no Eif.Sha384 to compare with " + path);
  }
  std::string recorded = (*eif)["Sha384"].get<std::string>();
  std::string actual = to_hex(file_digests(path).sha384);
  if (recorded != actual) {
    fail(record_path, "is stale: it records an EIF with SHA-384 " + recorded.substr(0, 16) +
                          "…, but " + path + " has " + actual.substr(0, 16) +
                          "… (rebuilt or re-signed since?); write a new record with "
                          "--measurements-out, or give the EIF itself");
  }
}

}  // namespace eifkit
