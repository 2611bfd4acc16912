// track_file: values read from the file and followed through inotify on a real temp directory.
#include "track/track_file.h"

#include <stdio.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

#include "helpers.h"

namespace vigil::track {
namespace {

using namespace std::chrono_literals;

TEST(TrackFileValue, ParsesLikeStrtol) {
  EXPECT_EQ(parse_file_value("42\n"), 42);
  EXPECT_EQ(parse_file_value("  -7"), -7);
  EXPECT_EQ(parse_file_value("+3"), 3);
  EXPECT_EQ(parse_file_value("12abc"), 12);
  EXPECT_EQ(parse_file_value("abc"), 0);
  EXPECT_EQ(parse_file_value(""), 0);
  EXPECT_EQ(parse_file_value("99999999999999999999999"), INT64_MAX);
  EXPECT_EQ(parse_file_value("-99999999999999999999999"), INT64_MIN);
}

struct Fixture {
  event::MonotonicClock clock;
  event::Loop loop{clock};
  std::vector<std::pair<std::size_t, std::int64_t>> changes;
  TrackFileWatcher files{loop, nullptr,
                         [this](std::size_t i, std::int64_t v) { changes.emplace_back(i, v); }};
  testing::TempDir dir;

  // inotify events are queued by the write itself; 2 s bounds a loaded machine's scheduling.
  bool wait_changes(std::size_t n) {
    return testing::run_until(loop, [&] { return changes.size() >= n; }, 2s);
  }
};

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(TrackFileWatch, FollowsWritesRenamesAndDeletes) {
  Fixture f;
  const auto path = f.dir.file("prio");
  write_file(path, "5\n");
  auto i = f.files.add({.name = "tf", .path = path});
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(f.files.value(*i), 5);

  write_file(path, "-20\n");  // rewrite in place
  ASSERT_TRUE(f.wait_changes(1));
  EXPECT_EQ(f.changes.back(), std::make_pair(*i, std::int64_t{-20}));

  const auto tmp = f.dir.file("prio.new");  // atomic replace
  write_file(tmp, "7");
  ASSERT_EQ(::rename(tmp.c_str(), path.c_str()), 0);
  ASSERT_TRUE(f.wait_changes(2));
  EXPECT_EQ(f.files.value(*i), 7);

  ASSERT_EQ(::unlink(path.c_str()), 0);  // gone reads as 0
  ASSERT_TRUE(f.wait_changes(3));
  EXPECT_EQ(f.files.value(*i), 0);

  write_file(path, "0\n");  // same value: no report; then a real change
  write_file(path, "9\n");
  ASSERT_TRUE(f.wait_changes(4));
  EXPECT_EQ(f.changes.size(), 4u);
  EXPECT_EQ(f.files.value(*i), 9);
}

TEST(TrackFileWatch, OtherFilesInTheDirectoryAreIgnored) {
  Fixture f;
  const auto a = f.dir.file("a");
  const auto b = f.dir.file("b");
  auto ia = f.files.add({.name = "A", .path = a});
  auto ib = f.files.add({.name = "B", .path = b});
  ASSERT_TRUE(ia && ib);
  write_file(f.dir.file("unrelated"), "100");
  write_file(b, "3");
  ASSERT_TRUE(f.wait_changes(1));
  EXPECT_EQ(f.changes.size(), 1u);
  EXPECT_EQ(f.changes[0], std::make_pair(*ib, std::int64_t{3}));
  EXPECT_EQ(f.files.value(*ia), 0);
}

TEST(TrackFileWatch, InitFileCreatesOrOverwrites) {
  Fixture f;
  const auto fresh = f.dir.file("fresh");
  auto i = f.files.add({.name = "fresh", .path = fresh, .init_file = true, .init_value = 12});
  ASSERT_TRUE(i.has_value());
  EXPECT_EQ(testing::read_file(fresh), "12\n");
  EXPECT_EQ(f.files.value(*i), 12);

  const auto kept = f.dir.file("kept");
  write_file(kept, "4\n");
  auto k = f.files.add({.name = "kept", .path = kept, .init_file = true, .init_value = 1});
  EXPECT_EQ(f.files.value(*k), 4);  // exists: left alone

  auto o = f.files.add({.name = "over", .path = kept, .init_file = true, .init_value = -3,
                        .init_overwrite = true});
  EXPECT_EQ(f.files.value(*o), -3);
  EXPECT_EQ(testing::read_file(kept), "-3\n");
}

TEST(TrackFileWatch, MissingDirectoryIsAnError) {
  Fixture f;
  EXPECT_FALSE(f.files.add({.name = "x", .path = "/nonexistent-vigil/dir/f"}).has_value());
}

}  // namespace
}  // namespace vigil::track
