// config/source.h — where a piece of configuration came from, and what was said about it.
//
// Every token, and every value in the typed model, carries a SourceLoc (file:line:col, 1-based)
// so that any message can point the operator at the exact spot. File names are interned in a
// table for the whole process (FileName); a SourceLoc is their handle plus line and column.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::config {

// A file name, interned (SourceFiles::intern) in one table for the whole process: a 16-bit
// handle, so a SourceLoc — carried by every value of the model, ~90 per instance — is 8 bytes.
// Names are never removed (a configuration names a handful of files; a reload names them again).
// Past 65,534 distinct names, further ones share the last handle, named "<too many files>".
class FileName {
 public:
  constexpr FileName() = default;
  explicit operator bool() const { return id_ != 0; }
  const std::string& str() const;  // "" for no file
  std::uint16_t id() const { return id_; }
  static FileName intern(std::string_view name);  // thread-safe
  static FileName from_id(std::uint16_t id) { return FileName(id); }
  friend bool operator==(FileName, FileName) = default;

 private:
  explicit constexpr FileName(std::uint16_t id) : id_(id) {}
  std::uint16_t id_ = 0;
};

struct SourceLoc {
  std::uint32_t line = 0;     // 1-based
  std::uint16_t col = 0;      // 1-based, in bytes; 65535 also stands for anything further right
  std::uint16_t file_id = 0;  // FileName::id(); 0 = "no location"

  SourceLoc() = default;
  SourceLoc(FileName f, std::uint32_t l, std::uint32_t c)
      : line(l), col(static_cast<std::uint16_t>(c < 0xFFFFu ? c : 0xFFFFu)), file_id(f.id()) {}
  FileName file() const { return FileName::from_id(file_id); }
  std::string str() const;  // "file:line:col" (or "<unknown>")
};

// Interns file names (FileName::intern, kept for the process). Also owns the text that
// tokens (config/preprocess.h) are views into: the bytes of every file read, and the text made
// by substitution. Everything stays valid, at a stable address, as long as the table lives.
class SourceFiles {
 public:
  SourceFiles() = default;
  ~SourceFiles();
  SourceFiles(const SourceFiles&) = delete;
  SourceFiles& operator=(const SourceFiles&) = delete;

  FileName intern(std::string_view name) { return FileName::intern(name); }
  // Takes ownership of a file's bytes; the view stays valid for the life of the table.
  std::string_view keep_text(std::string&& text);
  // Takes ownership of a read-only mmap() of a file (unmapped with the table).
  std::string_view keep_mapping(const char* addr, std::size_t len);
  // Every file text kept so far, in reading order.
  const std::vector<std::string_view>& texts() const { return views_; }
  // Copies `s` into storage owned by the table (an arena of large blocks, not one allocation
  // per string).
  std::string_view keep_copy(std::string_view s);

 private:
  std::deque<std::string> texts_;
  std::vector<std::pair<const char*, std::size_t>> mappings_;
  std::vector<std::string_view> views_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t block_left_ = 0;
  char* block_next_ = nullptr;
};

enum class Severity : std::uint8_t { warning, error, fatal };

// What a diagnostic means for keepalived's -t exit code and for the daemon (config/check.h).
enum class DiagKind : std::uint8_t {
  plain,
  missing_parameter,  // error: a keyword without the value keepalived requires; keepalived stops
                      // reading there and -t exits 2
  script_security,    // error: scripts would run as root without enable_script_security; -t
                      // exits 6, but keepalived (and vigil) still run the configuration
  counted_warning,    // warning: the daemon goes on (keepalived logs it and runs), but
                      // keepalived's -t counts it as a config error (exit 5): "Unknown keyword"
};

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLoc loc;
  std::string message;
  DiagKind kind = DiagKind::plain;
  std::string str() const;  // "file:line:col: error: message"
};

// Collects diagnostics in the order they were found.
class Diagnostics {
 public:
  void warning(SourceLoc loc, std::string message);
  void error(SourceLoc loc, std::string message);
  void fatal(SourceLoc loc, std::string message);
  void missing_parameter(SourceLoc loc, std::string message);  // an error, see DiagKind
  void script_security(SourceLoc loc, std::string message);    // an error, see DiagKind
  void counted_warning(SourceLoc loc, std::string message);    // a warning, see DiagKind
  const std::vector<Diagnostic>& all() const { return items_; }
  bool has_errors() const;  // any error or fatal
  bool has_fatal() const;
  bool has(DiagKind kind) const;
  // Errors (or fatal) other than script_security ones: the configuration cannot be run.
  bool has_blocking_errors() const;
 private:
  std::vector<Diagnostic> items_;
};

}  // namespace vigil::config
