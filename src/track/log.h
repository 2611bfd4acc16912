// track/log.h — how src/track logs: a sink passed in by the owner (no global logger).
// Messages are keepalived's exact wording where users grep for them (reference §5.1).
#pragma once

#include <functional>
#include <string_view>

#include "event/loop.h"

namespace vigil::track {

using event::Severity;
using LogFn = std::function<void(Severity, std::string_view)>;

}  // namespace vigil::track
