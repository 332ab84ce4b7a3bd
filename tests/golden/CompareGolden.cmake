# Runs `netc --emit=FORMAT [ARGS...] INPUT` and compares the output with
# GOLDEN. ARGS is an optional comma-separated list of further options.
# With the environment variable NETC_UPDATE_GOLDEN=1 the golden file is
# rewritten instead (the only way golden files change).
string(REPLACE "," ";" ARGS "${ARGS}")
execute_process(
  COMMAND ${NETC} --emit=${FORMAT} --color=never ${ARGS} ${INPUT}
  OUTPUT_VARIABLE actual
  ERROR_VARIABLE errors
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "netc failed (${status}) on ${INPUT}:\n${errors}")
endif()
if("$ENV{NETC_UPDATE_GOLDEN}" STREQUAL "1")
  file(WRITE ${GOLDEN} "${actual}")
  message(STATUS "updated ${GOLDEN}")
  return()
endif()
if(NOT EXISTS ${GOLDEN})
  message(FATAL_ERROR "missing golden file ${GOLDEN}; run the tests with "
                      "NETC_UPDATE_GOLDEN=1 to create it")
endif()
file(READ ${GOLDEN} expected)
if(NOT actual STREQUAL expected)
  string(SHA256 a "${actual}")
  file(WRITE ${GOLDEN}.actual "${actual}")
  message(FATAL_ERROR "output differs from ${GOLDEN}; the actual output is "
                      "in ${GOLDEN}.actual (diff them; if the change is "
                      "intended, rerun with NETC_UPDATE_GOLDEN=1)")
endif()
