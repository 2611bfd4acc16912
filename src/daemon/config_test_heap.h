// daemon/config_test_heap.h — the heap of a one-shot `vigild -t` on a large configuration.
#pragma once

#include <string>

namespace vigil::daemon {

// Call before checking `path` (only in the `-t` process: it changes malloc's settings for the
// rest of the process). For a large file, reserves the heap the model will take, in one piece
// backed by transparent huge pages where the kernel allows it. See config_test_heap.cc.
void prepare_heap_for_config_test(const std::string& path);

}  // namespace vigil::daemon
