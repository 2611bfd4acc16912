// config/define_predefined.h — keepalived's predefined names (keepalived.conf(5), "Pre-defined
// definitions"): ${_PWD} (directory of the current file), ${_INSTANCE}, ${_RANDOM [MIN [MAX]]}
// (an integer in [MIN, MAX], defaults 0 and 32767), ${_ENV VAR}, ${_HASH} (#), ${_BANG} (!).
#pragma once

#include <random>
#include <string>
#include <string_view>

#include "config/preprocess.h"

namespace vigil::config::lex {

struct PredefinedContext {
  std::string_view pwd;
  std::string_view instance;
  std::mt19937* rng = nullptr;
  const PreprocessOptions* opts = nullptr;  // env, use_process_env
};

// If `name` (with `args`, the words after it inside ${…}) is a predefined name used correctly,
// sets `value` and returns true. `${_RANDOM x}` and the like return false (left untouched).
bool expand_predefined(std::string_view name, std::string_view args, const PredefinedContext& ctx,
                       std::string& value);

}  // namespace vigil::config::lex
