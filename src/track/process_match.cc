// track/process_match.cc — process matching rules.
#include "track/process_match.h"

#include <algorithm>

namespace vigil::track {

namespace {

constexpr std::size_t kCommLen = 15;  // TASK_COMM_LEN - 1

bool args_match(const TrackProcessConfig& c, const std::vector<std::string>& argv) {
  if (c.args.empty()) return true;
  const auto first = argv.size() > 1 ? argv.begin() + 1 : argv.end();
  const std::size_t have = static_cast<std::size_t>(argv.end() - first);
  switch (c.param_match) {
    case ParamMatch::exact:
      return have == c.args.size() && std::equal(c.args.begin(), c.args.end(), first);
    case ParamMatch::initial:
      return have >= c.args.size() && std::equal(c.args.begin(), c.args.end(), first);
    case ParamMatch::partial:
      return std::search(first, argv.end(), c.args.begin(), c.args.end()) != argv.end();
  }
  return false;
}

}  // namespace

bool process_matches(const TrackProcessConfig& c, const ProcessInfo& p) {
  if (c.full_command) {
    if (p.argv.empty() || p.argv[0] != c.process) return false;
  } else {
    if (p.comm != std::string_view(c.process).substr(0, kCommLen)) return false;
  }
  return args_match(c, p.argv);
}

std::string quorum_line(std::string_view name, bool gained) {
  std::string s = gained ? "Quorum gained for tracked process " : "Quorum lost for tracked process ";
  s += name;
  return s;
}

}  // namespace vigil::track
