// track/result.cc — Error formatting.
#include "track/result.h"

#include <cerrno>
#include <cstring>

namespace vigil::track {

std::string Error::str() const { return message; }

Error errno_error(std::string what) {
  const int e = errno;
  what += ": ";
  what += std::strerror(e);
  return Error{e, std::move(what)};
}

}  // namespace vigil::track
