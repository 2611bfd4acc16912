// vigil-config-check — a small `keepalived -t` work-alike over vigil_config, for bench_config
// (timed as a whole process, like keepalived) and for trying configs by hand.
//   vigil-config-check [-i CONFIG_ID] [--dump] [--quiet] [--no-env] FILE
// Exit code: as keepalived -t (config/check.h).
#include <cstdio>
#include <cstring>
#include <string>

#include "bench/config/host_env.h"
#include "config/check.h"
#include "config/dump.h"

int main(int argc, char** argv) {
  vigil::config::CheckOptions opts;
  bool dump = false, quiet = false, env = true;
  const char* file = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "-i") && i + 1 < argc) opts.preprocess.config_id = argv[++i];
    else if (!std::strcmp(argv[i], "--dump")) dump = true;
    else if (!std::strcmp(argv[i], "--quiet")) quiet = true;
    else if (!std::strcmp(argv[i], "--no-env")) env = false;
    else file = argv[i];
  }
  if (!file) {
    std::fprintf(stderr, "usage: %s [-i ID] [--dump] [--quiet] [--no-env] FILE\n", argv[0]);
    return 2;
  }
  if (opts.preprocess.config_id.empty()) opts.preprocess.config_id = vigil::config::default_config_id();
  if (env) opts.env = vigil::config::host_environment();
  auto r = vigil::config::check_config(file, opts);
  if (!quiet)
    for (const auto& d : r.diagnostics) std::fprintf(stderr, "%s\n", d.str().c_str());
  if (dump) std::fputs(vigil::config::dump_json(*r.config).c_str(), stdout);
  return r.exit_code;
}
