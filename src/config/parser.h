// config/parser.h — tokens → typed model (config/model.h).
//
//   SourceFiles files; Diagnostics diags;
//   auto lines = preprocess_file(path, opts, files, diags);
//   Config cfg = parse_config(lines, diags);   // keywords only, no defaults applied yet
//   apply_rules(cfg, env, diags);              // config/rules.h: defaults, derivations, checks
//
// Most callers want config/check.h, which does all of this and computes keepalived's -t exit
// code. The parser never throws and never stops early: every problem is a Diagnostic with
// file:line:col, and whatever could be understood is in the returned model.
#pragma once

#include <vector>

#include "config/model.h"
#include "config/preprocess.h"
#include "config/source.h"

namespace vigil::config {

Config parse_config(const std::vector<Line>& lines, Diagnostics& diags);
// check_config (config/check.h) streams instead: preprocessor → StatementStream (config/tree.h)
// → parse_top_statement (config/keyword.h), one top-level statement at a time.

}  // namespace vigil::config
