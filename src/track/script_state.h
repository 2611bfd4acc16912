// track/script_state.h — the rise/fall result counter of one vrrp_script (reference §3.4), pure.
//
// keepalived keeps one counter per script, `result`, in 0 .. rise+fall-1; the script is OK when
// result >= rise. It starts at rise-1 (a single success makes it OK) or at 0 with `init_fail`
// (it needs `rise` successes). Each run moves it:
//
//   success: result <  rise-1            → result+1              (still rising, still KO)
//            result == rise-1            → rise+fall-1, now OK    log "VRRP_Script(X) succeeded"
//            result >= rise              → rise+fall-1            (stays OK, fall budget refilled)
//   failure: result >  rise              → result-1              (still OK, falling)
//            result == rise              → 0, now KO              log "...failed (exited with status N)"
//                                                                   or "...timed_out"
//            result <  rise              → 0                     (stays KO)
//
// Until its first result a script is `initialising` (neither OK nor KO: it adds no weight and a
// weight-0 tracker waits for it); its first result always reports a change and logs — a first
// failure logs "failed" even though the counter was already below rise (observed with keepalived
// 2.2.7: `rise 2` + /bin/false logs "Script `chk` now returning 1" then "VRRP_Script(chk) failed
// (exited with status 1)" on the first run). `init_fail` skips initialising: KO from the start.
//
//   ScriptState s(ScriptCounting{.rise = 2, .fall = 3});
//   auto change = s.record(RunResult::exited(1), "chk");   // change.log: lines to log
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil::track {

struct ScriptCounting {
  std::uint32_t rise = 1;
  std::uint32_t fall = 1;
  bool init_fail = false;
};

// How one run ended.
struct RunResult {
  enum class Kind : std::uint8_t { exited, signalled, timed_out };
  Kind kind = Kind::exited;
  int value = 0;  // exit status, or the signal number

  static constexpr RunResult exited(int status) { return {Kind::exited, status}; }
  static constexpr RunResult signalled(int signo) { return {Kind::signalled, signo}; }
  static constexpr RunResult timed_out() { return {Kind::timed_out, 0}; }
  constexpr bool success() const { return kind == Kind::exited && value == 0; }
};

struct ScriptChange {
  bool state_changed = false;   // OK <-> KO flipped (the priority/fault must be recomputed)
  bool first_result = false;    // this was the script's first result (initialising ended)
  std::vector<std::string> log;  // keepalived's lines, in order
};

class ScriptState {
 public:
  explicit ScriptState(ScriptCounting c);

  ScriptChange record(RunResult r, const std::string& name);

  bool ok() const { return !initialising_ && result_ >= counting_.rise; }
  bool failed() const { return !initialising_ && result_ < counting_.rise; }
  bool initialising() const { return initialising_; }
  std::uint32_t counter() const { return result_; }
  const ScriptCounting& counting() const { return counting_; }

 private:
  ScriptCounting counting_;
  std::uint32_t result_;
  int last_status_ = 0;  // last exit status, for "Script `X` now returning N"
  bool initialising_;
};

}  // namespace vigil::track
