#include "lib/signing/pkcs11_token.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "formats/hex.h"
#include "lib/base/file.h"

namespace eifkit::pkcs11 {

namespace {

constexpr uint64_t kMaxPinFileSize = 4096;

std::string module_for(const Pkcs11Uri& uri, const std::optional<std::string>& flag,
                       const std::string& shown) {
  if (flag && !flag->empty()) return *flag;
  auto it = uri.query.find("module-path");
  if (it != uri.query.end() && !it->second.empty()) return it->second;
  const char* env = std::getenv("EIFKIT_PKCS11_MODULE");
  if (env && *env) return env;
  fail(shown, "no PKCS#11 module: give --pkcs11-module PATH or set EIFKIT_PKCS11_MODULE");
}

std::string trim_line(std::string s) {
  size_t end = s.find_first_of("\r\n");
  if (end != std::string::npos) s.resize(end);
  return s;
}

// Read with echo off from the controlling terminal, as ssh and gpg ask; only when standard
// input is a terminal too, so that a CI job without a PIN fails rather than waits.
std::optional<std::string> prompt_pin(const std::string& token) {
  if (!::isatty(STDIN_FILENO)) return std::nullopt;
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string prompt = "PIN for token '" + token + "': ";
  (void)!::write(fd, prompt.data(), prompt.size());
  termios old{};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string pin;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n' && pin.size() < 256) pin += c;
  if (restore) ::tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return pin;
}

}  // namespace

std::string pin_for(const Pkcs11Uri& uri, const std::string& token, const std::string& shown) {
  if (auto it = uri.query.find("pin-value"); it != uri.query.end()) return it->second;
  if (auto it = uri.query.find("pin-source"); it != uri.query.end()) {
    std::string path = it->second.starts_with("file:") ? it->second.substr(5) : it->second;
    std::vector<uint8_t> bytes = read_small_file(path, kMaxPinFileSize);
    return trim_line(std::string(bytes.begin(), bytes.end()));
  }
  if (const char* env = std::getenv("EIFKIT_PKCS11_PIN")) return env;
  if (auto typed = prompt_pin(token)) return *typed;
  fail(shown, "token '" + token +
                  "' needs a PIN: give pin-source=file:PATH in the URI, set EIFKIT_PKCS11_PIN, "
                  "or run on a terminal");
}

bool token_matches(const Pkcs11Uri& uri, const TokenFields& t) {
  auto want = [&](const char* attr, const std::string& have) {
    auto it = uri.path.find(attr);
    return it == uri.path.end() || it->second == have;
  };
  return want("token", t.label) && want("manufacturer", t.manufacturer) && want("model", t.model) &&
         want("serial", t.serial);
}

[[noreturn]] void login_failed(const std::string& shown, const std::string& label,
                               const std::string& why) {
  fail(shown, "login to token '" + label + "' failed: " + why);
}

std::string key_attributes(const std::string& label, const std::string& id) {
  std::string s;
  if (!label.empty()) {
    s += "object=";
    s += label;
  }
  if (!id.empty()) {
    if (!s.empty()) s += ';';
    s += "id=";
    for (unsigned char byte : id) {
      s += '%';
      s += to_hex(std::span(&byte, 1));
    }
  }
  return s.empty() ? "(no label or id)" : s;
}

std::string key_selector(const Pkcs11Uri& uri) {
  std::string s;
  for (const char* attr : {"object", "id"}) {
    auto it = uri.path.find(attr);
    if (it == uri.path.end()) continue;
    std::string value;
    if (attr == std::string("id")) {
      for (unsigned char byte : it->second) {
        value += '%';
        value += to_hex(std::span(&byte, 1));
      }
    } else {
      value = it->second;
    }
    if (!s.empty()) s += ';';
    s += attr;
    s += '=';
    s += value;
  }
  return s.empty() ? "(any)" : s;
}

void* open_module(const std::string& module) {
  if (::access(module.c_str(), R_OK) != 0) fail_errno(module, "cannot read the PKCS#11 module");
  void* handle = ::dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::string why = ::dlerror();
    if (why.starts_with(module + ": ")) why.erase(0, module.size() + 2);
    fail(module, "cannot load the PKCS#11 module: " + why);
  }
  if (!::dlsym(handle, "C_GetFunctionList")) {
    ::dlclose(handle);
    fail(module, "is not a PKCS#11 module (it has no C_GetFunctionList)");
  }
  return handle;
}

TokenRequest resolve_request(const std::string& uri_text,
                             const std::optional<std::string>& module_flag) {
  TokenRequest r;
  r.shown = redact_pkcs11_uri(uri_text);
  std::string problem;
  std::optional<Pkcs11Uri> uri = parse_pkcs11_uri(uri_text, problem);
  if (!uri) fail(r.shown, "not a valid PKCS#11 URI: " + problem);
  r.uri = std::move(*uri);
  r.module = module_for(r.uri, module_flag, r.shown);
  return r;
}

}  // namespace eifkit::pkcs11
