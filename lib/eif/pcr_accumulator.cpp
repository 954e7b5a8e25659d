#include "lib/eif/pcr_accumulator.h"

#include <future>

#include "formats/eif_section.h"

namespace eifkit {

// Below this, a second thread costs more than it saves.
static constexpr size_t kParallelThreshold = 64 * 1024;

void PcrAccumulator::begin_section(uint16_t type) {
  switch (static_cast<SectionType>(type)) {
    case SectionType::kKernel:
    case SectionType::kCmdline:
      role_ = Role::kBoot;
      break;
    case SectionType::kRamdisk:
      role_ = ramdisks_seen_++ == 0 ? Role::kBoot : Role::kApp;
      if (role_ == Role::kApp && !boot_) boot_ = image_;
      break;
    default:
      role_ = Role::kNone;
      break;
  }
}

void PcrAccumulator::update(std::span<const uint8_t> data, const std::function<void()>& here,
                            const std::function<void()>& there) {
  auto run = [](const std::function<void()>& f) {
    if (f) f();
  };
  if (role_ == Role::kApp && data.size() >= kParallelThreshold) {
    auto other_core = std::async(std::launch::async, [&] {
      app_.update(data);
      run(there);
    });
    try {
      image_.update(data);
      run(here);
    } catch (...) {
      other_core.wait();
      throw;
    }
    other_core.get();
    return;
  }
  switch (role_) {
    case Role::kNone:
      break;
    case Role::kBoot:
      image_.update(data);
      if (boot_) boot_->update(data);  // boot stack after an app ramdisk: unusual order
      break;
    case Role::kApp:
      app_.update(data);
      image_.update(data);
      break;
  }
  run(here);
  run(there);
}

Measurements PcrAccumulator::finish() {
  Measurements m;
  Sha384 boot = boot_ ? *boot_ : image_;
  m.pcr1 = pcr_from_digest(boot.finish());
  m.pcr0 = pcr_from_digest(image_.finish());
  app_digest_ = app_.finish();
  m.pcr2 = pcr_from_digest(app_digest_);
  return m;
}

}  // namespace eifkit
