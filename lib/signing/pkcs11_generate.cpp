// Making a key inside a PKCS#11 token (keygen --generate-in-token) and removing one again,
// through the module's own functions: libp11 0.4.12 cannot generate EC keys.
#include <dlfcn.h>
#include <openssl/rand.h>
#include <p11-kit/pkcs11.h>

#include <algorithm>
#include <cstring>

#include "formats/hex.h"
#include "formats/pkcs11_uri.h"
#include "lib/base/error.h"
#include "lib/signing/pkcs11_token.h"
#include "lib/signing/private_key.h"
#include "lib/signing/private_key_impl.h"

namespace eifkit {

using namespace pkcs11;

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
