# The CTest case fuzz/dict-current: fails when fuzz/netc.dict is not what
# netc-fuzz-dict writes now (an op, argument or keyword was added).
# Regenerate with: build-fuzz/bin/netc-fuzz-dict grammar/Netc.g4 > fuzz/netc.dict
execute_process(COMMAND ${DICT_TOOL} ${GRAMMAR}
                OUTPUT_VARIABLE generated RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "netc-fuzz-dict failed (${status})")
endif()
file(READ ${DICT} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR
    "fuzz/netc.dict is out of date; regenerate it with:\n"
    "  build-fuzz/bin/netc-fuzz-dict grammar/Netc.g4 > fuzz/netc.dict")
endif()
