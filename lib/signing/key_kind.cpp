#include "lib/signing/key_kind.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "lib/signing/curve_openssl.h"

namespace eifkit {

KeyKind classify(const EVP_PKEY* pkey) {
  KeyKind kind;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    kind.ec = true;
    char group[80] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) != 1) {
      ERR_clear_error();
      kind.description = "EC with explicit curve parameters";
      return kind;
    }
    int nid = OBJ_sn2nid(group);
    for (Curve c : {Curve::kP256, Curve::kP384, Curve::kP521}) {
      if (nid != NID_undef && nid == curve_nid(c)) kind.curve = c;
    }
    kind.description =
        kind.curve ? std::string("EC ") + curve_name(*kind.curve) : std::string("EC on ") + group;
    return kind;
  }
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
      kind.description = "RSA";
      break;
    case EVP_PKEY_RSA_PSS:
      kind.description = "RSA-PSS";
      break;
    case EVP_PKEY_DSA:
      kind.description = "DSA";
      break;
    case EVP_PKEY_ED25519:
      kind.description = "Ed25519";
      break;
    case EVP_PKEY_ED448:
      kind.description = "Ed448";
      break;
    default: {
      const char* name = EVP_PKEY_get0_type_name(pkey);
      kind.description = name ? name : "of an unknown type";
    }
  }
  return kind;
}

}  // namespace eifkit
