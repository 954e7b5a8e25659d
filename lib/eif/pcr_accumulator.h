// Feeds section data to the PCR hashers by the role the section plays: kernel, cmdline and
// ramdisk #0 are the boot stack (PCR1), further ramdisks the application (PCR2), all of them
// the image (PCR0). Shared by the writer and the reader so both measure identically.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "lib/base/work_lane.h"
#include "lib/hash/measurements.h"

namespace eifkit {

class PcrAccumulator {
 public:
  // Sections must be begun in file order; metadata and signature sections are not measured.
  void begin_section(uint16_t type);
  // Hashes `data` for the current section and runs the caller's other work on the same
  // bytes. For an application ramdisk (two SHA-384 streams) the work is split over two
  // cores: one lane runs the PCR0 hash and `here`, the other the PCR2 hash and `there`.
  // Otherwise everything runs on this thread, in order. Each callable may be empty.
  void update(std::span<const uint8_t> data, const std::function<void()>& here,
              const std::function<void()>& there = {});
  // The same, but for an application ramdisk it returns once the work is handed to the lanes,
  // so this thread can produce the next chunk meanwhile; `data` must stay valid until
  // wait(ticket). Otherwise the work is done on return.
  uint64_t submit(std::span<const uint8_t> data, std::function<void()> here,
                  std::function<void()> there);
  // Until the work of `ticket` and of every chunk before it is done; rethrows its error.
  void wait(uint64_t ticket);
  void wait_all() { wait(tickets_); }
  Measurements finish();
  // After finish(): SHA-384 of the application ramdisks' bytes (PCR2 before its extend), which
  // is the section digest when there is one application ramdisk.
  const Digest384& app_digest() const { return app_digest_; }

 private:
  enum class Role { kNone, kBoot, kApp };
  uint64_t tickets_ = 0;
  Role role_ = Role::kNone;
  int ramdisks_seen_ = 0;
  Sha384 image_;
  // Forked from image_ when the first application ramdisk begins, so the boot stack is
  // hashed once in the usual order.
  std::optional<Sha384> boot_;
  Sha384 app_;
  Digest384 app_digest_{};
  // Last, so destroyed first: a lane's queued job never outlives the hashers it updates.
  std::unique_ptr<WorkLane> lanes_[2];  // started with the first application chunk
};

}  // namespace eifkit
