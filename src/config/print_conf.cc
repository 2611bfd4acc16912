// print_conf.cc — Config → keepalived.conf text (for the round trip; see config/dump.h).
#include <fmt/format.h>

#include "config/dump.h"

namespace vigil::config {

std::string print_conf(const Config&) { return {}; }

}  // namespace vigil::config
