// config/source.h — where a piece of configuration came from, and what was said about it.
//
// Every token, and every value in the typed model, carries a SourceLoc (file:line:col, 1-based)
// so that any message can point the operator at the exact spot. File names are interned in a
// SourceFiles table owned by whoever owns the parse result; a SourceLoc only points into it.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::config {

struct SourceLoc {
  const std::string* file = nullptr;  // interned in SourceFiles; nullptr = "no location"
  std::uint32_t line = 0;             // 1-based
  std::uint32_t col = 0;              // 1-based, in bytes
  std::string str() const;            // "file:line:col" (or "<unknown>")
};

// Interns file names; stable addresses for the lifetime of the table.
class SourceFiles {
 public:
  const std::string* intern(std::string_view name);
 private:
  std::deque<std::string> names_;
};

enum class Severity : std::uint8_t { warning, error, fatal };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLoc loc;
  std::string message;
  std::string str() const;  // "file:line:col: error: message"
};

// Collects diagnostics in the order they were found.
class Diagnostics {
 public:
  void warning(SourceLoc loc, std::string message);
  void error(SourceLoc loc, std::string message);
  void fatal(SourceLoc loc, std::string message);
  const std::vector<Diagnostic>& all() const { return items_; }
  bool has_errors() const;  // any error or fatal
  bool has_fatal() const;
 private:
  std::vector<Diagnostic> items_;
};

}  // namespace vigil::config
