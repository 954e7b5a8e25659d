#include "lib/eif/pcr_accumulator.h"

#include "formats/eif_section.h"

namespace eifkit {

// Below this, a second thread costs more than it saves.
static constexpr size_t kParallelThreshold = 64 * 1024;

void PcrAccumulator::begin_section(uint16_t type) {
  wait_all();  // the lanes hash with the role they were given
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
    wait(submit(data, here, there));
    return;
  }
  if (role_ == Role::kApp) wait_all();  // chunks on the lanes come first
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

uint64_t PcrAccumulator::submit(std::span<const uint8_t> data, std::function<void()> here,
                                std::function<void()> there) {
  if (role_ != Role::kApp || data.size() < kParallelThreshold) {
    update(data, here, there);
    return 0;
  }
  if (!lanes_[0]) {
    lanes_[0] = std::make_unique<WorkLane>();
    lanes_[1] = std::make_unique<WorkLane>();
  }
  lanes_[0]->submit([this, data, here = std::move(here)] {
    image_.update(data);
    if (here) here();
  });
  lanes_[1]->submit([this, data, there = std::move(there)] {
    app_.update(data);
    if (there) there();
  });
  return ++tickets_;
}

void PcrAccumulator::wait(uint64_t ticket) {
  if (ticket == 0 || !lanes_[0]) return;
  // Both lanes first, then the error: neither may still be touching the caller's data.
  std::exception_ptr error;
  for (auto& lane : lanes_) {
    try {
      lane->wait(ticket);
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

Measurements PcrAccumulator::finish() {
  wait_all();
  Measurements m;
  Sha384 boot = boot_ ? *boot_ : image_;
  m.pcr1 = pcr_from_digest(boot.finish());
  m.pcr0 = pcr_from_digest(image_.finish());
  app_digest_ = app_.finish();
  m.pcr2 = pcr_from_digest(app_digest_);
  return m;
}

}  // namespace eifkit
