# Every third-party dependency, found once: LibTorch from the venv's torch wheel, the rest from Debian packages.
find_package(Threads REQUIRED)
# CUDA first (Torch's CMake config reads it): nvcc compiles the kernels even on machines without a GPU, so CI
# proves they build. Hopper (sm_90) is the target; TORCH_CUDA_ARCH_LIST stops Torch probing for a GPU.
set(RBENCH_HAVE_CUDA OFF)
if(RBENCH_CUDA)
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 90)
    endif()
    if(NOT TORCH_CUDA_ARCH_LIST)
      set(TORCH_CUDA_ARCH_LIST "9.0")
    endif()
    enable_language(CUDA)
    set(RBENCH_HAVE_CUDA ON)
  endif()
endif()
message(STATUS "rbench: CUDA kernels ${RBENCH_HAVE_CUDA}")
find_package(PkgConfig REQUIRED)
find_package(Torch REQUIRED)          # CMAKE_PREFIX_PATH gets torch.utils.cmake_prefix_path from scripts/setup.sh
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)   # Boost.Process (header-only) needs Boost.Filesystem
find_package(cxxopts REQUIRED)
find_package(GTest REQUIRED)
find_package(OpenSSL REQUIRED)        # libcrypto: sha256 of datasets and weights
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(SENTENCEPIECE REQUIRED IMPORTED_TARGET sentencepiece)
pkg_check_modules(GINAC REQUIRED IMPORTED_TARGET ginac)
pkg_check_modules(SECCOMP REQUIRED IMPORTED_TARGET libseccomp)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)


# LibTorch's own flags (e.g. -D_GLIBCXX_USE_CXX11_ABI) travel with its imported `torch` target.
add_library(rbench_torch INTERFACE)
target_link_libraries(rbench_torch INTERFACE ${TORCH_LIBRARIES})

if(RBENCH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
