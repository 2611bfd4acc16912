// config/check.h — the configuration test: what `vigild -t [-f FILE] [-i ID]` and
// `vigild --dump-conf` call.
//
//   vigil::config::CheckOptions opts;
//   opts.preprocess.config_id = "lb1";                       // -i
//   opts.env.interface_exists = [](std::string_view n) { return if_nametoindex(…) != 0; };
//   opts.env.script_usable = …;  opts.env.user_exists = …;   // the daemon supplies host facts
//   auto r = vigil::config::check_config("/etc/keepalived/keepalived.conf", opts);
//   for (const auto& d : r.diagnostics) std::cerr << d.str() << '\n';
//   if (want_dump) std::cout << vigil::config::dump_json(*r.config);   // config/dump.h
//   return r.exit_code;
//
// Pipeline: preprocess (config/preprocess.h) → statement tree (config/tree.h) → keyword tables
// (config/parser.h) → named rules (config/rules.h). The model comes back immutable (shared, const)
// together with the SourceFiles its locations point into.
//
// Exit codes, as keepalived 2.2.7's `-t` (reference §1.3, checked against the real binary):
//   0  no error (warnings allowed)
//   2  a keyword is missing its value ("missing a parameter": keepalived stops reading there);
//      takes precedence over everything below
//   4  fatal: the configuration file does not exist / cannot be read, or a fatal diagnostic
//   5  any other configuration error (keepalived would still run, with the value corrected),
//      or a warning keepalived's -t counts (DiagKind::counted_warning: "Unknown keyword")
//   6  scripts would run as root but enable_script_security is not set (takes precedence)
// keepalived itself returns 0 for a missing file and 5 (not 4) for a missing interface; vigil
// follows keepalived for interfaces and deliberately returns 4 for a missing file.
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "config/model.h"
#include "config/preprocess.h"
#include "config/rules.h"
#include "config/source.h"

namespace vigil::config {

struct CheckOptions {
  PreprocessOptions preprocess;
  Environment env;  // host facts; null callbacks are not checked
};

struct CheckResult {
  std::shared_ptr<const SourceFiles> files;  // what every SourceLoc points into
  std::shared_ptr<const Config> config;      // never null
  std::vector<Diagnostic> diagnostics;
  RuleFacts facts;
  int exit_code = 0;
  // What the daemon may run: no error other than script security (keepalived runs those too).
  // Warnings never block, even those -t counts (exit 5 for an unknown keyword, as keepalived).
  bool runnable = false;

  bool ok() const { return exit_code == 0; }
  std::size_t count(Severity s) const;
};

CheckResult check_config(const std::filesystem::path& path, const CheckOptions& opts);
// The same for text in memory (tests, fuzzing); `name` is used in locations and for includes.
CheckResult check_text(std::string_view text, std::string_view name, const CheckOptions& opts);

// keepalived -t's exit code for these diagnostics.
int exit_code_for(const Diagnostics& diags, const RuleFacts& facts);

}  // namespace vigil::config
