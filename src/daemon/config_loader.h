// daemon/config_loader.h — reading keepalived.conf for the daemon.
//
// Only the VRRP child loads the configuration — at start, respawn (from the snapshot) and every
// reload; the parent never parses it (daemon/parent.h), except for `-d` and `-t`, which run
// before anything else. The daemon depends on the config library in one place only
// (config_loader.cc).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/options.h"
#include "daemon/run_config.h"

namespace vigil::daemon {

struct LoadResult {
  std::optional<RunConfig> config;    // nullopt: the file cannot be run (any error)
  std::vector<std::string> messages;  // diagnostics, one per line ("file:line:col: error: …")
  int test_exit_code = 0;             // what `-t` would exit with (keepalived: 0/4/5/6)
  bool missing = false;               // the main file does not exist (daemon exits 6)
  // What the file says about process-level settings, as far as it could be parsed (also when
  // `config` is nullopt because of errors elsewhere).
  std::optional<ProcessSettings> settings;
};

class ConfigLoader {
 public:
  virtual ~ConfigLoader() = default;
  // `snapshot`: files to take from memory rather than the disk (RunConfig::files of a
  // configuration checked earlier); null: read everything from the disk.
  virtual LoadResult load(const std::string& path, std::shared_ptr<const FileTexts> snapshot = {}) = 0;
};

// The loader backed by src/config (preprocess, parse, validate).
std::unique_ptr<ConfigLoader> make_config_loader(const Options& options);

// `-t[FILE]`: check the file, print diagnostics to stderr (or FILE), return the exit code.
int run_config_test(const Options& options);

// `-d`/`--dump-conf`: the parsed model as JSON (config/dump.h), or nullopt with the reason.
std::optional<std::string> dump_config_json(const Options& options, std::string& why_not);

}  // namespace vigil::daemon
