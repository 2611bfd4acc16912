// Must NOT compile: a callback whose capture exceeds kCallbackCapacity is rejected at compile
// time (no hidden heap allocation). Checked by the ctest event_compile_fail.TooBigCapture, which
// expects the static_assert's message.
#include <array>

#include "event/fired.h"

int main() {
  std::array<char, vigil::event::kCallbackCapacity + 1> big{};
  vigil::event::Callback cb = [big](const vigil::event::Fired&) { (void)big; };
  return cb ? 0 : 1;
}
