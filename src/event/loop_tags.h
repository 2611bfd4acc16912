// event/loop_tags.h — epoll data tags for the loop's own fds (internal). User fds are tagged with
// their own, non-negative number, so these sit far above any fd.
#pragma once

#include <cstdint>

namespace vigil::event::detail {

inline constexpr std::uint64_t kTimerTag = 1ULL << 40;
inline constexpr std::uint64_t kSignalTag = 2ULL << 40;

}  // namespace vigil::event::detail
