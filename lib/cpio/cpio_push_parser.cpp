#include "lib/cpio/cpio_push_parser.h"

#include <algorithm>

#include "lib/base/error.h"

namespace eifkit {

CpioPushParser::CpioPushParser(CpioEntryHandler& handler, std::string name)
    : handler_(handler), name_(std::move(name)) {}

void CpioPushParser::finish_header() {
  CpioHeader header = fixed_.header;
  std::span<const uint8_t> name_bytes = std::span(pending_).subspan(kCpioHeaderSize);
  if (auto problem = decode_cpio_name(name_bytes.first(fixed_.name_size), header)) {
    fail(name_, *problem);
  }
  pending_.clear();
  if (is_cpio_trailer(header)) {
    state_ = State::kDone;
    done_ = true;
    return;
  }
  handler_.begin(header);
  left_ = header.filesize;
  state_ = State::kData;
  if (left_ == 0) {
    handler_.end();
    left_ = cpio_data_padding(0);
    state_ = State::kPadding;
  }
}

void CpioPushParser::write(std::span<const uint8_t> bytes) {
  while (!bytes.empty() && state_ != State::kDone) {
    switch (state_) {
      case State::kFixed: {
        size_t take = std::min(bytes.size(), kCpioHeaderSize - pending_.size());
        pending_.insert(pending_.end(), bytes.begin(), bytes.begin() + static_cast<long>(take));
        bytes = bytes.subspan(take);
        if (pending_.size() < kCpioHeaderSize) break;
        if (auto problem = decode_cpio_fixed_part(pending_, fixed_)) fail(name_, *problem);
        left_ = fixed_.name_size + cpio_name_padding(fixed_.name_size);
        state_ = State::kName;
        break;
      }
      case State::kName: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(bytes.size(), left_));
        pending_.insert(pending_.end(), bytes.begin(), bytes.begin() + static_cast<long>(take));
        bytes = bytes.subspan(take);
        left_ -= take;
        if (left_ == 0) finish_header();
        break;
      }
      case State::kData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(bytes.size(), left_));
        handler_.data(bytes.first(take));
        bytes = bytes.subspan(take);
        left_ -= take;
        if (left_ == 0) {
          handler_.end();
          left_ = cpio_data_padding(fixed_.header.filesize);
          state_ = State::kPadding;
        }
        break;
      }
      case State::kPadding: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(bytes.size(), left_));
        bytes = bytes.subspan(take);
        left_ -= take;
        if (left_ == 0) state_ = State::kFixed;
        break;
      }
      case State::kDone:
        break;
    }
  }
}

}  // namespace eifkit
