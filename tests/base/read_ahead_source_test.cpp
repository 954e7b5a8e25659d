#include "lib/base/read_ahead_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "lib/base/error.h"
#include "tests/support/memory_streams.h"

namespace eifkit {
namespace {

std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + i / 251);
  return v;
}

std::vector<uint8_t> read_all(ByteSource& in, size_t step) {
  std::vector<uint8_t> out, buf(step);
  for (size_t n; (n = in.read(buf)) > 0;) out.insert(out.end(), buf.begin(), buf.begin() + n);
  return out;
}

TEST(ReadAheadSource, HandsOverEveryByteInOrder) {
  std::vector<uint8_t> data = pattern(5 * 1000 * 1000 + 17);
  test::SpanSource inner(data, 65521);
  ReadAheadSource ahead(inner, 3, 1 << 16);
  EXPECT_EQ(read_all(ahead, 12345), data);
  std::vector<uint8_t> buf(10);
  EXPECT_EQ(ahead.read(buf), 0u);  // and stays at the end
}

class FailingSource : public ByteSource {
 public:
  explicit FailingSource(size_t good) : left_(good) {}
  size_t read(std::span<uint8_t> buf) override {
    if (left_ == 0) throw Error("inner: corrupt");
    size_t n = std::min(left_, buf.size());
    std::fill_n(buf.begin(), n, uint8_t{1});
    left_ -= n;
    return n;
  }

 private:
  size_t left_;
};

TEST(ReadAheadSource, AnErrorArrivesAfterTheBytesBeforeIt) {
  FailingSource inner(300000);
  ReadAheadSource ahead(inner, 2, 1 << 16);
  std::vector<uint8_t> buf(4096);
  size_t got = 0;
  try {
    for (size_t n; (n = ahead.read(buf)) > 0;) got += n;
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "inner: corrupt");
  }
  EXPECT_EQ(got, 300000u);
  EXPECT_THROW(ahead.read(buf), Error);  // again, not a silent end
}

// Counts the bytes the read-ahead thread takes from the source under it.
class CountingSource : public ByteSource {
 public:
  explicit CountingSource(ByteSource& inner) : inner_(inner) {}
  size_t read(std::span<uint8_t> buf) override {
    size_t n = inner_.read(buf);
    taken += n;
    return n;
  }
  std::atomic<size_t> taken{0};

 private:
  ByteSource& inner_;
};

TEST(ReadAheadSource, DestroyedMidStreamStopsItsThread) {
  std::vector<uint8_t> data = pattern(10 << 20);
  test::SpanSource span(data);
  CountingSource inner(span);
  {
    ReadAheadSource ahead(inner, 2, 1 << 16);
    std::vector<uint8_t> buf(100);
    ASSERT_EQ(ahead.read(buf), 100u);
    EXPECT_TRUE(std::equal(buf.begin(), buf.end(), data.begin()));
  }  // returns: the producer, blocked on full buffers, is told to stop
  // It read ahead at most its two chunks and the one it was filling, not the stream...
  size_t taken = inner.taken;
  EXPECT_GE(taken, 100u);
  EXPECT_LE(taken, 3u << 16);
  // ...and reads no more once destroyed: its thread is gone.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(inner.taken, taken);
  std::vector<uint8_t> rest(data.size());
  EXPECT_EQ(span.read(rest), data.size() - taken);
}

}  // namespace
}  // namespace eifkit
