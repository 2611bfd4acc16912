// event/fired.cc — see fired.h.
#include "event/fired.h"

namespace vigil::event {

const char* to_string(Reason r) {
  switch (r) {
    case Reason::ready: return "ready";
    case Reason::timed_out: return "timed_out";
    case Reason::error: return "error";
    case Reason::hangup: return "hangup";
    case Reason::exited: return "exited";
    case Reason::timer: return "timer";
    case Reason::event: return "event";
    case Reason::signal: return "signal";
    case Reason::terminate_start: return "terminate_start";
  }
  return "?";
}

}  // namespace vigil::event
