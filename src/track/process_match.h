// track/process_match.h — which processes a `vrrp_track_process` counts, and its quorum, pure
// (reference §3.5).
//
//   process NAME [ARGS...]      NAME is compared with the process name (/proc/PID/comm, the
//                               kernel's 15-character name), or with argv[0] under
//                               `full_command`. With ARGS, `param_match` decides:
//                                 exact   — argv[1..] equals ARGS (default)
//                                 initial — argv[1..] starts with ARGS
//                                 partial — ARGS appear as consecutive words in argv[1..]
//   quorum Q, quorum_max M      UP while Q <= count <= M.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::track {

enum class ParamMatch : std::uint8_t { exact, initial, partial };

struct TrackProcessConfig {
  std::string name{};
  std::string process{};
  std::vector<std::string> args{};
  ParamMatch param_match = ParamMatch::exact;
  bool full_command = false;
  std::uint32_t quorum = 1;
  std::uint32_t quorum_max = std::numeric_limits<std::uint32_t>::max();
  std::chrono::nanoseconds fork_delay{0};       // before reporting quorum gained (`delay` sets both)
  std::chrono::nanoseconds terminate_delay{0};  // before reporting quorum lost
};

// What we know about one process.
struct ProcessInfo {
  std::string comm;               // /proc/PID/comm without the newline
  std::vector<std::string> argv;  // /proc/PID/cmdline split on NULs (empty for kernel threads)
};

bool process_matches(const TrackProcessConfig& c, const ProcessInfo& p);

inline bool quorum_met(const TrackProcessConfig& c, std::uint32_t count) {
  return count >= c.quorum && count <= c.quorum_max;
}

// keepalived's lines: "Quorum gained for tracked process X" / "Quorum lost for tracked process X".
std::string quorum_line(std::string_view name, bool gained);

}  // namespace vigil::track
