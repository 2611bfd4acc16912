// Tests for daemon/config_test_heap.h: preparing the heap for `vigild -t` on a large file changes
// malloc's layout only, never the verdict. A test binary of its own: the preparation changes
// malloc's settings for the rest of the process.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/check.h"
#include "config/dump.h"
#include "daemon/config_test_heap.h"

namespace vigil::daemon {
namespace {

// A configuration in the shape bench/config generates, plus two mistakes (a VRID out of range, an
// unknown keyword) so that the diagnostics are compared too.
std::string write_config(int instances) {
  const std::string path = ::testing::TempDir() + "config_test_heap_" + std::to_string(::getpid()) +
                           "_" + std::to_string(instances) + ".conf";
  std::ofstream out(path);
  out << "global_defs {\n    router_id heap\n}\n";
  for (int n = 0; n < instances; ++n) {
    const int vrid = n % 250 + 1;
    out << "vrrp_instance VI_" << n << " {\n    state BACKUP\n    interface if" << n / 250
        << "\n    virtual_router_id " << vrid << "\n    priority " << 50 + n % 200
        << "\n    virtual_ipaddress {\n";
    for (int a = 1; a <= 10; ++a)
      out << "        10." << n / 250 << "." << vrid << "." << a << "/24 dev if" << n / 250 << "\n";
    out << "    }\n}\n";
  }
  out << "vrrp_instance BAD {\n    interface if0\n    virtual_router_id 300\n    bogus_kw 1\n}\n";
  return path;
}

struct Verdict {
  std::vector<std::string> messages;
  int exit_code = 0;
  std::string dump;
};

Verdict check(const std::string& path) {
  const auto r = config::check_config(path, {});
  Verdict v;
  for (const auto& d : r.diagnostics) v.messages.push_back(d.str());
  v.exit_code = r.exit_code;
  v.dump = config::dump_json(*r.config, {.with_locations = true});
  return v;
}

TEST(ConfigTestHeap, LargeFileChecksTheSameOnThePreparedHeap) {
  const std::string path = write_config(1000);  // ~450 KB: above the 256 KB threshold
  ASSERT_GT(std::filesystem::file_size(path), 256u << 10);
  const Verdict plain = check(path);
  ASSERT_EQ(plain.exit_code, 5);  // the two mistakes
  ASSERT_GE(plain.messages.size(), 2u);

  const auto brk_before = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  prepare_heap_for_config_test(path);
#if !defined(__SANITIZE_ADDRESS__)
  // glibc's heap was grown once by about six times the file (the sanitizer's allocator is left
  // alone).
  const auto brk_after = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  EXPECT_GE(brk_after - brk_before, 5 * std::filesystem::file_size(path));
#else
  (void)brk_before;
#endif
  const Verdict prepared = check(path);
  EXPECT_EQ(prepared.messages, plain.messages);
  EXPECT_EQ(prepared.exit_code, plain.exit_code);
  EXPECT_EQ(prepared.dump, plain.dump);
  // malloc goes on working across the reserved range: blocks of every size, freed and reused.
  std::vector<void*> blocks;
  for (std::size_t size = 16; size <= (std::size_t{4} << 20); size *= 2) {
    blocks.push_back(std::malloc(size));
    ASSERT_NE(blocks.back(), nullptr);
  }
  for (void* b : blocks) std::free(b);
  EXPECT_EQ(check(path).dump, plain.dump);
  std::filesystem::remove(path);
}

TEST(ConfigTestHeap, SmallOrMissingFileLeavesTheHeapAlone) {
  const std::string small = write_config(10);
  const auto brk_before = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  prepare_heap_for_config_test(small);
  prepare_heap_for_config_test(small + ".missing");
  prepare_heap_for_config_test(::testing::TempDir());  // a directory
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(::sbrk(0)), brk_before);
  std::filesystem::remove(small);
}

}  // namespace
}  // namespace vigil::daemon
