// track/script_state.cc — rise/fall counting (table in script_state.h).
#include "track/script_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace vigil::track {

ScriptState::ScriptState(ScriptCounting c) : counting_(c) {
  counting_.rise = std::max<std::uint32_t>(counting_.rise, 1);
  counting_.fall = std::max<std::uint32_t>(counting_.fall, 1);
  result_ = counting_.init_fail ? 0 : counting_.rise - 1;
  initialising_ = !counting_.init_fail;
}

namespace {

std::string failure_line(const std::string& name, RunResult r) {
  switch (r.kind) {
    case RunResult::Kind::timed_out:
      return fmt::format("VRRP_Script({}) timed_out", name);
    case RunResult::Kind::signalled:
      return fmt::format("VRRP_Script({}) failed (due to signal {})", name, r.value);
    case RunResult::Kind::exited:
      break;
  }
  return fmt::format("VRRP_Script({}) failed (exited with status {})", name, r.value);
}

}  // namespace

ScriptChange ScriptState::record(RunResult r, const std::string& name) {
  ScriptChange out;
  out.first_result = std::exchange(initialising_, false);
  if (r.kind == RunResult::Kind::exited && r.value != last_status_) {
    out.log.push_back(fmt::format("Script `{}` now returning {}", name, r.value));
    last_status_ = r.value;
  }
  const std::uint32_t rise = counting_.rise;
  const std::uint32_t top = counting_.rise + counting_.fall - 1;
  if (out.first_result && !r.success()) {  // unknown → KO: always reported
    out.log.push_back(failure_line(name, r));
    out.state_changed = true;
    result_ = 0;
    return out;
  }
  if (r.success()) {
    if (result_ < rise - 1) {
      ++result_;
    } else if (result_ != top) {
      if (result_ < rise) {
        out.log.push_back(fmt::format("VRRP_Script({}) succeeded", name));
        out.state_changed = true;
      }
      result_ = top;
    }
  } else {
    if (result_ > rise) {
      --result_;
    } else if (result_ != 0) {
      if (result_ >= rise) {
        out.log.push_back(failure_line(name, r));
        out.state_changed = true;
      }
      result_ = 0;
    }
  }
  return out;
}

}  // namespace vigil::track
