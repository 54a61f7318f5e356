# Run at build time (cmake -P): fails when a source includes a header its folder must not see.
#   runtime, tasks, graders, results: only their own folder.
#   evaluator (library): tasks, graders, results; the runtime only through its public top-level headers
#     (runtime/engine.h, runtime/request.h, runtime/tokenizer.h, runtime/tools.h, runtime/training.h), and only from evaluator/runtime_adapter.*.
#   evaluator/cli: any folder, but of the runtime only the public top-level headers.
#   tests, scripts: anything.
cmake_policy(SET CMP0057 NEW)  # if(IN_LIST)
set(folders runtime tasks graders results evaluator)
set(violations "")
foreach(folder IN LISTS folders)
  file(GLOB_RECURSE files ${ROOT}/${folder}/*.h ${ROOT}/${folder}/*.cpp ${ROOT}/${folder}/*.cu ${ROOT}/${folder}/*.cuh)
  foreach(f IN LISTS files)
    file(RELATIVE_PATH rel ${ROOT} ${f})
    file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" inc "${line}")
      string(REGEX MATCH "^[a-z_]+" top "${inc}")
      if(NOT top IN_LIST folders OR top STREQUAL folder)
        continue()   # a relative include inside the folder, or our own folder
      endif()
      set(ok FALSE)
      if(folder STREQUAL "evaluator")
        if(top MATCHES "^(tasks|graders|results)$")
          set(ok TRUE)
        elseif(inc MATCHES "^runtime/(engine|request|tokenizer|tools|training)\\.h$" AND rel MATCHES "^evaluator/(cli/|runtime_adapter)")
          set(ok TRUE)
        endif()
      endif()
      if(NOT ok)
        string(APPEND violations "  ${rel}: #include \"${inc}\"\n")
      endif()
    endforeach()
  endforeach()
endforeach()
if(violations)
  message(FATAL_ERROR "Layering violations (see cmake/CheckLayering.cmake for the rules):\n${violations}")
endif()
