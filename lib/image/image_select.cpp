#include "lib/image/image_select.h"

#include <algorithm>

#include "lib/base/error.h"

namespace eifkit {

static std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

size_t select_image(const std::vector<ImageChoice>& choices, const std::optional<Platform>& wanted,
                    const Platform& fallback, const std::string& source) {
  if (choices.empty()) fail(source, "holds no image");
  if (!wanted && choices.size() == 1) return 0;
  const Platform& target = wanted ? *wanted : fallback;

  std::vector<size_t> matches;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (choices[i].platform.matches(target)) matches.push_back(i);
  }
  if (matches.empty()) {
    std::vector<std::string> present;
    for (const auto& c : choices) {
      std::string p = c.platform.str();
      if (std::find(present.begin(), present.end(), p) == present.end()) present.push_back(p);
    }
    fail(source, "no image for " + target.str() + " (present: " + join(present) + ")");
  }

  // Within one tag the first match wins, as docker's does; across tags there is no right
  // answer, so the user names one.
  std::vector<std::string> labels;
  for (size_t i : matches) {
    const ImageChoice& c = choices[i];
    if (c.group != choices[matches[0]].group && c.id != choices[matches[0]].id &&
        std::find(labels.begin(), labels.end(), c.label) == labels.end()) {
      labels.push_back(c.label);
    }
  }
  if (!labels.empty()) {
    labels.insert(labels.begin(), choices[matches[0]].label);
    fail(source, "holds several images for " + target.str() + " (" + join(labels) +
                     "); pick one as " + source + ":TAG");
  }
  return matches[0];
}

}  // namespace eifkit
