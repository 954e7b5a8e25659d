#include "lib/image/image_user.h"

#include <charconv>
#include <optional>
#include <vector>

#include "lib/base/error.h"

namespace eifkit {

// /etc/passwd and /etc/group are small; anything larger is not one.
static constexpr uint64_t kMaxAccountFile = 4 << 20;

static std::optional<std::string> read_image_file(const FlattenedImage& image,
                                                  const std::string& path) {
  const FsNode* node = resolve_in_tree(*image.root, path);
  if (!node || node->inode->type != TarEntry::Type::kFile) return std::nullopt;
  if (node->inode->size > kMaxAccountFile) throw Error("image " + path + " is too large");
  std::string text(node->inode->size, '\0');
  image.spool->read_at({reinterpret_cast<uint8_t*>(text.data()), text.size()},
                       node->inode->spool_offset);
  return text;
}

static bool is_number(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Fields of the line whose first field is `name` (or whose third is `id` when numeric).
static std::optional<std::vector<std::string>> find_entry(const std::string& text,
                                                          const std::string& key, size_t field) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    std::vector<std::string> fields;
    size_t start = 0;
    for (;;) {
      size_t colon = line.find(':', start);
      fields.push_back(line.substr(start, colon - start));
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (fields.size() > field && fields.size() >= 4 && fields[field] == key) return fields;
  }
  return std::nullopt;
}

std::string resolve_image_user(const std::string& user, const FlattenedImage& image) {
  if (user.empty()) return "";
  size_t colon = user.find(':');
  std::string name = user.substr(0, colon);
  std::optional<std::string> group =
      colon == std::string::npos ? std::nullopt : std::optional(user.substr(colon + 1));
  std::string uid, gid;
  auto passwd = read_image_file(image, "/etc/passwd");
  std::optional<std::vector<std::string>> entry;
  if (passwd) entry = find_entry(*passwd, name, is_number(name) ? 2 : 0);
  if (is_number(name)) {
    uid = name;
    gid = entry ? (*entry)[3] : "0";
  } else if (entry) {
    uid = (*entry)[2];
    gid = (*entry)[3];
  } else {
    throw Error("USER " + user + ": no user " + name + " in the image's /etc/passwd");
  }
  if (group) {
    if (is_number(*group)) {
      gid = *group;
    } else {
      auto groups = read_image_file(image, "/etc/group");
      auto g = groups ? find_entry(*groups, *group, 0) : std::nullopt;
      if (!g) throw Error("USER " + user + ": no group " + *group + " in the image's /etc/group");
      gid = (*g)[2];
    }
  }
  if (!is_number(uid) || !is_number(gid)) {
    throw Error("USER " + user + ": the image's account files give a non-numeric id");
  }
  return uid + ":" + gid;
}

}  // namespace eifkit
