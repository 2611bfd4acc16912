#include "config/source.h"

#include <algorithm>

namespace vigil::config {

std::string SourceLoc::str() const {
  if (!file) return "<unknown>";
  return *file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

const std::string* SourceFiles::intern(std::string_view name) {
  for (const auto& n : names_)
    if (n == name) return &n;
  names_.emplace_back(name);
  return &names_.back();
}

std::string Diagnostic::str() const {
  const char* word = severity == Severity::warning ? "warning"
                   : severity == Severity::error   ? "error"
                                                   : "fatal";
  return loc.str() + ": " + word + ": " + message;
}

void Diagnostics::warning(SourceLoc loc, std::string message) {
  items_.push_back({Severity::warning, loc, std::move(message)});
}
void Diagnostics::error(SourceLoc loc, std::string message) {
  items_.push_back({Severity::error, loc, std::move(message)});
}
void Diagnostics::fatal(SourceLoc loc, std::string message) {
  items_.push_back({Severity::fatal, loc, std::move(message)});
}
bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity != Severity::warning; });
}
bool Diagnostics::has_fatal() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::fatal; });
}

}  // namespace vigil::config
