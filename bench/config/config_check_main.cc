// vigil-config-check — a small `keepalived -t` work-alike over vigil_config, for bench_config
// (timed as a whole process, like keepalived) and for trying configs by hand.
//   vigil-config-check [-i CONFIG_ID] [--dump] [--locations] [--print] [--quiet] [--no-env] FILE
// (--locations: the --dump JSON with every "loc", to diff the model's locations.)
// Exit code: as keepalived -t (config/check.h).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench/config/host_env.h"
#include "config/check.h"
#include "config/dump.h"

int main(int argc, char** argv) {
  vigil::config::CheckOptions opts;
  bool dump = false, locations = false, print = false, quiet = false, env = true, timing = false;
  int repeat = 1;  // for profiling: run the whole check this many times
  bool preprocess_only = false;
  const char* file = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "-i") && i + 1 < argc) opts.preprocess.config_id = argv[++i];
    else if (!std::strcmp(argv[i], "--dump")) dump = true;
    else if (!std::strcmp(argv[i], "--locations")) locations = true;
    else if (!std::strcmp(argv[i], "--print")) print = true;
    else if (!std::strcmp(argv[i], "--quiet")) quiet = true;
    else if (!std::strcmp(argv[i], "--no-env")) env = false;
    else if (!std::strcmp(argv[i], "--timing")) timing = true;
    else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--preprocess-only")) preprocess_only = true;
    else file = argv[i];
  }
  if (!file) {
    std::fprintf(stderr, "usage: %s [-i ID] [--dump] [--quiet] [--no-env] FILE\n", argv[0]);
    return 2;
  }
  if (opts.preprocess.config_id.empty()) opts.preprocess.config_id = vigil::config::default_config_id();
  if (env) opts.env = vigil::config::host_environment();
  if (preprocess_only) {  // profiling: the lexer/preprocessor alone
    std::size_t n = 0;
    for (int i = 0; i < repeat; ++i) {
      vigil::config::SourceFiles files;
      vigil::config::Diagnostics diags;
      n += vigil::config::preprocess_file(file, opts.preprocess, files, diags).size();
    }
    return n == 0;
  }
  auto t0 = std::chrono::steady_clock::now();
  auto r = vigil::config::check_config(file, opts);
  for (int i = 1; i < repeat; ++i) r = vigil::config::check_config(file, opts);
  if (timing) {
    // Phase split, for profiling: preprocess alone, then the whole check again.
    vigil::config::SourceFiles files;
    vigil::config::Diagnostics diags;
    auto t1 = std::chrono::steady_clock::now();
    auto lines = vigil::config::preprocess_file(file, opts.preprocess, files, diags);
    auto t2 = std::chrono::steady_clock::now();
    auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
    std::fprintf(stderr, "check_config %.2f ms, of which preprocess %.2f ms (%zu lines)\n",
                 ms(t0, t1), ms(t1, t2), lines.size());
  }
  if (!quiet)
    for (const auto& d : r.diagnostics) std::fprintf(stderr, "%s\n", d.str().c_str());
  if (dump)
    std::fputs(vigil::config::dump_json(*r.config, {.with_locations = locations}).c_str(), stdout);
  if (print) std::fputs(vigil::config::print_conf(*r.config).c_str(), stdout);
  return r.exit_code;
}
