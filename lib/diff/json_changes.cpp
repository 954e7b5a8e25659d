#include "lib/diff/json_changes.h"

#include <algorithm>

namespace eifkit {

namespace {

using nlohmann::json;

struct Pending {
  std::string path;
  const json* a;  // null where the field is missing
  const json* b;
};

bool is_container(const json* j) {
  return j && (j->is_object() || j->is_array()) && !j->empty();
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

}  // namespace

JsonChanges json_changes(const json& a, const json& b, size_t max_listed,
                         const std::vector<std::string>& ignored) {
  JsonChanges out;
  std::vector<Pending> stack{{"", &a, &b}};
  while (!stack.empty()) {
    Pending p = stack.back();
    stack.pop_back();
    if (std::find(ignored.begin(), ignored.end(), p.path) != ignored.end()) continue;
    bool same_shape = p.a && p.b && p.a->type() == p.b->type();
    if (same_shape && is_container(p.a) && is_container(p.b)) {
      // Children pushed in reverse so that they come off the stack in document order.
      std::vector<Pending> children;
      if (p.a->is_object()) {
        for (auto& [key, value] : p.a->items()) {
          auto other = p.b->find(key);
          children.push_back(
              {child_path(p.path, key), &value, other == p.b->end() ? nullptr : &*other});
        }
        for (auto& [key, value] : p.b->items()) {
          if (!p.a->contains(key)) children.push_back({child_path(p.path, key), nullptr, &value});
        }
      } else {
        size_t n = std::max(p.a->size(), p.b->size());
        for (size_t i = 0; i < n; ++i) {
          children.push_back({p.path + "[" + std::to_string(i) + "]",
                              i < p.a->size() ? &(*p.a)[i] : nullptr,
                              i < p.b->size() ? &(*p.b)[i] : nullptr});
        }
      }
      stack.insert(stack.end(), children.rbegin(), children.rend());
      continue;
    }
    if (p.a && p.b && *p.a == *p.b) continue;
    ++out.count;
    if (out.list.size() >= max_listed) continue;
    json change = {{"Field", p.path}};
    if (p.a) change["A"] = *p.a;
    if (p.b) change["B"] = *p.b;
    out.list.push_back(std::move(change));
  }
  return out;
}

}  // namespace eifkit
