// Helpers for the parser/model/rules tests (cfgparse): run check_text on a snippet and look
// for diagnostics by severity, line and message fragment.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "config/check.h"

namespace vigil::config::test {

struct Checked {
  CheckResult r;
  const Config& cfg() const { return *r.config; }
  const VrrpInstance& vi(std::size_t i = 0) const { return r.config->vrrp_instances.at(i); }

  // The first diagnostic of `sev` whose message contains `part` (nullptr if none).
  const Diagnostic* find(Severity sev, std::string_view part) const {
    for (const Diagnostic& d : r.diagnostics)
      if (d.severity == sev && d.message.find(part) != std::string::npos) return &d;
    return nullptr;
  }
  bool has(Severity sev, std::string_view part, std::uint32_t line = 0) const {
    const Diagnostic* d = find(sev, part);
    return d && (line == 0 || d->loc.line == line);
  }
  std::string all() const {
    std::string s;
    for (const Diagnostic& d : r.diagnostics) s += d.str() + "\n";
    return s;
  }
  std::size_t errors() const { return r.count(Severity::error) + r.count(Severity::fatal); }
};

inline Checked check(std::string_view text, const CheckOptions& opts = {}) {
  return Checked{check_text(text, "t.conf", opts)};
}

// A minimal valid instance with `extra` lines inside it.
inline std::string instance(std::string_view extra, std::string_view name = "VI_1",
                            int vrid = 51, std::string_view ifname = "eth0") {
  return "vrrp_instance " + std::string(name) + " {\n    interface " + std::string(ifname) +
         "\n    virtual_router_id " + std::to_string(vrid) +
         "\n    virtual_ipaddress {\n        10.0.0.1\n    }\n" + std::string(extra) + "}\n";
}

}  // namespace vigil::config::test
