// Why: `vigild -t` on the 1,000-instance configuration of bench/config spends about a fifth of
// its time in page faults — one per 4 KiB of the ~3 MB model as it is first written (~700
// faults, ~1 ms). Backed by 2 MiB transparent huge pages the same memory costs two or three
// faults (~0.1 ms). malloc is asked to take everything from one heap (no separate mapping for
// the instance array), to grow it once by the expected size, and never to give it back; the
// 2 MiB-aligned part of that growth is madvise(MADV_HUGEPAGE)d. With THP "never" the advice is
// ignored and only the up-front growth remains (untouched pages cost nothing).
//
// Only for the -t process and large files: the daemon's own RSS is better served by 4 KiB
// pages, and a small configuration has nothing to gain.
#include "daemon/config_test_heap.h"

#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace vigil::daemon {

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Heap per byte of keepalived.conf for the model, rounded up (bench/config: 552 KB of text,
// ~2.9 MB of model and parser state).
constexpr std::size_t kHeapPerByte = 6;
// Smaller files: nothing to gain (their model fits in a few hundred pages).
constexpr std::size_t kMinFile = std::size_t{256} << 10;

// Large enough to come from the heap's free end, not from a bin of freed blocks.
constexpr std::size_t kGrow = std::size_t{256} << 10;

// The filler block, held (not leaked) until the process exits.
void* volatile g_gap = nullptr;

std::uintptr_t align_up(std::uintptr_t v) { return (v + kHugePage - 1) & ~(kHugePage - 1); }
std::uintptr_t align_down(std::uintptr_t v) { return v & ~(kHugePage - 1); }

}  // namespace

void prepare_heap_for_config_test(const std::string& path) {
#if defined(__SANITIZE_ADDRESS__)
  return;  // the sanitizer's allocator is not glibc's: nothing here applies
#endif
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size < kMinFile || size > (std::size_t{128} << 20)) return;
  const std::size_t reserve = std::max(size * kHeapPerByte, 2 * kHugePage);
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest: the instance array stays in the heap
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);   // never shrink (and split) the reserved heap
  ::mallopt(M_TOP_PAD, static_cast<int>(reserve + 2 * kHugePage));
  const auto before = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  // More than all the free memory malloc holds (~100 KB at start-up), so that it cannot reuse a
  // freed block and grows the heap for this one, by the padding above.
  const std::size_t ask = ::mallinfo2().fordblks + kGrow;
  void* volatile grow = std::malloc(ask);  // volatile: keep the call
  // malloc has written the header of the heap's free end just past this block: the huge pages
  // start above it (a 2 MiB range with a 4 KiB page already in it cannot become a huge page).
  const auto grown_end = reinterpret_cast<std::uintptr_t>(grow) + ask;
  std::free(grow);  // merges back into the free end, which starts at `grow` again
  ::mallopt(M_TOP_PAD, 128 << 10);  // glibc's default again
  const auto after = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  const std::uintptr_t from = align_up(grown_end + 64), to = align_down(after);
  if (after <= before || to <= from) return;
  ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // advice: errors ignored
  // The model would be allocated from `grow` up, ~2 MB of 4 KiB pages below `from`: fill the
  // gap with one block that is never used (nor touched past its header, so it costs no
  // memory); the next block, and the model, start at `from`.
  const auto at = reinterpret_cast<std::uintptr_t>(grow);
  if (at < from) g_gap = std::malloc(from - at - 2 * sizeof(std::size_t));
}

}  // namespace vigil::daemon
