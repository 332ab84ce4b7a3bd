# Finds netc's dependencies (all Debian 12 packages) and fails early, with the
# package to install, when one is missing. tools/setup.sh installs them all.

# LLVM 14: only the Support library is linked.
find_package(LLVM 14 CONFIG QUIET
  HINTS /usr/lib/llvm-14/lib/cmake/llvm /usr/lib/llvm-14)
if(NOT LLVM_FOUND)
  message(FATAL_ERROR
    "LLVM 14 was not found. Install it with: apt-get install llvm-14-dev")
endif()
if(NOT LLVM_ENABLE_RTTI)
  message(FATAL_ERROR
    "LLVM at ${LLVM_DIR} was built without RTTI; netc needs an RTTI build "
    "(Debian's llvm-14-dev is one)")
endif()
message(STATUS "netc: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")
add_library(netc_llvm_support INTERFACE)
target_include_directories(netc_llvm_support SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(netc_llvm_support INTERFACE ${LLVM_DEFINITIONS})
llvm_map_components_to_libnames(NETC_LLVM_LIBS support)
target_link_libraries(netc_llvm_support INTERFACE ${NETC_LLVM_LIBS})

# The ANTLR4 C++ runtime (4.9) and the ANTLR tool (4.7.2, a Java program).
find_package(antlr4-runtime CONFIG QUIET)
if(NOT antlr4-runtime_FOUND)
  message(FATAL_ERROR
    "The ANTLR4 C++ runtime was not found. Install it with: "
    "apt-get install libantlr4-runtime-dev")
endif()
add_library(netc_antlr_runtime INTERFACE)
target_include_directories(netc_antlr_runtime SYSTEM INTERFACE ${ANTLR4_INCLUDE_DIR})
# The runtime's headers use attributes GCC warns about.
target_compile_options(netc_antlr_runtime INTERFACE -Wno-attributes)
target_link_libraries(netc_antlr_runtime INTERFACE antlr4_shared)

find_program(NETC_ANTLR_TOOL antlr4)
find_package(Java COMPONENTS Runtime QUIET)
if(NOT NETC_ANTLR_TOOL OR NOT Java_FOUND)
  message(FATAL_ERROR
    "The ANTLR tool or a Java runtime was not found. Install them with: "
    "apt-get install antlr4 default-jre-headless")
endif()

# Graphviz's C library (cgraph and gvc, 2.42 on Debian 12): --emit=svg|png|pdf
# lay out and render in-process, so no `dot` program is needed at run time.
# The svg, png and pdf renderers are plugins from libgvc6, a dependency of
# libgraphviz-dev.
find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR
    "pkg-config was not found (netc finds Graphviz's C library with it). "
    "Install it with: apt-get install pkg-config")
endif()
pkg_check_modules(NETC_GRAPHVIZ QUIET IMPORTED_TARGET libgvc libcgraph)
if(NOT NETC_GRAPHVIZ_FOUND)
  message(FATAL_ERROR
    "Graphviz's C library (libgvc, libcgraph) was not found. Install it "
    "with: apt-get install libgraphviz-dev")
endif()
message(STATUS "netc: Graphviz ${NETC_GRAPHVIZ_libgvc_VERSION} (libgvc, libcgraph)")

# ONNX (1.12 on Debian 12) and protobuf: `netc import` parses an ONNX model's
# ModelProto with the C++ classes of libonnx-dev (onnx_proto, the generated
# onnx-ml.pb.h) over libprotobuf-dev's runtime. Only onnx_proto is linked.
find_package(Protobuf QUIET)
if(NOT Protobuf_FOUND)
  message(FATAL_ERROR
    "protobuf (the C++ library) was not found; netc import needs it to read "
    "ONNX models. Install it with: apt-get install libprotobuf-dev")
endif()
find_package(ONNX CONFIG QUIET)
if(NOT ONNX_FOUND OR NOT TARGET onnx_proto)
  message(FATAL_ERROR
    "ONNX's C++ library (onnx_proto) was not found; netc import needs it to "
    "read ONNX models. Install it with: apt-get install libonnx-dev")
endif()
if(NOT TARGET protobuf::libprotobuf)
  message(FATAL_ERROR
    "protobuf's CMake package did not define protobuf::libprotobuf, which "
    "ONNX's onnx_proto links; install libprotobuf-dev")
endif()
message(STATUS "netc: ONNX ${ONNX_VERSION} and protobuf ${Protobuf_VERSION} (netc import)")
