#include "lib/diff/diff_text.h"

#include <sstream>

#include "lib/base/byte_strings.h"

namespace eifkit {

namespace {

using nlohmann::json;

std::string value(const json& v) {
  // Content digests are shortened: the JSON report has them whole.
  if (v.is_string() && v.get<std::string>().rfind("sha256:", 0) == 0) {
    return v.get<std::string>().substr(0, 23) + "…";
  }
  return printable(v.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string text(const json& v) {
  return v.is_string() ? printable(v.get<std::string>()) : value(v);
}

std::string part_facts(const json& side) {
  if (side.is_null()) return "absent";
  std::string s = std::to_string(side["Size"].get<uint64_t>()) + " bytes, sha384 " +
                  side["Sha384"].get<std::string>().substr(0, 16) + "…";
  if (side.contains("Compression") && side["Compression"] != "none") {
    s += ", " + side["Compression"].get<std::string>();
  }
  return s;
}

std::string joined(const json& list, const char* separator = ", ") {
  std::string out;
  for (const json& item : list) {
    if (!out.empty()) out += separator;
    out += text(item);
  }
  return out;
}

void pcr_lines(std::ostream& out, const json& pcrs) {
  for (auto& [name, p] : pcrs.items()) {
    // Only PCR8 is ever missing from an EIF: the image is unsigned.
    const char* missing = name == "PCR8" ? "(unsigned)" : "(absent)";
    auto shown = [&](const json& v) { return v.is_null() ? std::string(missing) : text(v); };
    if (p["Equal"]) {
      out << name << "  equal    " << (p["A"].is_null() ? "(both unsigned)" : text(p["A"])) << "\n";
    } else {
      out << name << "  differs  A " << shown(p["A"]) << "\n"
          << std::string(name.size() + 11, ' ') << "B " << shown(p["B"]) << "\n";
    }
  }
}

void change_line(std::ostream& out, const json& c) {
  std::string change = c["Change"];
  out << "      " << change << std::string(change.size() < 8 ? 8 - change.size() : 1, ' ')
      << text(c["Name"]);
  if (change == "changed") {
    std::string attrs;
    for (auto& [attr, pair] : c["Attributes"].items()) {
      if (!attrs.empty()) attrs += "; ";
      attrs += attr + " " + value(pair["A"]) + " -> " + value(pair["B"]);
    }
    out << "  " << attrs;
  } else {
    out << "  (" << text(c["Type"]) << ", " << c["Size"].get<uint64_t>() << " bytes)";
  }
  out << "\n";
}

void files_lines(std::ostream& out, const json& f) {
  out << "    files: " << f["Changed"] << " changed, " << f["Added"] << " added, " << f["Removed"]
      << " removed (" << f["Entries"]["A"] << " entries -> " << f["Entries"]["B"] << ")\n";
  if (!f["ChangedAttributes"].empty()) {
    std::string attrs;
    for (auto& [attr, n] : f["ChangedAttributes"].items()) {
      if (!attrs.empty()) attrs += ", ";
      attrs += attr + " on " + std::to_string(n.get<uint64_t>());
    }
    out << "    changed attributes: " << attrs << "\n";
  }
  for (const json& c : f["Changes"]) change_line(out, c);
  uint64_t total =
      f["Changed"].get<uint64_t>() + f["Added"].get<uint64_t>() + f["Removed"].get<uint64_t>();
  if (f["Truncated"]) {
    out << "      … " << total - f["Changes"].size() << " more (--max-changes shows more)\n";
  }
  if (!f["SameOrder"]) {
    out << "    " << (total == 0 ? "same files, different order" : "order differs")
        << ": first out of order: " << text(f["FirstOutOfOrder"]) << "\n";
  }
}

void ramdisk_lines(std::ostream& out, const json& r, bool files_asked) {
  out << "  ramdisk " << r["Index"] << " (" << text(r["Role"]) << "): " << part_facts(r["A"])
      << " -> " << part_facts(r["B"]) << "\n";
  if (r.contains("Files")) {
    files_lines(out, r["Files"]);
  } else if (r.contains("FilesProblems")) {
    for (const json& p : r["FilesProblems"])
      out << "    not compared file by file: " << text(p) << "\n";
  } else if (!files_asked) {
    out << "    (--no-ramdisk-files was given: files not compared)\n";
  }
}

void ramdisks_of(std::ostream& out, const json& report, bool bootstrap) {
  for (const json& r : report["Ramdisks"]) {
    if (!r["Equal"] && (r["Index"] == 0) == bootstrap)
      ramdisk_lines(out, r, report["RamdiskFiles"]);
  }
}

// PCR1's parts: kernel, cmdline, the bootstrap ramdisk.
void boot_group(std::ostream& out, const json& report) {
  out << "\nPCR1 (boot stack: kernel, cmdline, ramdisk 0) differs because of: "
      << joined(report["Causes"]["PCR1"]) << "\n";
  const json& k = report["Kernel"];
  if (!k["Equal"])
    out << "  kernel: " << part_facts(k["A"]) << " -> " << part_facts(k["B"]) << "\n";
  const json& c = report["Cmdline"];
  if (!c["Equal"]) {
    out << "  cmdline: " << value(c["A"]) << " -> " << value(c["B"]) << "\n";
    if (!c["Removed"].empty()) out << "    removed: " << joined(c["Removed"], " ") << "\n";
    if (!c["Added"].empty()) out << "    added: " << joined(c["Added"], " ") << "\n";
  }
  ramdisks_of(out, report, true);
}

std::string signer(const json& who) {
  if (who.is_null()) return "unsigned";
  return text(who["Subject"]) + ", sha256 fingerprint " + text(who["Sha256Fingerprint"]) +
         ", valid " + text(who["NotBefore"]) + " to " + text(who["NotAfter"]);
}

std::string section_list(const json& list) {
  std::string t;
  for (const json& e : list) {
    t +=
        (t.empty() ? "" : ", ") + text(e["Type"]) + " " + std::to_string(e["Size"].get<uint64_t>());
  }
  return t;
}

// What no PCR covers: header fields, metadata fields, signature bytes.
std::string unmeasured(const json& report) {
  std::ostringstream out;
  for (const json& c : report["Header"]["Changes"]) {
    out << "  header: " << text(c["Field"]) << " " << text(c["A"]) << " -> " << text(c["B"])
        << "\n";
  }
  const json& m = report["Metadata"];
  for (const json& c : m["Changes"]) {
    out << "  metadata: " << text(c["Field"]) << " "
        << (c.contains("A") ? value(c["A"]) : "(absent)") << " -> "
        << (c.contains("B") ? value(c["B"]) : "(absent)") << "\n";
  }
  if (m["Truncated"]) {
    out << "  metadata: … " << m["Count"].get<uint64_t>() - m["Changes"].size() << " more\n";
  }
  const json& s = report["Signature"];
  if (!s["Equal"] && s["CertificateEqual"]) {
    out << "  signature: same certificate, different signature bytes (each ECDSA signature "
           "differs)\n";
  }
  return out.str();
}

void eif_groups(std::ostream& out, const json& report) {
  const json& causes = report["Causes"];
  auto split_differently = [&](const char* pcr) {
    if (causes[pcr] == json::array({"Sections"})) {
      out << "  the same bytes, split into sections or ordered differently\n";
    }
  };
  if (causes.contains("PCR0")) {
    out << "\nPCR0 (the whole image) differs because of: " << joined(causes["PCR0"]) << "\n";
  }
  if (causes.contains("PCR1")) {
    boot_group(out, report);
    split_differently("PCR1");
  }
  if (causes.contains("PCR2")) {
    out << "\nPCR2 (application: ramdisks 1 and on) differs because of: " << joined(causes["PCR2"])
        << "\n";
    ramdisks_of(out, report, false);
    split_differently("PCR2");
  }
  if (causes.contains("PCR8")) {
    const json& s = report["Signature"];
    out << "\nPCR8 (signing certificate) differs:\n  A: " << signer(s["A"])
        << "\n  B: " << signer(s["B"]) << "\n";
  }
  const json& sections = report["Sections"];
  if (!sections["Equal"]) {
    out << "\nSection table differs:\n  A: " << section_list(sections["A"])
        << "\n  B: " << section_list(sections["B"]) << "\n";
  }
  std::string outside = unmeasured(report);
  if (!outside.empty()) out << "\nNot measured (changes no PCR):\n" << outside;
}

void record_groups(std::ostream& out, const json& report) {
  const json& r = report["Record"];
  if (!r["Changes"].empty()) {
    out << "\nRecord fields that differ:\n";
    for (const json& c : r["Changes"]) {
      out << "  " << text(c["Field"]) << " " << value(c["A"]) << " -> " << value(c["B"]) << "\n";
    }
    if (r["Truncated"])
      out << "  … " << r["Count"].get<uint64_t>() - r["Changes"].size() << " more\n";
  }
  if (!r["OnlyInA"].empty()) out << "Only in A: " << joined(r["OnlyInA"]) << "\n";
  if (!r["OnlyInB"].empty()) out << "Only in B: " << joined(r["OnlyInB"]) << "\n";
  out << "(a record holds no sections: diff two EIFs to see which part changed)\n";
}

}  // namespace

std::string diff_text(const json& report) {
  std::ostringstream out;
  out << "A: " << text(report["A"]["Path"]) << " (" << text(report["A"]["Kind"]) << ")\n"
      << "B: " << text(report["B"]["Path"]) << " (" << text(report["B"]["Kind"]) << ")\n\n";
  pcr_lines(out, report["Pcrs"]);
  if (report["Compared"] == "eif") {
    eif_groups(out, report);
  } else {
    record_groups(out, report);
  }
  out << "\n";
  if (!report["PcrsEqual"]) {
    std::string differing;
    int count = 0;
    for (auto& [name, p] : report["Pcrs"].items()) {
      if (!p["Equal"]) differing += (count++ ? ", " : "") + name;
    }
    out << "Result: " << differing << (count == 1 ? " differs\n" : " differ\n");
  } else if (report["Identical"] == true) {
    out << "Result: the files are identical\n";
  } else if (report["OnlyOutsidePcrs"]) {
    out << "Result: every PCR is equal; the files differ only outside the PCRs\n";
  } else {
    out << "Result: every PCR is equal\n";
  }
  return out.str();
}

}  // namespace eifkit
