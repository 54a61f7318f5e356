# Helpers that turn a folder into its library target and a test folder into GoogleTest / Python tests,
# so adding a source file never means editing a shared list.
include(GoogleTest)

# rbench_folder_library(<target> <folder> [EXCLUDE <regex>...] [LINK <targets>...])
# Every *.cpp under <folder> (minus EXCLUDE matches) becomes a static library; a folder without sources
# yet becomes an INTERFACE target with the same links.
function(rbench_folder_library target folder)
  cmake_parse_arguments(A "" "" "EXCLUDE;LINK" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${folder}/*.cpp)
  foreach(rx IN LISTS A_EXCLUDE)
    list(FILTER srcs EXCLUDE REGEX "${rx}")
  endforeach()
  if(srcs)
    add_library(${target} STATIC ${srcs})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC ${A_LINK})
    target_compile_options(${target} PRIVATE -Wall -Wextra)
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${A_LINK})
  endif()
  add_dependencies(${target} layering_check)
endfunction()

# rbench_add_gtest(<name> SOURCES <files...> LINK <targets...>)
# One test executable; each TEST becomes a ctest entry. Tests see the real data folder and the built binaries
# through the environment (RBENCH_TEST_DATA, RBENCH_BIN_DIR, RBENCH_PYTHON, RBENCH_SOURCE_DIR).
function(rbench_add_gtest name)
  cmake_parse_arguments(A "" "" "SOURCES;LINK" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${A_LINK} GTest::gtest GTest::gtest_main Threads::Threads)
  target_compile_options(${name} PRIVATE -Wall -Wextra)
  # A generous discovery timeout: listing a LibTorch test binary takes seconds on a loaded 2-core machine.
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120)
  # gtest_discover_tests(PROPERTIES ENVIRONMENT <list>) keeps only the list's first entry (CMake 3.25 splits
  # the list into separate property arguments), so the environment is set by a script that ctest runs after
  # discovery, on every test of this executable (the ${name}_TESTS list that discovery fills).
  set(env_script ${CMAKE_CURRENT_BINARY_DIR}/${name}_environment.cmake)
  file(GENERATE OUTPUT ${env_script} CONTENT
    "if(${name}_TESTS)\n  set_tests_properties(\${${name}_TESTS} PROPERTIES ENVIRONMENT \"${RBENCH_TEST_ENV}\")\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${env_script})
endfunction()

# rbench_add_python_test(<name> <script relative to the source root> [args...])
# A Python oracle check run with the venv's interpreter (transformers, tiktoken, math-verify...).
function(rbench_add_python_test name script)
  add_test(NAME ${name} COMMAND ${RBENCH_PYTHON} ${PROJECT_SOURCE_DIR}/${script} ${ARGN}
           WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${RBENCH_TEST_ENV}")
endfunction()

set(RBENCH_TEST_ENV
  "RBENCH_TEST_DATA=${RBENCH_SHARED_DATA}"
  "RBENCH_BIN_DIR=${PROJECT_BINARY_DIR}/bin"
  "RBENCH_PYTHON=${RBENCH_PYTHON}"
  "RBENCH_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
  "RBENCH_TEST_TMP=${PROJECT_BINARY_DIR}/test-tmp")
