#include "config/check.h"

#include <algorithm>
#include <system_error>

#include "config/parser.h"

namespace vigil::config {

namespace {

CheckResult finish(std::unique_ptr<SourceFiles> files, std::vector<Line>&& lines,
                   Diagnostics& diags, const CheckOptions& opts) {
  auto cfg = std::make_shared<Config>(parse_config(std::move(lines), diags));
  CheckResult r;
  r.facts = apply_rules(*cfg, opts.env, diags);
  r.exit_code = exit_code_for(diags, r.facts);
  r.diagnostics = diags.all();
  r.config = std::move(cfg);
  r.files = std::move(files);
  return r;
}

}  // namespace

std::size_t CheckResult::count(Severity s) const {
  return static_cast<std::size_t>(std::count_if(
      diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) { return d.severity == s; }));
}

int exit_code_for(const Diagnostics& diags, const RuleFacts& facts) {
  if (facts.script_security_violation) return 6;
  if (diags.has_fatal()) return 4;
  if (diags.has_errors()) return 5;
  return 0;
}

CheckResult check_config(const std::filesystem::path& path, const CheckOptions& opts) {
  auto files = std::make_unique<SourceFiles>();
  Diagnostics diags;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    SourceLoc where{files->intern(path.string()), 0, 0};
    diags.fatal(where, "configuration file not found or not a regular file: give the path of "
                       "keepalived.conf with -f");
    CheckResult r;
    r.config = std::make_shared<Config>();
    r.exit_code = 4;
    r.diagnostics = diags.all();
    r.files = std::move(files);
    return r;
  }
  auto lines = preprocess_file(path, opts.preprocess, *files, diags);
  return finish(std::move(files), std::move(lines), diags, opts);
}

CheckResult check_text(std::string_view text, std::string_view name, const CheckOptions& opts) {
  auto files = std::make_unique<SourceFiles>();
  Diagnostics diags;
  auto lines = preprocess_text(text, name, opts.preprocess, *files, diags);
  return finish(std::move(files), std::move(lines), diags, opts);
}

}  // namespace vigil::config
