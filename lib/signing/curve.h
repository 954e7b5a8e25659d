// The elliptic curves eifkit signs with: P-256, P-384 and P-521, as nitro-cli's COSE encoding
// allows, with the sizes and digests that go with each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace eifkit {

enum class Curve { kP256, kP384, kP521 };

// "P-256" / "P-384" / "P-521" (also "prime256v1", "secp384r1", "secp521r1"); Error otherwise.
Curve parse_curve(const std::string& name);
const char* curve_name(Curve c);        // "P-384"
size_t curve_coordinate_size(Curve c);  // 32, 48, 66: each of r and s in r‖s
size_t curve_digest_size(Curve c);      // SHA-256/384/512: 32, 48, 64

// SHA-256/384/512 of data, chosen by the curve.
std::vector<uint8_t> digest_for_curve(Curve curve, std::span<const uint8_t> data);

}  // namespace eifkit
