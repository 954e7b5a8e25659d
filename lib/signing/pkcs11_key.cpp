// PrivateKey::from_pkcs11: a key in a PKCS#11 token, through libp11. libp11 gives an EVP_PKEY
// whose signing calls go to the token, so the rest of lib/signing uses it like a PEM key.
#include <dlfcn.h>
#include <fcntl.h>
#include <libp11.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <p11-kit/pkcs11.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "formats/hex.h"
#include "formats/pkcs11_uri.h"
#include "lib/base/error.h"
#include "lib/base/file.h"
#include "lib/signing/private_key.h"
#include "lib/signing/private_key_impl.h"

namespace eifkit {

namespace {

constexpr uint64_t kMaxPinFileSize = 4096;

// The module loaded and its slots enumerated; a key taken from it keeps this alive.
struct Pkcs11Context {
  PKCS11_CTX* ctx = nullptr;
  PKCS11_SLOT* slots = nullptr;
  unsigned int count = 0;
  bool loaded = false;
  ~Pkcs11Context() {
    if (slots) PKCS11_release_all_slots(ctx, slots, count);
    if (loaded) PKCS11_CTX_unload(ctx);
    if (ctx) PKCS11_CTX_free(ctx);
  }
};

std::string last_reason() {
  unsigned long e = ERR_peek_last_error();
  const char* reason = e ? ERR_reason_error_string(e) : nullptr;
  ERR_clear_error();
  return reason ? reason : "no reason given";
}

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

// The URI's pin-value (parse_pkcs11_uri puts one written in the path there too), its
// pin-source, the environment, or the terminal. `shown` is the URI without its PIN.
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

// A token as libp11 and the module's token info describe it, for the URI's token attributes.
struct TokenFields {
  std::string label, manufacturer, model, serial;
};

bool token_matches(const Pkcs11Uri& uri, const TokenFields& t) {
  auto want = [&](const char* attr, const std::string& have) {
    auto it = uri.path.find(attr);
    return it == uri.path.end() || it->second == have;
  };
  return want("token", t.label) && want("manufacturer", t.manufacturer) && want("model", t.model) &&
         want("serial", t.serial);
}

// Collects the tokens seen, for the message when none matches.
struct TokenSearch {
  std::string seen;
  void saw(const std::string& label) {
    if (!seen.empty()) seen += ", ";
    seen += '\'';
    seen += label;
    seen += '\'';
  }
  [[noreturn]] void none_matches(const std::string& shown, const std::string& module) const {
    fail(shown,
         "no token matches it in " + module + " (tokens: " + (seen.empty() ? "none" : seen) + ")");
  }
};

// One vocabulary for both paths (libp11 and the module's own functions): a failed login.
[[noreturn]] void login_failed(const std::string& shown, const std::string& label,
                               const std::string& why) {
  fail(shown, "login to token '" + label + "' failed: " + why);
}

// "object=NAME;id=%01%02", as a URI names a key.
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

// Opens the module with dlopen, the caller closing it: libp11 prints the loader's complaint
// to stderr and reports only "Unable to load", so a module is loaded here first and the one
// error line says what is wrong.
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

// What both entry points start from: the URI parsed, and its module found and loadable.
struct TokenRequest {
  std::string shown;  // the URI without its PIN
  Pkcs11Uri uri;
  std::string module;
};

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

}  // namespace

PrivateKey PrivateKey::from_pkcs11(const std::string& uri_text,
                                   const std::optional<std::string>& module_flag,
                                   const std::string& missing_hint) {
  TokenRequest request = resolve_request(uri_text, module_flag);
  const std::string& shown = request.shown;
  const Pkcs11Uri* uri = &request.uri;
  const std::string& module = request.module;
  if (auto type = uri->path.find("type"); type != uri->path.end() && type->second != "private") {
    fail(shown, "type=" + type->second + " names no private key (type=private, or leave it out)");
  }
  ::dlclose(open_module(module));

  auto context = std::make_shared<Pkcs11Context>();
  context->ctx = PKCS11_CTX_new();
  if (!context->ctx) throw Error("cannot start libp11");
  if (PKCS11_CTX_load(context->ctx, module.c_str()) != 0) {
    fail(module, "cannot load the PKCS#11 module: " + last_reason());
  }
  context->loaded = true;
  if (PKCS11_enumerate_slots(context->ctx, &context->slots, &context->count) != 0) {
    fail(module, "cannot list the PKCS#11 slots: " + last_reason());
  }
  PKCS11_SLOT* slot = nullptr;
  TokenSearch search;
  auto text = [](const char* s) { return std::string(s ? s : ""); };
  for (unsigned int i = 0; i < context->count; ++i) {
    PKCS11_SLOT& s = context->slots[i];
    if (!s.token || !s.token->initialized) continue;
    TokenFields fields{text(s.token->label), text(s.token->manufacturer), text(s.token->model),
                       text(s.token->serialnr)};
    search.saw(fields.label);
    if (!slot && token_matches(*uri, fields)) slot = &s;
  }
  if (!slot) search.none_matches(shown, module);
  const std::string label = slot->token->label;
  if (slot->token->loginRequired) {
    std::string pin = pin_for(*uri, label, shown);
    int rc = PKCS11_login(slot, 0, pin.c_str());
    OPENSSL_cleanse(pin.data(), pin.size());
    if (rc != 0) login_failed(shown, label, last_reason());
  }
  PKCS11_KEY* keys = nullptr;
  unsigned int key_count = 0;
  if (PKCS11_enumerate_keys(slot->token, &keys, &key_count) != 0) {
    fail(shown, "cannot list the keys of token '" + label + "': " + last_reason());
  }
  PKCS11_KEY* found = nullptr;
  unsigned int matches = 0;
  auto object = uri->path.find("object");
  auto id = uri->path.find("id");
  for (unsigned int i = 0; i < key_count; ++i) {
    PKCS11_KEY& k = keys[i];
    if (!k.isPrivate) continue;
    if (object != uri->path.end() && (!k.label || object->second != k.label)) continue;
    if (id != uri->path.end() &&
        std::string(reinterpret_cast<const char*>(k.id), k.id_len) != id->second) {
      continue;
    }
    found = &k;
    ++matches;
  }
  if (!found) {
    // Sorted: a token lists its objects in no particular order.
    std::vector<std::string> private_keys;
    for (unsigned int i = 0; i < key_count; ++i) {
      PKCS11_KEY& k = keys[i];
      if (!k.isPrivate) continue;
      private_keys.push_back(key_attributes(
          k.label ? k.label : "", std::string(reinterpret_cast<const char*>(k.id), k.id_len)));
    }
    std::sort(private_keys.begin(), private_keys.end());
    std::string have;
    for (const std::string& k : private_keys) {
      if (!have.empty()) have += ", ";
      have += k;
    }
    fail(shown,
         "token '" + label + "' has no private key " + key_selector(*uri) +
             (have.empty() ? " (it has no private keys)" : " (its private keys: " + have + ")") +
             missing_hint);
  }
  if (matches > 1) {
    fail(shown, "token '" + label + "' has " + std::to_string(matches) + " private keys " +
                    key_selector(*uri) + ": name one with object= or id=");
  }
  auto impl = std::make_unique<Impl>();
  impl->token = context;
  impl->name = shown;
  impl->pkey.reset(PKCS11_get_private_key(found));
  if (!impl->pkey) fail(shown, "cannot use the key: " + last_reason());
  return from_impl(std::move(impl), shown);
}

namespace {

// The DER OID of each curve, as CKA_EC_PARAMS takes it.
std::vector<uint8_t> ec_params(Curve curve) {
  switch (curve) {
    case Curve::kP256:
      return {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    case Curve::kP384:
      return {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
    case Curve::kP521:
      return {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};
  }
  return {};
}

std::string ckr_text(CK_RV rv) {
  switch (rv) {
    case CKR_PIN_INCORRECT:
      return "PIN incorrect";
    case CKR_MECHANISM_INVALID:
      return "the token cannot generate EC keys";
    case CKR_TOKEN_WRITE_PROTECTED:
      return "the token is write-protected";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "PKCS#11 error 0x%lx", static_cast<unsigned long>(rv));
      return buf;
    }
  }
}

// A fixed-width, blank-padded PKCS#11 string.
std::string padded(const unsigned char* field, size_t size) {
  std::string s(reinterpret_cast<const char*>(field), size);
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

// The module's own function list, for the one call libp11 0.4.12 lacks (EC key generation);
// everything else goes through libp11.
struct ModuleSession {
  void* handle = nullptr;
  CK_FUNCTION_LIST* f = nullptr;
  bool initialized = false;
  CK_SESSION_HANDLE session = 0;
  bool open = false;
  bool logged_in = false;
  ModuleSession() = default;
  ModuleSession(const ModuleSession&) = delete;
  ModuleSession& operator=(const ModuleSession&) = delete;
  ~ModuleSession() { close(); }
  void close() {
    if (logged_in) f->C_Logout(session);
    if (open) f->C_CloseSession(session);
    if (initialized) f->C_Finalize(nullptr);
    if (handle) ::dlclose(handle);
    logged_in = open = initialized = false;
    handle = nullptr;
  }
};

// A read-write session on the token the request names, logged in as the user; `label` is
// set to the token's label.
void open_token_session(const TokenRequest& request, ModuleSession& m, std::string& label) {
  const std::string& shown = request.shown;
  const Pkcs11Uri* uri = &request.uri;
  const std::string& module = request.module;
  m.handle = open_module(module);
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(m.handle, "C_GetFunctionList"));
  if (!get_list || get_list(&m.f) != CKR_OK || !m.f) {
    fail(module, "is not a PKCS#11 module (C_GetFunctionList failed)");
  }
  CK_RV rv = m.f->C_Initialize(nullptr);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    fail(module, "cannot start the PKCS#11 module: " + ckr_text(rv));
  }
  m.initialized = rv == CKR_OK;
  CK_ULONG count = 0;
  if (m.f->C_GetSlotList(CK_TRUE, nullptr, &count) != CKR_OK) {
    fail(module, "cannot list the PKCS#11 slots");
  }
  std::vector<CK_SLOT_ID> slots(count);
  if (count && m.f->C_GetSlotList(CK_TRUE, slots.data(), &count) != CKR_OK) {
    fail(module, "cannot list the PKCS#11 slots");
  }
  std::optional<CK_SLOT_ID> chosen;
  TokenSearch search;
  for (CK_ULONG i = 0; i < count && !chosen; ++i) {
    CK_TOKEN_INFO info{};
    if (m.f->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
    if (!(info.flags & CKF_TOKEN_INITIALIZED)) continue;
    TokenFields fields{padded(info.label, sizeof info.label),
                       padded(info.manufacturerID, sizeof info.manufacturerID),
                       padded(info.model, sizeof info.model),
                       padded(info.serialNumber, sizeof info.serialNumber)};
    search.saw(fields.label);
    if (token_matches(*uri, fields)) {
      chosen = slots[i];
      label = fields.label;
    }
  }
  if (!chosen) search.none_matches(shown, module);
  rv = m.f->C_OpenSession(*chosen, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                          &m.session);
  if (rv != CKR_OK) fail(shown, "cannot open a session on token '" + label + "': " + ckr_text(rv));
  m.open = true;
  std::string pin = pin_for(*uri, label, shown);
  rv = m.f->C_Login(m.session, CKU_USER, reinterpret_cast<unsigned char*>(pin.data()), pin.size());
  OPENSSL_cleanse(pin.data(), pin.size());
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) login_failed(shown, label, ckr_text(rv));
  m.logged_in = rv == CKR_OK;
}

// The handles of the token's objects that have every attribute given.
std::vector<CK_OBJECT_HANDLE> find_objects(ModuleSession& m, std::vector<CK_ATTRIBUTE> want) {
  std::vector<CK_OBJECT_HANDLE> found;
  if (m.f->C_FindObjectsInit(m.session, want.data(), want.size()) != CKR_OK) return found;
  CK_OBJECT_HANDLE batch[16];
  CK_ULONG n = 0;
  while (m.f->C_FindObjects(m.session, batch, std::size(batch), &n) == CKR_OK && n > 0) {
    found.insert(found.end(), batch, batch + n);
  }
  m.f->C_FindObjectsFinal(m.session);
  return found;
}

}  // namespace

PrivateKey PrivateKey::generate_in_pkcs11(const std::string& uri_text,
                                          const std::optional<std::string>& module_flag,
                                          Curve curve, std::string* made_id) {
  TokenRequest request = resolve_request(uri_text, module_flag);
  const std::string& shown = request.shown;
  const Pkcs11Uri* uri = &request.uri;
  auto object = uri->path.find("object");
  if (object == uri->path.end() || object->second.empty()) {
    fail(shown, "a key made in a token needs a label: add object=NAME to the URI");
  }
  ModuleSession m;
  std::string label;
  open_token_session(request, m, label);
  std::string name = object->second;
  auto given_id = uri->path.find("id");
  // A new key is never mixed up with one there: no object may have its label or id.
  bool taken = !find_objects(m, {{CKA_LABEL, name.data(), name.size()}}).empty();
  if (!taken && given_id != uri->path.end()) {
    std::string wanted = given_id->second;
    taken = !find_objects(m, {{CKA_ID, wanted.data(), wanted.size()}}).empty();
  }
  if (taken) {
    fail(shown, "token '" + label + "' already has an object " + key_selector(*uri) +
                    ": a new key needs a label and id of its own");
  }

  // The same label and id on both halves, as libp11 pairs them; a random id unless given.
  std::string id;
  if (auto it = uri->path.find("id"); it != uri->path.end()) {
    id = it->second;
  } else {
    id.resize(16);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(id.data()), 16) != 1) {
      throw Error("cannot make a random key id");
    }
  }
  std::vector<uint8_t> params = ec_params(curve);
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_ATTRIBUTE pub[] = {
      {CKA_TOKEN, &yes, sizeof yes},
      {CKA_VERIFY, &yes, sizeof yes},
      {CKA_EC_PARAMS, params.data(), params.size()},
      {CKA_LABEL, name.data(), name.size()},
      {CKA_ID, id.data(), id.size()},
  };
  // Never leaves the token: sensitive and not extractable.
  CK_ATTRIBUTE priv[] = {
      {CKA_TOKEN, &yes, sizeof yes},     {CKA_PRIVATE, &yes, sizeof yes},
      {CKA_SENSITIVE, &yes, sizeof yes}, {CKA_EXTRACTABLE, &no, sizeof no},
      {CKA_SIGN, &yes, sizeof yes},      {CKA_LABEL, name.data(), name.size()},
      {CKA_ID, id.data(), id.size()},
  };
  CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE pub_handle = 0, priv_handle = 0;
  CK_RV rv = m.f->C_GenerateKeyPair(m.session, &mechanism, pub, std::size(pub), priv,
                                    std::size(priv), &pub_handle, &priv_handle);
  if (rv != CKR_OK) {
    fail(shown, "generating a " + std::string(curve_name(curve)) + " key in token '" + label +
                    "' failed: " + ckr_text(rv));
  }
  // Closed before libp11 opens the module again.
  m.close();
  try {
    PrivateKey key = from_pkcs11(uri_text, module_flag);
    if (made_id) *made_id = id;
    return key;
  } catch (const Error&) {
    remove_from_pkcs11(uri_text, module_flag, id);
    throw;
  }
}

void PrivateKey::remove_from_pkcs11(const std::string& uri_text,
                                    const std::optional<std::string>& module_flag,
                                    const std::string& id) {
  TokenRequest request = resolve_request(uri_text, module_flag);
  auto object = request.uri.path.find("object");
  if (object == request.uri.path.end() || id.empty()) return;
  ModuleSession m;
  std::string label;
  open_token_session(request, m, label);
  std::string name = object->second, wanted = id;
  for (CK_OBJECT_HANDLE h : find_objects(
           m, {{CKA_LABEL, name.data(), name.size()}, {CKA_ID, wanted.data(), wanted.size()}})) {
    CK_RV rv = m.f->C_DestroyObject(m.session, h);
    if (rv != CKR_OK) {
      fail(request.shown, "cannot remove the new key from token '" + label + "': " + ckr_text(rv));
    }
  }
}

}  // namespace eifkit
