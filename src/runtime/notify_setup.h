// runtime/notify_setup.h — an instance's notify scripts (notify_master, …, notify) from the
// config model, ready for track::Notifier (reference §5.5).
//
// A script runs as its own `user [group]`, else global_defs' script_user, else
// keepalived_script when that user exists, else root (vigil's own ids) — keepalived's rule.
// A script that cannot be prepared (unknown user) is logged and left out.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/model.h"
#include "track/notifier.h"

namespace vigil::runtime {

track::NotifyScripts notify_scripts_of(const config::Config& cfg, const config::VrrpInstance& vi,
                                       const std::function<void(std::string_view)>& log_error);

// The credentials a script runs with (see above); nullopt (logged) for an unknown user.
std::optional<track::Credentials> script_credentials(const config::Config& cfg, std::string user,
                                                    std::string group,
                                                    const std::function<void(std::string_view)>& log_error);

// Whether anything would be notified at all (scripts on some instance, or a notify FIFO).
bool wants_notifier(const config::Config& cfg);

}  // namespace vigil::runtime
