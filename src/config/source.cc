#include "config/source.h"

#include <sys/mman.h>

#include <algorithm>
#include <mutex>

namespace vigil::config {

namespace {

// The process's file names: index = FileName id - 1. A deque keeps every name at its address.
struct NameTable {
  std::mutex mu;
  std::deque<std::string> names;
};

NameTable& name_table() {
  static NameTable* const table = new NameTable;  // never destroyed: names outlive every model
  return *table;
}

constexpr std::size_t kMaxNames = 0xFFFF;  // ids 1..65535; the last one is shared

}  // namespace

FileName FileName::intern(std::string_view name) {
  NameTable& t = name_table();
  std::lock_guard lock(t.mu);
  // Newest first: a file's lines are read together, and includes name few files.
  for (std::size_t i = t.names.size(); i-- > 0;)
    if (t.names[i] == name) return FileName(static_cast<std::uint16_t>(i + 1));
  if (t.names.size() + 1 >= kMaxNames) {
    if (t.names.size() + 1 == kMaxNames) t.names.emplace_back("<too many files>");
    return FileName(static_cast<std::uint16_t>(kMaxNames));
  }
  t.names.emplace_back(name);
  return FileName(static_cast<std::uint16_t>(t.names.size()));
}

const std::string& FileName::str() const {
  static const std::string none;
  if (id_ == 0) return none;
  NameTable& t = name_table();
  std::lock_guard lock(t.mu);
  return t.names[id_ - 1];
}

std::string SourceLoc::str() const {
  if (file_id == 0) return "<unknown>";
  return file().str() + ":" + std::to_string(line) + ":" + std::to_string(col);
}

SourceFiles::~SourceFiles() {
  for (const auto& [addr, len] : mappings_) ::munmap(const_cast<char*>(addr), len);
}

std::string_view SourceFiles::keep_text(std::string&& text) {
  texts_.push_back(std::move(text));
  views_.push_back(texts_.back());
  return views_.back();
}

std::string_view SourceFiles::keep_mapping(const char* addr, std::size_t len) {
  mappings_.emplace_back(addr, len);
  views_.emplace_back(addr, len);
  return views_.back();
}

std::string_view SourceFiles::keep_copy(std::string_view s) {
  constexpr std::size_t kBlock = 16 * 1024;
  if (s.empty()) return {};
  if (s.size() > block_left_) {
    const std::size_t size = s.size() > kBlock / 4 ? s.size() : kBlock;
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    if (size == kBlock) {  // a large string gets a block of its own; the current one goes on
      block_next_ = blocks_.back().get();
      block_left_ = kBlock;
    } else {
      std::copy(s.begin(), s.end(), blocks_.back().get());
      return {blocks_.back().get(), s.size()};
    }
  }
  char* at = block_next_;
  std::copy(s.begin(), s.end(), at);
  block_next_ += s.size();
  block_left_ -= s.size();
  return {at, s.size()};
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
void Diagnostics::missing_parameter(SourceLoc loc, std::string message) {
  items_.push_back({Severity::error, loc, std::move(message), DiagKind::missing_parameter});
}
void Diagnostics::script_security(SourceLoc loc, std::string message) {
  items_.push_back({Severity::error, loc, std::move(message), DiagKind::script_security});
}
void Diagnostics::counted_warning(SourceLoc loc, std::string message) {
  items_.push_back({Severity::warning, loc, std::move(message), DiagKind::counted_warning});
}
bool Diagnostics::has(DiagKind kind) const {
  return std::any_of(items_.begin(), items_.end(),
                     [kind](const Diagnostic& d) { return d.kind == kind; });
}
bool Diagnostics::has_blocking_errors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity != Severity::warning && d.kind != DiagKind::script_security;
  });
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
