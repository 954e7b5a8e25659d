// PrivateKey::from_pkcs11: a key in a PKCS#11 token, through libp11. libp11 gives an EVP_PKEY
// whose signing calls go to the token, so the rest of lib/signing uses it like a PEM key.
// Making and removing keys in a token: pkcs11_generate.cpp.
#include <dlfcn.h>
#include <libp11.h>
#include <openssl/err.h>

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

}  // namespace eifkit
