#include "config/check.h"

#include <algorithm>
#include <system_error>

#include "config/keyword.h"
#include "config/parser.h"
#include "config/tree.h"

namespace vigil::config {

namespace {

// An instance is large (every value carries its location): growing the vector would copy all
// of them and touch twice the memory. When it is full, make room for as many as the files read
// so far name (an estimate: a name in a comment counts too), at least twice as many as now.
void reserve_instances(Config& cfg, const Stmt& s, const SourceFiles& files) {
  auto& v = cfg.vrrp_instances;
  if (v.size() < v.capacity() || s.keyword().quoted || s.keyword().text != "vrrp_instance") return;
  std::size_t named = 0;
  for (std::string_view t : files.texts())
    for (std::size_t at = t.find("vrrp_instance"); at != std::string_view::npos;
         at = t.find("vrrp_instance", at + 1))
      ++named;
  v.reserve(std::max({named, 2 * v.size(), std::size_t{4}}));
}

// Preprocess → statements → model, streaming: only the top-level statement being read has its
// tokens in memory.
template <class Feed>
CheckResult run_check(std::unique_ptr<SourceFiles> files, Diagnostics& diags,
                      const CheckOptions& opts, const Feed& feed) {
  auto cfg = std::make_shared<Config>();
  {
    ParseCtx ctx(*cfg, diags);
    const SourceFiles& texts = *files;
    StatementStream stream(diags, [&ctx, &texts](const Stmt& s) {
      reserve_instances(ctx.cfg, s, texts);
      parse_top_statement(ctx, s);
    });
    feed(*files, [&stream](std::span<const Token> line) { stream.line(line); });
    stream.finish();
  }
  CheckResult r;
  r.facts = apply_rules(*cfg, opts.env, diags);
  r.exit_code = exit_code_for(diags, r.facts);
  r.runnable = !diags.has_blocking_errors();
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
  if (diags.has(DiagKind::missing_parameter)) return 2;  // keepalived stops reading there
  if (facts.script_security_violation) return 6;
  if (diags.has_fatal()) return 4;
  if (diags.has_errors() || diags.has(DiagKind::counted_warning)) return 5;
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
  return run_check(std::move(files), diags, opts, [&](SourceFiles& f, const LineSink& sink) {
    preprocess_file(path, opts.preprocess, f, diags, sink);
  });
}

CheckResult check_text(std::string_view text, std::string_view name, const CheckOptions& opts) {
  auto files = std::make_unique<SourceFiles>();
  Diagnostics diags;
  return run_check(std::move(files), diags, opts, [&](SourceFiles& f, const LineSink& sink) {
    preprocess_text(text, name, opts.preprocess, f, diags, sink);
  });
}

}  // namespace vigil::config
