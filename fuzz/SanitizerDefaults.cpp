//===- SanitizerDefaults.cpp - what the sanitizers ignore in system libraries //
//
// Linked into every executable of the sanitizer build (NETC_FUZZ=ON, see
// Sanitizers.cmake): the unit tests, netc itself, the fuzzer and its replay
// tool. The sanitizer runtimes call these hooks at start-up, so every run of
// those programs (under CTest, by hand, or from a test that spawns netc)
// ignores the same reports without any environment variable.
//
// Only Debian's prebuilt, uninstrumented system libraries are named here,
// never netc's own code: a report with a netc frame still fails.
//
//===----------------------------------------------------------------------===//

extern "C" {

/// AddressSanitizer. Graphviz 2.42's text-layout plugin keeps a pointer to
/// the last font name it measured (a static in libgvplugin_pango), and that
/// name belongs to the previous rendering's font table, which Graphviz frees
/// with its context. The second rendering in one process compares with it
/// (strcmp on freed memory) before replacing it. The bug is Graphviz's and
/// only decides whether a font description is looked up again; netc's
/// renderings stay byte-identical (Render.SvgIsByteIdentical).
const char *__asan_default_suppressions() {
  return "interceptor_via_lib:libgvplugin_pango.so\n";
}

/// LeakSanitizer. Graphviz, its layout plugins, fontconfig, pango, cairo and
/// glib keep caches for the life of the process (font lists, plugin tables,
/// type registries) and never free them; the reports come without a netc
/// frame, as these libraries are built without frame pointers.
const char *__lsan_default_suppressions() {
  return "leak:libgvc.so\n"
         "leak:libcgraph.so\n"
         "leak:libcdt.so\n"
         "leak:libpathplan.so\n"
         "leak:libgvplugin_\n"
         "leak:libfontconfig.so\n"
         "leak:libpango\n"
         "leak:libcairo.so\n"
         "leak:libglib-2.0.so\n"
         "leak:libgobject-2.0.so\n"
         "leak:libharfbuzz.so\n"
         "leak:libfreetype.so\n";
}

/// LeakSanitizer's options: no list of the suppressions used at exit, so a
/// program's standard error is the same as in the ordinary build (tests
/// compare it).
const char *__lsan_default_options() { return "print_suppressions=0"; }

} // extern "C"
