#include "lib/pcr_accumulator.h"

#include <future>

#include "formats/eif_section.h"

namespace eifkit {

// Below this, a second thread costs more than it saves.
static constexpr size_t kParallelThreshold = 64 * 1024;

void PcrAccumulator::begin_section(uint16_t type) {
  switch (static_cast<SectionType>(type)) {
    case SectionType::kKernel:
    case SectionType::kCmdline: role_ = Role::kBoot; break;
    case SectionType::kRamdisk:
      role_ = ramdisks_seen_++ == 0 ? Role::kBoot : Role::kApp;
      if (role_ == Role::kApp && !boot_) boot_ = image_;
      break;
    default: role_ = Role::kNone; break;
  }
}

void PcrAccumulator::update(std::span<const uint8_t> data, const std::function<void()>& alongside) {
  switch (role_) {
    case Role::kNone:
      if (alongside) alongside();
      return;
    case Role::kBoot:
      image_.update(data);
      if (boot_) boot_->update(data);  // boot stack after an app ramdisk: unusual order
      if (alongside) alongside();
      return;
    case Role::kApp:
      if (data.size() < kParallelThreshold) {
        app_.update(data);
        image_.update(data);
        if (alongside) alongside();
        return;
      }
      auto app_done = std::async(std::launch::async, [&] { app_.update(data); });
      try {
        image_.update(data);
        if (alongside) alongside();
      } catch (...) {
        app_done.wait();
        throw;
      }
      app_done.get();
      return;
  }
}

Measurements PcrAccumulator::finish() {
  Measurements m;
  Sha384 boot = boot_ ? *boot_ : image_;
  m.pcr1 = pcr_from_digest(boot.finish());
  m.pcr0 = pcr_from_digest(image_.finish());
  m.pcr2 = pcr_from_digest(app_.finish());
  return m;
}

}  // namespace eifkit
