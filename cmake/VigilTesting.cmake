# vigil_add_gtest(NAME <name> SOURCES <files...> LIBS <libs...> [LABELS <labels...>] [SERIAL] [TIMEOUT s])
#   One GoogleTest executable; every TEST becomes its own ctest test (discovered before the run).
#   SERIAL: the tests must not run beside others (network namespaces, timing).
include(GoogleTest OPTIONAL)

function(vigil_add_gtest)
  cmake_parse_arguments(T "SERIAL" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main
                        vigil_build_options)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  set(_props TIMEOUT ${T_TIMEOUT})
  if(T_LABELS)
    list(APPEND _props LABELS "${T_LABELS}")
  endif()
  if(T_SERIAL)
    list(APPEND _props RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES ${_props})
endfunction()

# vigil_add_fuzzer(NAME <name> SOURCES <files...> LIBS <libs...> [CORPUS <dir>] [SECONDS n])
#   A libFuzzer binary, plus a ctest smoke run of SECONDS (default 20) over CORPUS.
function(vigil_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS;SECONDS" "SOURCES;LIBS" ${ARGN})
  if(NOT VIGIL_FUZZ)
    return()
  endif()
  add_executable(${F_NAME} ${F_SOURCES})
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS} vigil_build_options)
  target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  if(NOT F_SECONDS)
    set(F_SECONDS 20)
  endif()
  set(_work ${CMAKE_CURRENT_BINARY_DIR}/${F_NAME}.corpus)
  set(_dirs ${_work})
  if(F_CORPUS)
    list(APPEND _dirs ${F_CORPUS})
  endif()
  add_test(NAME fuzz.${F_NAME}
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   ${PROJECT_SOURCE_DIR}/scripts/lib/run-fuzzer $<TARGET_FILE:${F_NAME}> ${F_SECONDS} ${_dirs})
  set_tests_properties(fuzz.${F_NAME} PROPERTIES TIMEOUT 300 LABELS fuzz)
endfunction()
