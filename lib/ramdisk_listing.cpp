#include "lib/ramdisk_listing.h"

#include <ctime>
#include <optional>

#include "formats/hex.h"
#include "lib/base/byte_strings.h"
#include "lib/cpio/cpio_push_parser.h"
#include "lib/hash/sha256.h"

namespace eifkit {

namespace {

// Symlink targets are at most a path long; anything else is hashed as it streams past.
class Lister : public CpioEntryHandler {
 public:
  explicit Lister(const std::function<void(const ListedEntry&)>& visit) : visit_(visit) {}

  void begin(const CpioHeader& h) override {
    entry_ = {};
    entry_.name = h.name;
    entry_.mode = h.mode;
    entry_.uid = h.uid;
    entry_.gid = h.gid;
    entry_.nlink = h.nlink;
    entry_.ino = h.ino;
    entry_.mtime = h.mtime;
    entry_.size = h.filesize;
    entry_.rdev_major = h.rdev_major;
    entry_.rdev_minor = h.rdev_minor;
    sha_.emplace();
  }
  void data(std::span<const uint8_t> bytes) override {
    if ((entry_.mode & kCpioTypeMask) == kCpioSymlink) {
      entry_.target.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    } else {
      sha_->update(bytes);
    }
  }
  void end() override {
    if ((entry_.mode & kCpioTypeMask) == kCpioRegular) entry_.sha256 = to_hex(sha_->finish());
    visit_(entry_);
  }

 private:
  const std::function<void(const ListedEntry&)>& visit_;
  ListedEntry entry_;
  std::optional<Sha256> sha_;
};

std::string octal(uint32_t v, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*o", width, v);
  return buf;
}

std::string utc_time(uint32_t t) {
  std::time_t tt = t;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

char type_letter(uint32_t mode) {
  switch (mode & kCpioTypeMask) {
    case kCpioDirectory:
      return 'd';
    case kCpioSymlink:
      return 'l';
    case kCpioCharDevice:
      return 'c';
    case kCpioBlockDevice:
      return 'b';
    case kCpioFifo:
      return 'p';
    case kCpioSocket:
      return 's';
    default:
      return '-';
  }
}

std::string permissions(uint32_t mode) {
  std::string out = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) {
    if (!(mode & (0400u >> i))) out[static_cast<size_t>(i)] = '-';
  }
  auto special = [&](uint32_t bit, size_t at, char set, char unset_exec) {
    if (mode & bit) out[at] = out[at] == 'x' ? set : unset_exec;
  };
  special(04000, 2, 's', 'S');
  special(02000, 5, 's', 'S');
  special(01000, 8, 't', 'T');
  return out;
}

}  // namespace

void list_app_ramdisk(AppRamdisk& ramdisk, const std::function<void(const ListedEntry&)>& visit) {
  Lister lister(visit);
  CpioPushParser parser(lister, "application ramdisk");
  app_ramdisk_producer(ramdisk)(parser);
}

nlohmann::json listed_entry_json(const ListedEntry& e) {
  nlohmann::json j = nlohmann::json::object();
  put_byte_string(j, "Name", e.name);
  j["Type"] = cpio_type_name(e.mode);
  j["Mode"] = octal(e.mode & kCpioPermMask, 4);
  j["Uid"] = e.uid;
  j["Gid"] = e.gid;
  j["Size"] = e.size;
  j["Mtime"] = e.mtime;
  j["Ino"] = e.ino;
  j["Nlink"] = e.nlink;
  if ((e.mode & kCpioTypeMask) == kCpioSymlink) put_byte_string(j, "Target", e.target);
  if (!e.sha256.empty()) j["Sha256"] = e.sha256;
  const uint32_t type = e.mode & kCpioTypeMask;
  if (type == kCpioCharDevice || type == kCpioBlockDevice) {
    j["Rdev"] = std::to_string(e.rdev_major) + ":" + std::to_string(e.rdev_minor);
  }
  return j;
}

// Built with append alone: GCC 12 -O3 flags `"x" + std::string&&` with a false -Wrestrict.
std::string listed_entry_text(const ListedEntry& e) {
  const uint32_t type = e.mode & kCpioTypeMask;
  std::string size =
      std::to_string(type == kCpioCharDevice || type == kCpioBlockDevice ? e.rdev_major : e.size);
  if (type == kCpioCharDevice || type == kCpioBlockDevice) {
    size.append(",").append(std::to_string(e.rdev_minor));
  }
  std::string line(1, type_letter(e.mode));
  line.append(permissions(e.mode)).append(" ");
  line.append(std::to_string(e.uid)).append("/").append(std::to_string(e.gid));
  line.append(size.size() < 11 ? 11 - size.size() : 1, ' ').append(size);
  line.append(" ").append(utc_time(e.mtime)).append(" ").append(printable(e.name));
  if (type == kCpioSymlink) line.append(" -> ").append(printable(e.target));
  return line;
}

}  // namespace eifkit
