// libFuzzer target: the whole configuration check (lexer + preprocessor + statement tree +
// keyword tables + rules) on arbitrary bytes, then the JSON dump and the keepalived.conf printer,
// then a re-parse of the printed text. Nothing may crash, hang, leak or trip a sanitizer, the
// exit code must be one of keepalived's, and a parse must always yield a model. Includes and the
// process environment are disabled; host facts come from a deterministic fake Environment.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/check.h"
#include "config/dump.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

vigil::config::CheckOptions options() {
  vigil::config::CheckOptions o;
  o.preprocess.config_id = "low";
  o.preprocess.instance_name = "fuzz";
  o.preprocess.random_seed = 1;
  o.preprocess.allow_includes = false;
  o.preprocess.use_process_env = false;
  o.preprocess.max_lines = 2000;
  // Deterministic host: interfaces starting with "eth" exist, scripts under /bin are usable,
  // only user "nobody" exists.
  o.env.interface_exists = [](std::string_view n) { return n.rfind("eth", 0) == 0; };
  o.env.script_usable = [](std::string_view p) { return p.rfind("/bin/", 0) == 0; };
  o.env.user_exists = [](std::string_view u) { return u == "nobody"; };
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::config;
  static const CheckOptions opts = options();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckResult r = check_text(text, "/nonexistent-vigil-fuzz/fuzz.conf", opts);
  check(r.config != nullptr);
  // keepalived -t: 0 valid, 2 a keyword missing its value, 4/5 config errors, 6 script security.
  check(r.exit_code == 0 || r.exit_code == 2 || r.exit_code == 4 || r.exit_code == 5 || r.exit_code == 6);
  for (const Diagnostic& d : r.diagnostics) check(!d.message.empty());
  const std::string json = dump_json(*r.config, {.with_locations = true});
  check(!json.empty());
  const std::string printed = print_conf(*r.config);
  CheckResult again = check_text(printed, "/nonexistent-vigil-fuzz/printed.conf", opts);
  check(again.config != nullptr);
  return 0;
}
