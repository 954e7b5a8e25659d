// Reads a cpio newc archive as it is written: a ByteSink that decodes the bytes pushed into
// it, entry by entry, and hands each entry's header and data to a handler. What a ramdisk
// producer writes can so be listed without being stored.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "formats/cpio_newc.h"
#include "lib/base/byte_sink.h"

namespace eifkit {

class CpioEntryHandler {
 public:
  virtual ~CpioEntryHandler() = default;
  virtual void begin(const CpioHeader& header) = 0;
  virtual void data(std::span<const uint8_t> bytes) = 0;  // in pieces, header.filesize in all
  virtual void end() = 0;
};

class CpioPushParser : public ByteSink {
 public:
  // `name` prefixes errors (a producer that writes a malformed archive).
  CpioPushParser(CpioEntryHandler& handler, std::string name);
  void write(std::span<const uint8_t> bytes) override;
  // True once the trailer was read; what follows it is padding and is not looked at.
  bool done() const { return done_; }

 private:
  enum class State { kFixed, kName, kData, kPadding, kDone };
  void finish_header();

  CpioEntryHandler& handler_;
  std::string name_;
  State state_ = State::kFixed;
  std::vector<uint8_t> pending_;  // header bytes gathered so far
  CpioFixedPart fixed_;
  uint64_t left_ = 0;  // of the current state's bytes
  bool done_ = false;
};

}  // namespace eifkit
