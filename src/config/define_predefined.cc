#include "config/define_predefined.h"

#include <cstdlib>
#include <utility>

#include "config/lex_line.h"

namespace vigil::config::lex {

namespace {

// "MIN [MAX]": non-negative integers.
bool parse_random_args(std::string_view args, unsigned long& lo, unsigned long& hi) {
  unsigned long* slot[2] = {&lo, &hi};
  int n = 0;
  std::size_t i = 0;
  while (i < args.size()) {
    if (is_space(args[i])) {
      ++i;
      continue;
    }
    if (n == 2) return false;
    unsigned long v = 0;
    const std::size_t start = i;
    while (i < args.size() && args[i] >= '0' && args[i] <= '9') {
      if (v > 0xffffffffUL) return false;
      v = v * 10 + static_cast<unsigned long>(args[i] - '0');
      ++i;
    }
    if (i == start || (i < args.size() && !is_space(args[i]))) return false;
    *slot[n++] = v;
  }
  if (hi < lo) std::swap(lo, hi);
  return true;
}

}  // namespace

bool expand_predefined(std::string_view name, std::string_view args, const PredefinedContext& ctx,
                       std::string& value) {
  if (name == "_PWD" && args.empty()) {
    value = ctx.pwd;
  } else if (name == "_INSTANCE" && args.empty()) {
    value = ctx.instance;
  } else if (name == "_HASH" && args.empty()) {
    value.assign(1, '#');  // (not `= "#"`: g++ 12 -O3 warns a false -Wrestrict on that, PR105651)
  } else if (name == "_BANG" && args.empty()) {
    value.assign(1, '!');
  } else if (name == "_RANDOM" && ctx.rng) {
    unsigned long lo = 0, hi = 32767;
    if (!parse_random_args(args, lo, hi)) return false;
    std::uniform_int_distribution<unsigned long> dist(lo, hi);
    value = std::to_string(dist(*ctx.rng));
  } else if (name == "_ENV" && !args.empty() && ctx.opts) {
    for (const auto& [k, v] : ctx.opts->env)
      if (k == args) {
        value = v;
        return true;
      }
    value.clear();  // an unset variable expands to nothing
    if (ctx.opts->use_process_env) {
      const std::string key(args);
      if (const char* e = std::getenv(key.c_str())) value = e;  // NOLINT(concurrency-mt-unsafe)
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace vigil::config::lex
