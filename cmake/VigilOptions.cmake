# Compile options shared by every vigil target, carried by an INTERFACE target so each library
# opts in explicitly: target_link_libraries(x PRIVATE vigil_build_options).
add_library(vigil_build_options INTERFACE)

target_compile_options(vigil_build_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-qual -Wformat=2
  -Wimplicit-fallthrough -Wmissing-declarations)
# Not -Wnull-dereference: with g++ 12 at -O2 it fires inside libstdc++ (basic_string) on correct code.
if(VIGIL_WERROR)
  target_compile_options(vigil_build_options INTERFACE -Werror)
endif()

# One section per function outside the sanitizer/fuzz builds, so the linker can lay vigild's
# code out by use (src/daemon/CMakeLists.txt, vigild.layout).
if(NOT VIGIL_SANITIZE AND NOT VIGIL_FUZZ)
  target_compile_options(vigil_build_options INTERFACE -ffunction-sections)
endif()

target_include_directories(vigil_build_options INTERFACE
  ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/generated)

if(VIGIL_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(vigil_build_options INTERFACE ${_san})
  target_link_options(vigil_build_options INTERFACE ${_san})
  target_compile_definitions(vigil_build_options INTERFACE VIGIL_SANITIZE=1)
endif()

if(VIGIL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VIGIL_FUZZ needs clang (use the 'fuzz' preset)")
  endif()
  set(_fz -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(vigil_build_options INTERFACE ${_fz})
  target_link_options(vigil_build_options INTERFACE -fsanitize=address,undefined)
endif()
