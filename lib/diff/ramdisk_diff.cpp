#include "lib/diff/ramdisk_diff.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <map>
#include <queue>
#include <string_view>
#include <vector>

#include "formats/byte_order.h"
#include "formats/cpio_newc.h"
#include "formats/hex.h"
#include "lib/base/byte_strings.h"
#include "lib/diff/ramdisk_entry.h"

namespace eifkit {

namespace {

using nlohmann::json;

std::string octal_mode(uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & kCpioPermMask);
  return buf;
}

std::string device(uint32_t major, uint32_t minor) {
  return std::to_string(major) + ":" + std::to_string(minor);
}

std::string content_digest(const RamdiskEntry& e) {
  return "sha256:" + to_hex(e.content);
}

// One attribute diff compares: its name, how significant a change of it is (0 changes what
// the enclave's programs read, 1 what they may do, 2 only bookkeeping), and its value.
struct Attribute {
  const char* name;
  int rank;
  std::function<json(const RamdiskEntry&)> value;
};

const std::vector<Attribute>& attributes() {
  static const std::vector<Attribute> list = {
      {"Type", 0, [](const RamdiskEntry& e) { return json(cpio_type_name(e.mode)); }},
      {"Size", 0, [](const RamdiskEntry& e) { return json(e.size); }},
      {"Content", 0, [](const RamdiskEntry& e) { return json(content_digest(e)); }},
      {"Target", 0, [](const RamdiskEntry& e) { return json(e.target); }},
      {"Mode", 1, [](const RamdiskEntry& e) { return json(octal_mode(e.mode)); }},
      {"Uid", 1, [](const RamdiskEntry& e) { return json(e.uid); }},
      {"Gid", 1, [](const RamdiskEntry& e) { return json(e.gid); }},
      {"Rdev", 1, [](const RamdiskEntry& e) { return json(device(e.rdev_major, e.rdev_minor)); }},
      {"Mtime", 2, [](const RamdiskEntry& e) { return json(e.mtime); }},
      {"Nlink", 2, [](const RamdiskEntry& e) { return json(e.nlink); }},
      {"Ino", 2, [](const RamdiskEntry& e) { return json(e.ino); }},
      {"Dev", 2, [](const RamdiskEntry& e) { return json(device(e.dev_major, e.dev_minor)); }},
  };
  return list;
}

// Attributes are compared as values, except the target, which is bytes.
bool same(const Attribute& attr, const RamdiskEntry& a, const RamdiskEntry& b) {
  if (std::string_view(attr.name) == "Target") return a.target == b.target;
  return attr.value(a) == attr.value(b);
}

std::string_view name_of(const std::string& record) {
  return std::string_view(record.data(), record.find('\0'));
}

// The `limit` most significant changes seen so far: ordered by (rank, sequence), the
// sequence being path order, so ties keep the earlier path.
class ChangeList {
 public:
  explicit ChangeList(size_t limit) : limit_(limit) {}
  void offer(int rank, const std::function<json()>& make) {
    Key key{rank, seq_++};
    if (kept_.size() == limit_) {
      if (limit_ == 0 || !(key < kept_.top().key)) {
        truncated_ = true;
        return;
      }
      kept_.pop();
      truncated_ = true;
    }
    kept_.push({key, make()});
  }
  json take() {
    std::vector<Item> items;
    while (!kept_.empty()) {
      items.push_back(kept_.top());
      kept_.pop();
    }
    std::reverse(items.begin(), items.end());
    json out = json::array();
    for (Item& i : items) out.push_back(std::move(i.change));
    return out;
  }
  bool truncated() const { return truncated_; }

 private:
  struct Key {
    int rank;
    uint64_t seq;
    bool operator<(const Key& o) const { return rank != o.rank ? rank < o.rank : seq < o.seq; }
  };
  struct Item {
    Key key;
    json change;
    bool operator<(const Item& o) const { return key < o.key; }
  };
  size_t limit_;
  uint64_t seq_ = 0;
  std::priority_queue<Item> kept_;  // the least significant kept on top
  bool truncated_ = false;
};

json one_side(const RamdiskEntry& e, const char* change) {
  json c = json::object();
  put_byte_string(c, "Name", e.name);
  c["Change"] = change;
  c["Type"] = cpio_type_name(e.mode);
  c["Size"] = e.size;
  return c;
}

// Common paths as (position in A, position in B, name), to sort by A's order.
std::string order_record(const RamdiskEntry& a, const RamdiskEntry& b) {
  std::string r(16, '\0');
  store_be<uint64_t>(reinterpret_cast<uint8_t*>(r.data()), a.position);
  store_be<uint64_t>(reinterpret_cast<uint8_t*>(r.data()) + 8, b.position);
  return r + a.name;
}

}  // namespace

json diff_ramdisk_files(RamdiskFiles& a, RamdiskFiles& b, size_t max_changes) {
  ChangeList changes(max_changes);
  uint64_t added = 0, removed = 0, changed = 0;
  std::map<std::string, uint64_t> by_attribute;
  ExternalSort order;

  std::string ra, rb;
  bool has_a = a.by_name.next(ra), has_b = b.by_name.next(rb);
  while (has_a || has_b) {
    if (has_a && (!has_b || name_of(ra) < name_of(rb))) {
      ++removed;
      changes.offer(0, [&] { return one_side(decode_entry(ra), "removed"); });
      has_a = a.by_name.next(ra);
      continue;
    }
    if (has_b && (!has_a || name_of(rb) < name_of(ra))) {
      ++added;
      changes.offer(0, [&] { return one_side(decode_entry(rb), "added"); });
      has_b = b.by_name.next(rb);
      continue;
    }
    RamdiskEntry ea = decode_entry(ra), eb = decode_entry(rb);
    order.add(order_record(ea, eb));
    int rank = 3;
    std::vector<const Attribute*> differing;
    for (const Attribute& attr : attributes()) {
      if (same(attr, ea, eb)) continue;
      differing.push_back(&attr);
      rank = std::min(rank, attr.rank);
      ++by_attribute[attr.name];
    }
    if (!differing.empty()) {
      ++changed;
      changes.offer(rank, [&] {
        json c = json::object();
        put_byte_string(c, "Name", ea.name);
        c["Change"] = "changed";
        json attrs = json::object();
        for (const Attribute* attr : differing) {
          json pair = json::object();
          if (std::string_view(attr->name) == "Target") {
            put_byte_string(pair, "A", ea.target);
            put_byte_string(pair, "B", eb.target);
          } else {
            pair = {{"A", attr->value(ea)}, {"B", attr->value(eb)}};
          }
          attrs[attr->name] = std::move(pair);
        }
        c["Attributes"] = std::move(attrs);
        return c;
      });
    }
    has_a = a.by_name.next(ra);
    has_b = b.by_name.next(rb);
  }

  // In A's order, B's positions rise while the common paths keep their order.
  json attrs = json::object();
  for (auto& [name, count] : by_attribute) attrs[name] = count;
  json out = {{"Entries", {{"A", a.entries}, {"B", b.entries}}},
              {"Added", added},
              {"Removed", removed},
              {"Changed", changed},
              {"ChangedAttributes", std::move(attrs)},
              {"SameOrder", true},
              {"FirstOutOfOrder", nullptr},
              {"Changes", changes.take()},
              {"Truncated", changes.truncated()}};
  uint64_t highest_b = 0;
  bool any = false;
  for (std::string r; order.next(r);) {
    uint64_t pos_b = load_be<uint64_t>(reinterpret_cast<const uint8_t*>(r.data()) + 8);
    if (any && pos_b < highest_b) {
      out["SameOrder"] = false;
      put_byte_string(out, "FirstOutOfOrder", std::string_view(r).substr(16));
      break;
    }
    highest_b = std::max(highest_b, pos_b);
    any = true;
  }
  return out;
}

}  // namespace eifkit
