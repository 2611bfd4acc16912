// Helpers for the preprocess tests: run preprocess_text on a string and look at the result as
// plain vectors of token texts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/preprocess.h"

namespace vigil::config::test {

using Lines = std::vector<std::vector<std::string>>;

struct Pre {
  SourceFiles files;
  Diagnostics diags;
  std::vector<Line> out;

  explicit Pre(std::string_view text, PreprocessOptions opts = default_opts(),
               std::string_view name = "t.conf") {
    out = preprocess_text(text, name, opts, files, diags);
  }

  static PreprocessOptions default_opts() {
    PreprocessOptions o;
    o.config_id = "low";
    o.use_process_env = false;
    return o;
  }

  Lines lines() const {
    Lines l;
    for (const Line& line : out) {
      l.emplace_back();
      for (const Token& t : line.tokens) l.back().emplace_back(t.text);
    }
    return l;
  }

  std::string errors() const {
    std::string s;
    for (const auto& d : diags.all()) s += d.str() + "\n";
    return s;
  }
};

}  // namespace vigil::config::test
