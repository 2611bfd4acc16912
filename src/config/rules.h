// config/rules.h — keepalived's defaults, derived values and validation, as named rules.
//
// After parsing, apply_rules() runs every rule of kRules in order. Each rule is one small
// function that either derives values (priority 255 for `state MASTER`, VRRP version from the
// address family, vrrp_strict consequences…) or checks something and reports it with the
// location of the offending value and what to write instead. A rule never throws and never
// stops the others.
//
// Facts about the host (does interface eth1 exist? is /usr/bin/killall executable? does user
// keepalived_script exist?) are not looked up here — src/config is pure. The caller passes them
// in an Environment; a null callback means "do not check" (assume yes).
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "config/model.h"
#include "config/source.h"

namespace vigil::config {

struct Environment {
  std::function<bool(std::string_view ifname)> interface_exists;
  // The first word of a script/notify command: found (PATH search for relative names) and
  // executable. keepalived disables scripts that are not.
  std::function<bool(std::string_view path)> script_usable;
  std::function<bool(std::string_view user)> user_exists;
};

// What the rules learnt that the exit code depends on (keepalived -t: 6 = scripts would run as
// root without enable_script_security).
struct RuleFacts {
  bool script_security_violation = false;
};

struct RuleCtx {
  Config& cfg;
  Diagnostics& diags;
  const Environment& env;
  RuleFacts facts;
};

struct Rule {
  std::string_view name;
  void (*fn)(RuleCtx&);
  std::string_view what;  // one line: what keepalived does
};

// The rules, in the order they run (derivations first, then checks).
std::span<const Rule> all_rules();

RuleFacts apply_rules(Config& cfg, const Environment& env, Diagnostics& diags);

}  // namespace vigil::config
