#include "net/result.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vigil::net {

std::string Error::str() const {
  if (code == 0) return message;
  return fmt::format("{}: {} (errno {})", message, std::strerror(code), code);
}

Error errno_error(std::string what) { return Error{errno, std::move(what)}; }

Error make_error(int code, std::string what) { return Error{code, std::move(what)}; }

void die_bad_result_access(const Error& e) {
  std::fprintf(stderr, "vigil: value() on an error result: %s\n", e.str().c_str());
  std::abort();
}

}  // namespace vigil::net
