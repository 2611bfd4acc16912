// config/dump.h — the model as text: JSON for `vigild --dump-conf`, keepalived.conf for the round
// trip.
//
//   std::string j = dump_json(cfg);            // stable key order (keyword order), 2-space indent
//   std::string k = print_conf(cfg);           // a keepalived.conf that parses to the same model
//
// The JSON holds every setting with its effective value (defaults and derived values included),
// so two configurations can be diffed and tests can assert on it. Durations are written as
// seconds in keepalived's notation ("1", "0.01"); addresses as text; enums as keywords.
// With `with_locations`, named objects and list entries also carry "loc": "file:line:col".
// print_conf writes only what the file set (plus the lists), so defaults are derived again on
// re-parsing.
#pragma once

#include <string>

#include "config/model.h"

namespace vigil::config {

struct DumpOptions {
  bool with_locations = false;
  int indent = 2;
};

std::string dump_json(const Config& cfg, const DumpOptions& opts = {});
std::string print_conf(const Config& cfg);

}  // namespace vigil::config
