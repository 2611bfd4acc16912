// track/credentials.h — who a script runs as: keepalived's `script_user USER [[:]GROUP]` and
// `user USER [[:]GROUP]`, resolved once (at configuration time) into numbers the child applies
// right after fork, before exec (setgroups, setgid, setuid).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "net/result.h"

namespace vigil::track {

struct Credentials {
  bool change = false;        // false: the child keeps vigil's own ids
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups set in the child (just {gid} unless asked)
  std::string user;           // for logs
};

// Resolves USER (name or number) and optional GROUP (name or number; empty = USER's primary
// group). With `supplementary`, the child gets every group USER belongs to (keepalived's
// set_supplementary_groups); otherwise only GROUP. Errors: unknown user or group.
net::Result<Credentials> resolve_credentials(std::string_view user, std::string_view group,
                                        bool supplementary);

}  // namespace vigil::track
