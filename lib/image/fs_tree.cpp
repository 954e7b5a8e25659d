#include "lib/image/fs_tree.h"

#include "formats/tar_path.h"

namespace eifkit {

FsNode::~FsNode() {
  std::vector<std::unique_ptr<FsNode>> todo;
  for (auto& [name, child] : children) todo.push_back(std::move(child));
  children.clear();
  while (!todo.empty()) {
    std::unique_ptr<FsNode> node = std::move(todo.back());
    todo.pop_back();
    for (auto& [name, child] : node->children) todo.push_back(std::move(child));
    node->children.clear();
  }
}

void walk_tree(const FsNode& dir, const std::string& prefix,
               const std::function<void(const std::string& path, const FsNode& node)>& visit) {
  struct Level {
    const FsNode* dir;
    std::map<std::string, std::unique_ptr<FsNode>>::const_iterator next;
    std::string prefix;
  };
  std::vector<Level> stack;
  stack.push_back({&dir, dir.children.begin(), prefix});
  while (!stack.empty()) {
    Level& top = stack.back();
    if (top.next == top.dir->children.end()) {
      stack.pop_back();
      continue;
    }
    const auto& [name, child] = *top.next++;
    std::string path = top.prefix + "/" + name;
    visit(path, *child);
    if (child->is_dir()) stack.push_back({child.get(), child->children.begin(), std::move(path)});
  }
}

// Linux's limit on symlinks followed while resolving one path.
static constexpr int kMaxSymlinkHops = 40;

const FsNode* resolve_in_tree(const FsNode& root, const std::string& absolute_path) {
  int hops = 0;
  // Components still to walk, reversed so the next one is at the back.
  auto start = clean_tar_path(absolute_path);
  if (!start) return nullptr;
  std::vector<std::string> todo(start->rbegin(), start->rend());
  std::vector<const FsNode*> stack = {&root};  // directories walked so far
  while (!todo.empty()) {
    std::string name = std::move(todo.back());
    todo.pop_back();
    if (name == "..") {
      if (stack.size() > 1) stack.pop_back();
      continue;
    }
    const FsNode* dir = stack.back();
    if (!dir->is_dir()) return nullptr;
    auto it = dir->children.find(name);
    if (it == dir->children.end()) return nullptr;
    const FsNode* node = it->second.get();
    if (node->inode->type == TarEntry::Type::kSymlink) {
      if (++hops > kMaxSymlinkHops) return nullptr;
      const std::string& target = node->inode->link_target;
      if (!target.empty() && target[0] == '/') stack.resize(1);
      // Split the target keeping "..", which only means something relative to where we are.
      std::vector<std::string> parts;
      size_t pos = 0;
      while (pos <= target.size()) {
        size_t slash = target.find('/', pos);
        if (slash == std::string::npos) slash = target.size();
        std::string part = target.substr(pos, slash - pos);
        if (!part.empty() && part != ".") parts.push_back(part);
        pos = slash + 1;
      }
      todo.insert(todo.end(), parts.rbegin(), parts.rend());
      continue;
    }
    stack.push_back(node);
  }
  return stack.back();
}

}  // namespace eifkit
