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

}  // namespace vigil::config
