// config/preprocessor.h — the preprocessor's state, shared by its two halves (internal; the
// public interface is preprocess.h):
//   preprocess_read.cc  reading files: the file line loop, multi-line definitions, `include…`,
//                       include_check;
//   preprocess.cc       process_line and what it does: `@ID`, definitions, ~SEQ/~LST,
//                       substitution, tokens → output; the public entry points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/define_table.h"
#include "config/lex_line.h"
#include "config/preprocess.h"

namespace vigil::config::detail {

using lex::LineView;
using lex::OwnedLine;

class Preprocessor {
 public:
  Preprocessor(const PreprocessOptions& opts, SourceFiles& files, Diagnostics& diags,
               const LineSink& sink)
      : opts_(opts), files_(files), diags_(diags), sink_(sink),
        rng_(opts.random_seed ? opts.random_seed : 1) {
    config_id_ = opts.config_id.empty() ? default_config_id() : opts.config_id;
    instance_ = opts.instance_name.empty() ? config_id_ : opts.instance_name;
  }

  // Reads a file; `from` is the include line (or no location for the main file).
  void read_file(const std::string& path, SourceLoc from, std::uint8_t checks);
  void read_text(std::string_view text, const std::string& name, std::uint8_t checks);

 private:
  struct Frame {
    std::string pwd;        // ${_PWD}: absolute directory of the file
    std::string identity;   // for loop detection
    std::uint8_t checks;    // include_check in force while reading this file
    std::string_view bytes; // the file's text (owned by files_): tokens may point into it
  };

  void run(std::string_view text, FileName name);
  void file_line(LineView v);
  void process_line(LineView v, unsigned depth);
  void substitute_line(LineView v, unsigned depth);  // `$NAME` substitution, then process_line
  void emit(LineView v);                             // tokens → sink
  bool include_line(LineView v);
  // `continues`: the file line ends with `\` (a multi-line definition starts).
  void define(LineView v, std::size_t name_len, std::string_view value, bool continues);
  void repeat(LineView v, unsigned depth);
  bool count_line(SourceLoc loc);
  const lex::Definition* lookup(std::string_view name, std::string_view args);
  void note_include_check(std::span<const Token> line);

  const PreprocessOptions& opts_;
  SourceFiles& files_;
  Diagnostics& diags_;
  const LineSink& sink_;
  std::string config_id_;
  std::string instance_;
  std::mt19937 rng_;
  lex::DefineTable defs_;
  std::vector<Frame> stack_;
  std::size_t processed_ = 0;
  bool stopped_ = false;
  // multi-line definition being read
  bool in_multiline_ = false;
  bool raw_continues_ = false;  // the file line being processed ends with `\`
  std::string multiline_name_;
  std::vector<std::string> multiline_lines_;
  lex::Definition scratch_value_;  // storage for computed ${_RANDOM} etc.
  std::vector<Token> scratch_tokens_;
};

}  // namespace vigil::config::detail
