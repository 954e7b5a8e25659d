// Cleaning the paths stored in layer tars, and recognising OCI whiteout names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eifkit {

// Splits a stored path into clean components: leading "/" and "./" dropped, empty and "."
// components removed, ".." applied lexically. nullopt when ".." would leave the root.
// The root itself ("./", "/") gives an empty list.
std::optional<std::vector<std::string>> clean_tar_path(std::string_view path);

std::string join_path(const std::vector<std::string>& components);

inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

// For ".wh.NAME": NAME. nullopt for other names (and for the opaque marker).
std::optional<std::string> whiteout_target(std::string_view name);

}  // namespace eifkit
