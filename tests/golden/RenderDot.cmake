# Renders INPUT's DOT diagram with Graphviz's `dot -Tsvg` and fails on any
# warning or error Graphviz prints.
execute_process(
  COMMAND ${NETC} --emit=dot --color=never ${INPUT}
  COMMAND ${DOT} -Tsvg -o /dev/null
  ERROR_VARIABLE errors
  RESULTS_VARIABLE statuses)
foreach(status ${statuses})
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "rendering ${INPUT} failed (${statuses}):\n${errors}")
  endif()
endforeach()
if(NOT errors STREQUAL "")
  message(FATAL_ERROR "Graphviz warned while rendering ${INPUT}:\n${errors}")
endif()
