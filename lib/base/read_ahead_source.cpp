#include "lib/base/read_ahead_source.h"

#include <cstring>

namespace eifkit {

ReadAheadSource::ReadAheadSource(ByteSource& inner, size_t chunks, size_t chunk_size)
    : inner_(inner) {
  for (size_t i = 0; i < chunks; ++i) {
    auto chunk = std::make_unique<Chunk>();
    chunk->data.resize(chunk_size);
    free_.push_back(std::move(chunk));
  }
  thread_ = std::thread([this] { produce(); });
}

ReadAheadSource::~ReadAheadSource() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ReadAheadSource::produce() {
  for (;;) {
    std::unique_ptr<Chunk> chunk;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !free_.empty(); });
      if (stopping_) return;
      chunk = std::move(free_.front());
      free_.pop_front();
    }
    bool end = false;
    std::exception_ptr error;
    chunk->size = 0;
    try {
      // Whole chunks: the reader is woken once per chunk, not once per decoder call.
      while (chunk->size < chunk->data.size()) {
        size_t n = inner_.read(std::span(chunk->data).subspan(chunk->size));
        if (n == 0) {
          end = true;
          break;
        }
        chunk->size += n;
      }
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      if (chunk->size > 0) full_.push_back(std::move(chunk));
      if (end || error) {
        ended_ = true;
        error_ = error;
      }
    }
    changed_.notify_all();
    if (end || error) return;
  }
}

size_t ReadAheadSource::read(std::span<uint8_t> buf) {
  if (buf.empty()) return 0;
  std::unique_lock lock(mutex_);
  if (!reading_) {
    changed_.wait(lock, [this] { return !full_.empty() || ended_; });
    if (full_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return 0;
    }
    reading_ = std::move(full_.front());
    full_.pop_front();
    reading_pos_ = 0;
  }
  lock.unlock();
  // Only this thread touches reading_: the copy runs unlocked.
  size_t n = std::min(buf.size(), reading_->size - reading_pos_);
  std::memcpy(buf.data(), reading_->data.data() + reading_pos_, n);
  reading_pos_ += n;
  if (reading_pos_ == reading_->size) {
    lock.lock();
    free_.push_back(std::move(reading_));
    lock.unlock();
    changed_.notify_all();
  }
  return n;
}

}  // namespace eifkit
