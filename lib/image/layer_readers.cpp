#include "lib/image/layer_readers.h"

#include <algorithm>

#include "lib/image/tar_reader.h"

namespace eifkit {

namespace {

// Per layer, entries read ahead of the flattener; far more than a layer of large files has,
// and a pause, not an error, for a layer of a million small ones.
constexpr size_t kSlotBudget = 16 << 20;

size_t entry_bytes(const ReadEntry& e) {
  return sizeof(ReadEntry) + e.entry.path.size() + e.entry.link_target.size();
}

}  // namespace

LayerReaders::LayerReaders(ImageSource& image, SpoolFile& spool, const ImageLimits& limits,
                           Progress* progress, size_t threads)
    : image_(image),
      spool_(spool),
      limits_(limits),
      progress_(progress),
      slots_(image.layer_count()) {
  if (threads == 0) threads = 2;
  window_ = std::max<size_t>(1, std::min(threads, image.layer_count()));
  try {
    for (size_t i = 0; i < window_; ++i) workers_.emplace_back([this] { work(); });
  } catch (...) {
    stop();
    throw;
  }
}

LayerReaders::~LayerReaders() {
  stop();
}

void LayerReaders::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
}

void LayerReaders::work() {
  for (;;) {
    size_t index;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] {
        return stopping_ || next_to_read_ >= slots_.size() || next_to_read_ < applying_ + window_;
      });
      if (stopping_ || next_to_read_ >= slots_.size()) return;
      index = next_to_read_++;
    }
    read_layer(index);
  }
}

bool LayerReaders::push(size_t index, ReadEntry entry) {
  size_t bytes = entry_bytes(entry);
  {
    std::unique_lock lock(mutex_);
    Slot& slot = slots_[index];
    changed_.wait(lock, [&] { return stopping_ || slot.bytes < kSlotBudget; });
    if (stopping_) return false;
    slot.bytes += bytes;
    slot.entries.push_back(std::move(entry));
  }
  changed_.notify_all();
  return true;
}

void LayerReaders::read_layer(size_t index) {
  std::exception_ptr error;
  try {
    std::unique_ptr<LayerStream> stream = image_.open_layer(index, progress_);
    {
      std::lock_guard lock(mutex_);
      slots_[index].name = stream->name();
    }
    bool stopped = false;  // at a limit or a bad entry: the rest is not read
    {
      TarReader reader(*stream, stream->name());
      uint64_t entries = 0, file_bytes = 0;
      std::vector<uint8_t> buf;
      for (ReadEntry e; reader.next(e.entry); e = ReadEntry{}) {
        // The same limits the flattener applies to the whole image, to this layer alone: the
        // flattener refuses the image at this entry or before it.
        bool over = ++entries > limits_.max_entries;
        if (!over && keeps_file_data(e.entry)) {
          over = e.entry.size > limits_.max_file_bytes - file_bytes;
          if (!over) {
            file_bytes += e.entry.size;
            try {
              // Stopping: a large file need not be finished.
              e.data = spool_entry_data(reader, spool_, e.entry.size, buf, &stopping_);
              if (!e.data) return;
            } catch (...) {
              e.data_error = std::current_exception();
            }
          }
        }
        bool failed = e.data_error != nullptr;
        if (!push(index, std::move(e))) return;
        // Past a bad entry the tar cannot be read; the flattener throws at that entry.
        if (over || failed) {
          stopped = true;
          break;
        }
      }
    }
    if (!stopped) stream->finish();
  } catch (...) {
    error = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    slots_[index].ended = true;
    slots_[index].error = error;
  }
  changed_.notify_all();
}

bool LayerReaders::next(size_t index, ReadEntry& out) {
  std::unique_lock lock(mutex_);
  Slot& slot = slots_.at(index);
  changed_.wait(lock, [&] { return !slot.entries.empty() || slot.ended; });
  if (!slot.entries.empty()) {
    out = std::move(slot.entries.front());
    slot.entries.pop_front();
    slot.bytes -= entry_bytes(out);
    lock.unlock();
    changed_.notify_all();
    return true;
  }
  std::exception_ptr error = slot.error;
  applying_ = index + 1;  // a worker may start a later layer
  lock.unlock();
  changed_.notify_all();
  if (error) std::rethrow_exception(error);
  return false;
}

const std::string& LayerReaders::layer_name(size_t index) {
  std::lock_guard lock(mutex_);
  return slots_.at(index).name;
}

}  // namespace eifkit
