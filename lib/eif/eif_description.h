// What `describe` reports about an EIF, in nitro-cli's describe-eif field names plus a
// Sections table.
#pragma once

#include <nlohmann/json.hpp>

#include "lib/eif/eif_reader.h"

namespace eifkit {

nlohmann::json describe_eif(const EifImage& image, const EifScan& scan);

}  // namespace eifkit
