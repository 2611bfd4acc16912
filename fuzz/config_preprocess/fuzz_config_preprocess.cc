// libFuzzer target: preprocess_text() on arbitrary bytes must not crash, hang or leak, and what
// it returns must keep the documented invariants (non-empty lines, 1-based locations, braces
// never quoted). Quoted tokens also go through split_command() (script strings).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/lex_command.h"
#include "config/preprocess.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  PreprocessOptions opts;
  opts.config_id = "low";
  opts.instance_name = "fuzz";
  opts.random_seed = 1;
  opts.allow_includes = false;
  opts.use_process_env = false;
  opts.max_lines = 2000;  // enough for every feature; keeps ~SEQ inputs fast
  SourceFiles files;
  Diagnostics diags;
  const std::vector<Line> lines =
      preprocess_text(text, "/nonexistent-vigil-fuzz/fuzz.conf", opts, files, diags);
  for (const Line& line : lines) {
    check(!line.tokens.empty());
    for (const Token& t : line.tokens) {
      check(t.loc.file() && t.loc.line >= 1 && t.loc.col >= 1);
      if (t.is_open() || t.is_close()) check(t.text.size() == 1);
      if (!t.quoted) check(!t.text.empty());
      if (t.quoted) (void)split_command(t.text);  // script/notify strings
    }
  }
  for (const Diagnostic& d : diags.all()) check(!d.message.empty());
  return 0;
}
