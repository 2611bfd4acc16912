#include "config/model.h"

#include <algorithm>

namespace vigil::config {

const VrrpInstance* Config::find_instance(std::string_view name) const {
  auto it = std::find_if(vrrp_instances.begin(), vrrp_instances.end(),
                         [&](const VrrpInstance& v) { return v.name == name; });
  return it == vrrp_instances.end() ? nullptr : &*it;
}

const VrrpScript* Config::find_script(std::string_view name) const {
  auto it = std::find_if(vrrp_scripts.begin(), vrrp_scripts.end(),
                         [&](const VrrpScript& v) { return v.name == name; });
  return it == vrrp_scripts.end() ? nullptr : &*it;
}

std::string_view name_of(RouteType t) {
  switch (t) {
    case RouteType::unicast: return "unicast";
    case RouteType::blackhole: return "blackhole";
    case RouteType::unreachable: return "unreachable";
    case RouteType::prohibit: return "prohibit";
    case RouteType::throw_: return "throw";
    case RouteType::local: return "local";
    case RouteType::broadcast: return "broadcast";
    case RouteType::anycast: return "anycast";
    case RouteType::multicast: return "multicast";
    case RouteType::nat: return "nat";
  }
  return "unicast";
}

std::string_view name_of(Scope s) {
  switch (s) {
    case Scope::global: return "global";
    case Scope::site: return "site";
    case Scope::link: return "link";
    case Scope::host: return "host";
    case Scope::nowhere: return "nowhere";
  }
  return "global";
}

}  // namespace vigil::config
