// OpenSSL's names for eifkit's curves. Internal to lib/signing/.
#pragma once

#include <openssl/evp.h>

#include "lib/signing/curve.h"

namespace eifkit {

int curve_nid(Curve c);
const EVP_MD* curve_md(Curve c);

}  // namespace eifkit
