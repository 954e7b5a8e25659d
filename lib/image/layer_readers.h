// Reads an image's layers ahead, on worker threads: each worker opens a layer, decompresses
// and checks it, walks its tar and spools the data of its files, handing the entries over in
// order. The flattener applies them on its own thread, layer after layer, so the tree is the
// same as one reader's; an error surfaces where that reader would have met it (an entry's
// data error at that entry, a layer's at its end), and a reader stops a layer at the first
// entry that alone passes a limit of the image, which the flattener refuses at or before it.
// Bounded: at most `threads` layers are read at once, and a layer's entries waiting to be
// applied take at most a fixed budget of memory.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lib/base/progress.h"
#include "lib/base/spool_file.h"
#include "lib/image/flatten.h"
#include "lib/image/image_limits.h"
#include "lib/image/image_source.h"

namespace eifkit {

struct ReadEntry {
  TarEntry entry;
  std::optional<SpooledData> data;  // where the file's data went, for keeps_file_data entries
  std::exception_ptr data_error;    // reading the data failed
};

class LayerReaders {
 public:
  // threads 0: two, or one for a one-layer image.
  LayerReaders(ImageSource& image, SpoolFile& spool, const ImageLimits& limits, Progress* progress,
               size_t threads = 0);
  ~LayerReaders();  // stops the workers wherever they are
  LayerReaders(const LayerReaders&) = delete;
  LayerReaders& operator=(const LayerReaders&) = delete;

  // The next entry of layer `index`; layers must be taken in order, each to its end. False at
  // the end of the layer, once its checks have passed; rethrows the layer's error there.
  bool next(size_t index, ReadEntry& out);
  // The layer's name for messages, once next() has returned an entry of it.
  const std::string& layer_name(size_t index);

 private:
  struct Slot {
    std::string name;
    std::deque<ReadEntry> entries;
    size_t bytes = 0;  // memory the waiting entries take
    bool ended = false;
    std::exception_ptr error;
  };
  void stop();
  void work();
  void read_layer(size_t index);
  // Waits for room in the slot; false when the readers are stopping.
  bool push(size_t index, ReadEntry entry);

  ImageSource& image_;
  SpoolFile& spool_;
  ImageLimits limits_;
  Progress* progress_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Slot> slots_;
  size_t next_to_read_ = 0;
  size_t applying_ = 0;                // the layer next() is handing out
  size_t window_;                      // layers read at once
  std::atomic<bool> stopping_{false};  // set under the lock, read also without it
  std::vector<std::thread> workers_;
};

}  // namespace eifkit
