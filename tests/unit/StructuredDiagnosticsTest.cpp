//===- StructuredDiagnosticsTest.cpp - --diagnostics-format=json|sarif ----===//
//
// The JSON and SARIF printers in-process (locations, byte and code-point
// columns, ranges, notes, fix-its, tool messages, URIs, one document), and
// the option through the netc binary (one document on standard error, the
// driver's own errors inside it). tools/validate_diagnostics.py validates the
// documents of every verify file against the schemas.
//
//===----------------------------------------------------------------------===//
#include "NetcProcess.h"

#include "netc/Frontend/StructuredDiagnostics.h"

#include "llvm/Support/JSON.h"

#include "gtest/gtest.h"

using namespace netc;
namespace json = llvm::json;

namespace {

/// A source manager holding one file, a printer of \p format writing into
/// `text`, and an engine reporting to it.
struct Harness {
  Harness(DiagnosticFormat format, llvm::StringRef source,
          llvm::StringRef name = "t.net") {
    sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(source, name),
                          llvm::SMLoc());
    printer = createStructuredDiagnosticPrinter(format, sm, os,
                                                {"netc", "9.9.9", ""});
    engine = std::make_unique<DiagnosticEngine>(sm, *printer);
  }
  /// The location of the first occurrence of \p needle (plus \p offset).
  llvm::SMLoc at(llvm::StringRef needle, size_t offset = 0) {
    llvm::StringRef buffer = sm.getMemoryBuffer(1)->getBuffer();
    size_t pos = buffer.find(needle);
    // Not EXPECT_NE: binding npos to a reference defines it a second time.
    EXPECT_TRUE(pos != llvm::StringRef::npos) << needle.str();
    return llvm::SMLoc::getFromPointer(buffer.data() + pos + offset);
  }
  llvm::SMRange span(llvm::StringRef needle) {
    llvm::SMLoc start = at(needle);
    return {start, llvm::SMLoc::getFromPointer(start.getPointer() +
                                               needle.size())};
  }
  /// Finishes the document and parses it.
  json::Value document() {
    printer->finish();
    os.flush();
    auto parsed = json::parse(text);
    EXPECT_TRUE(bool(parsed)) << text;
    if (!parsed) {
      llvm::consumeError(parsed.takeError());
      return nullptr;
    }
    return std::move(*parsed);
  }

  llvm::SourceMgr sm;
  std::string text;
  llvm::raw_string_ostream os{text};
  std::unique_ptr<StructuredDiagnosticPrinter> printer;
  std::unique_ptr<DiagnosticEngine> engine;
};

/// \p value as an object (fails the test when it is not one).
const json::Object &obj(const json::Value &value) {
  static const json::Object empty;
  const json::Object *o = value.getAsObject();
  EXPECT_TRUE(o) << "not an object";
  return o ? *o : empty;
}
const json::Array &arr(const json::Value *value) {
  static const json::Array empty;
  const json::Array *a = value ? value->getAsArray() : nullptr;
  EXPECT_TRUE(a) << "not an array";
  return a ? *a : empty;
}
int64_t num(const json::Object &o, llvm::StringRef key) {
  return o.getInteger(key).getValueOr(-1);
}
std::string str(const json::Object &o, llvm::StringRef key) {
  return o.getString(key).getValueOr("(missing)").str();
}

const char *const Source = "network N {\n"
                           "  input x: [3, 8, 8]\n"
                           "  output y = conv2D(x, 6, kernel=3)\n"
                           "}\n";

TEST(StructuredDiagnostics, ParseFormat) {
  SpellingTable<DiagnosticFormat> formats = getDiagnosticFormatSpellings();
  EXPECT_EQ(parseSpelling(formats, "text"), DiagnosticFormat::Text);
  EXPECT_EQ(parseSpelling(formats, "json"), DiagnosticFormat::Json);
  EXPECT_EQ(parseSpelling(formats, "sarif"), DiagnosticFormat::Sarif);
  EXPECT_FALSE(parseSpelling(formats, "xml"));
}

TEST(StructuredDiagnostics, JsonCarriesLocationRangesFixItsAndNotes) {
  Harness h(DiagnosticFormat::Json, Source);
  h.engine->report(h.at("conv2D"), diag::err_unknown_op_suggest, "conv2D",
                   "conv2d")
      .range(h.span("conv2D"))
      .fixIt(h.span("conv2D"), "conv2d")
      .note(h.at("x: ["), diag::note_value_defined_here, "x", "[3, 8, 8]")
      .noteRange(h.span("x"));
  json::Value doc = h.document();
  const json::Object &root = obj(doc);
  EXPECT_EQ(str(root, "format"), "netc-diagnostics");
  EXPECT_EQ(num(root, "version"), JsonDiagnosticPrinter::FormatVersion);
  EXPECT_EQ(str(obj(*root.get("tool")), "version"), "9.9.9");
  EXPECT_EQ(num(root, "errors"), 1);
  EXPECT_EQ(num(root, "warnings"), 0);
  const json::Array &diagnostics = arr(root.get("diagnostics"));
  ASSERT_EQ(diagnostics.size(), 1u);
  const json::Object &d = obj(diagnostics[0]);
  EXPECT_EQ(str(d, "id"), "err_unknown_op_suggest");
  EXPECT_EQ(str(d, "severity"), "error");
  EXPECT_EQ(d.get("group")->kind(), json::Value::Null);
  EXPECT_EQ(d.get("option")->kind(), json::Value::Null);
  EXPECT_EQ(str(d, "message"), "unknown layer 'conv2D'; did you mean 'conv2d'?");
  const json::Object &loc = obj(*d.get("location"));
  EXPECT_EQ(str(loc, "file"), "t.net");
  EXPECT_EQ(num(loc, "line"), 3);
  EXPECT_EQ(num(loc, "column"), 14);
  const json::Array &ranges = arr(d.get("ranges"));
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(num(obj(*obj(ranges[0]).get("start")), "column"), 14);
  EXPECT_EQ(num(obj(*obj(ranges[0]).get("end")), "column"), 20); // exclusive
  const json::Array &fixits = arr(d.get("fixits"));
  ASSERT_EQ(fixits.size(), 1u);
  EXPECT_EQ(str(obj(fixits[0]), "replacement"), "conv2d");
  EXPECT_EQ(num(obj(*obj(*obj(fixits[0]).get("range")).get("start")), "line"),
            3);
  const json::Array &notes = arr(d.get("notes"));
  ASSERT_EQ(notes.size(), 1u);
  const json::Object &note = obj(notes[0]);
  EXPECT_EQ(str(note, "id"), "note_value_defined_here");
  EXPECT_EQ(str(note, "severity"), "note");
  EXPECT_EQ(str(note, "message"), "'x' ([3, 8, 8]) is defined here");
  EXPECT_EQ(num(obj(*note.get("location")), "line"), 2);
  EXPECT_EQ(num(obj(*note.get("location")), "column"), 9);
  EXPECT_EQ(arr(note.get("ranges")).size(), 1u);
  EXPECT_FALSE(note.get("notes"));
}

TEST(StructuredDiagnostics, JsonWarningsKeepGroupAndOptionApart) {
  Harness h(DiagnosticFormat::Json, Source);
  h.engine->report(h.at("x:"), diag::warn_unused_input, "x");
  json::Value doc = h.document();
  const json::Object &d = obj(arr(obj(doc).get("diagnostics"))[0]);
  EXPECT_EQ(str(d, "severity"), "warning");
  EXPECT_EQ(str(d, "group"), "unused-input");
  EXPECT_EQ(str(d, "option"), "-Wunused-input");
  EXPECT_EQ(str(d, "message"), "input 'x' is never used");
  EXPECT_EQ(num(obj(doc), "warnings"), 1);
}

TEST(StructuredDiagnostics, ColumnsAreBytesInJsonAndCodePointsInSarif) {
  // 'ö' is two bytes, '€' three, the tab one: the caret is on 'q', the 13th
  // byte and the 10th code point of its line.
  const char *source = "network N {\n"
                       "  \xc3\xb6\xe2\x82\xac\tx = q\n"
                       "}\n";
  Harness json(DiagnosticFormat::Json, source);
  json.engine->report(json.at("q"), diag::err_undefined_name, "q")
      .range(json.span("q"));
  json::Value jsonDoc = json.document();
  const json::Object &d = obj(arr(obj(jsonDoc).get("diagnostics"))[0]);
  EXPECT_EQ(num(obj(*d.get("location")), "column"), 13);

  Harness sarif(DiagnosticFormat::Sarif, source);
  sarif.engine->report(sarif.at("q"), diag::err_undefined_name, "q")
      .range(sarif.span("q"));
  json::Value sarifDoc = sarif.document();
  const json::Object &run = obj(arr(obj(sarifDoc).get("runs"))[0]);
  EXPECT_EQ(str(run, "columnKind"), "unicodeCodePoints");
  const json::Object &result = obj(arr(run.get("results"))[0]);
  const json::Object &region = obj(*obj(*obj(arr(result.get("locations"))[0])
                                             .get("physicalLocation"))
                                        .get("region"));
  EXPECT_EQ(num(region, "startLine"), 2);
  EXPECT_EQ(num(region, "startColumn"), 10);
  EXPECT_EQ(num(region, "endLine"), 2);
  EXPECT_EQ(num(region, "endColumn"), 11);
}

TEST(StructuredDiagnostics, SarifResultRuleNotesAndFixes) {
  Harness h(DiagnosticFormat::Sarif, Source, "dir/x:y.net");
  h.engine->report(h.at("conv2D"), diag::err_unknown_op_suggest, "conv2D",
                   "conv2d")
      .range(h.span("conv2D"))
      .fixIt(h.span("conv2D"), "conv2d")
      .note(h.at("x: ["), diag::note_value_defined_here, "x", "[3, 8, 8]");
  h.engine->report(h.at("x: ["), diag::warn_unused_input, "x");
  h.engine->report(h.at("conv2D", 1), diag::err_unknown_op, "onv2D");
  json::Value doc = h.document();
  const json::Object &root = obj(doc);
  EXPECT_EQ(str(root, "version"), "2.1.0");
  EXPECT_EQ(str(root, "$schema"), SarifDiagnosticPrinter::SchemaUri);
  const json::Object &run = obj(arr(root.get("runs"))[0]);
  const json::Object &driver = obj(*obj(*run.get("tool")).get("driver"));
  EXPECT_EQ(str(driver, "name"), "netc");
  EXPECT_EQ(str(driver, "version"), "9.9.9");
  EXPECT_FALSE(driver.get("informationUri")); // none configured
  const json::Array &rules = arr(driver.get("rules"));
  ASSERT_EQ(rules.size(), 3u); // one per id used, in order of first use
  EXPECT_EQ(str(obj(rules[0]), "id"), "err_unknown_op_suggest");
  EXPECT_EQ(str(obj(*obj(rules[0]).get("shortDescription")), "text"),
            "unknown layer '{0}'; did you mean '{1}'?");
  EXPECT_EQ(str(obj(*obj(rules[1]).get("defaultConfiguration")), "level"),
            "warning");
  EXPECT_EQ(str(obj(*obj(rules[1]).get("properties")), "warningGroup"),
            "unused-input");

  const json::Array &results = arr(run.get("results"));
  ASSERT_EQ(results.size(), 3u);
  const json::Object &first = obj(results[0]);
  EXPECT_EQ(str(first, "ruleId"), "err_unknown_op_suggest");
  EXPECT_EQ(num(first, "ruleIndex"), 0);
  EXPECT_EQ(str(first, "level"), "error");
  const json::Object &physical =
      obj(*obj(arr(first.get("locations"))[0]).get("physicalLocation"));
  const json::Object &artifact = obj(*physical.get("artifactLocation"));
  EXPECT_EQ(str(artifact, "uri"), "dir/x%3Ay.net");
  EXPECT_EQ(str(artifact, "uriBaseId"), "%SRCROOT%");
  const json::Object &region = obj(*physical.get("region"));
  EXPECT_EQ(num(region, "startColumn"), 14);
  EXPECT_EQ(num(region, "endColumn"), 20);
  const json::Array &related = arr(first.get("relatedLocations"));
  ASSERT_EQ(related.size(), 1u);
  EXPECT_EQ(str(obj(*obj(related[0]).get("message")), "text"),
            "'x' ([3, 8, 8]) is defined here");
  EXPECT_EQ(num(obj(*obj(*obj(related[0]).get("physicalLocation"))
                         .get("region")),
                "startLine"),
            2);
  const json::Array &fixes = arr(first.get("fixes"));
  ASSERT_EQ(fixes.size(), 1u);
  const json::Object &change =
      obj(arr(obj(fixes[0]).get("artifactChanges"))[0]);
  const json::Object &replacement = obj(arr(change.get("replacements"))[0]);
  EXPECT_EQ(str(obj(*replacement.get("insertedContent")), "text"), "conv2d");
  EXPECT_EQ(num(obj(*replacement.get("deletedRegion")), "startColumn"), 14);
  EXPECT_EQ(num(obj(*replacement.get("deletedRegion")), "endColumn"), 20);

  const json::Object &warning = obj(results[1]);
  EXPECT_EQ(str(warning, "level"), "warning");
  EXPECT_EQ(str(obj(*warning.get("message")), "text"),
            "input 'x' is never used");
  EXPECT_EQ(str(obj(*warning.get("properties")), "warningOption"),
            "-Wunused-input");
  // A caret without a range: the region is its one character.
  const json::Object &third = obj(results[2]);
  const json::Object &point = obj(
      *obj(*obj(arr(third.get("locations"))[0]).get("physicalLocation"))
           .get("region"));
  EXPECT_EQ(num(point, "startColumn"), 15);
  EXPECT_EQ(num(point, "endColumn"), 16);

  // Relative paths are relative to the directory netc ran in.
  const json::Object &bases = obj(*run.get("originalUriBaseIds"));
  std::string base = str(obj(*bases.get("%SRCROOT%")), "uri");
  EXPECT_TRUE(llvm::StringRef(base).startswith("file:///")) << base;
  EXPECT_TRUE(llvm::StringRef(base).endswith("/")) << base;
  const json::Object &invocation = obj(arr(run.get("invocations"))[0]);
  EXPECT_EQ(invocation.getBoolean("executionSuccessful"), true);
}

TEST(StructuredDiagnostics, SarifAbsolutePathsAreFileUris) {
  Harness h(DiagnosticFormat::Sarif, Source, "/tmp/my nets/a.net");
  h.engine->report(h.at("x:"), diag::warn_unused_input, "x");
  json::Value doc = h.document();
  const json::Object &run = obj(arr(obj(doc).get("runs"))[0]);
  const json::Object &result = obj(arr(run.get("results"))[0]);
  const json::Object &artifact = obj(
      *obj(*obj(arr(result.get("locations"))[0]).get("physicalLocation"))
           .get("artifactLocation"));
  EXPECT_EQ(str(artifact, "uri"), "file:///tmp/my%20nets/a.net");
  EXPECT_FALSE(artifact.get("uriBaseId"));
  EXPECT_FALSE(run.get("originalUriBaseIds"));
}

TEST(StructuredDiagnostics, UnlocatedDiagnosticsAndBadBytes) {
  Harness json(DiagnosticFormat::Json, Source);
  json.engine->report(llvm::SMLoc(), diag::err_file_read, "b\xffx.net",
                      "No such file");
  json::Value jsonDoc = json.document(); // parses: the byte became U+FFFD
  const json::Object &d = obj(arr(obj(jsonDoc).get("diagnostics"))[0]);
  EXPECT_EQ(str(d, "id"), "err_file_read");
  EXPECT_EQ(d.get("location")->kind(), json::Value::Null);
  EXPECT_EQ(str(d, "message"),
            "cannot read 'b\xef\xbf\xbdx.net': No such file");
  EXPECT_EQ(num(obj(jsonDoc), "errors"), 1);

  // In SARIF they are notifications of the invocation, not results.
  Harness sarif(DiagnosticFormat::Sarif, Source);
  sarif.engine->report(llvm::SMLoc(), diag::warn_render, "Graphviz: a warning");
  sarif.engine->report(llvm::SMLoc(), diag::err_render, "an error");
  json::Value sarifDoc = sarif.document();
  const json::Object &run = obj(arr(obj(sarifDoc).get("runs"))[0]);
  const json::Object &invocation = obj(arr(run.get("invocations"))[0]);
  EXPECT_EQ(invocation.getBoolean("executionSuccessful"), false);
  const json::Array &notes = arr(invocation.get("toolExecutionNotifications"));
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(str(obj(notes[0]), "level"), "warning");
  EXPECT_EQ(str(obj(*obj(notes[0]).get("message")), "text"),
            "Graphviz: a warning");
  EXPECT_EQ(str(obj(*obj(notes[1]).get("descriptor")), "id"), "err_render");
  EXPECT_EQ(str(obj(*obj(notes[1]).get("message")), "text"), "an error");
  EXPECT_TRUE(arr(run.get("results")).empty());
}

TEST(StructuredDiagnostics, TheDocumentIsWrittenOnce) {
  std::string text;
  {
    llvm::SourceMgr sm;
    llvm::raw_string_ostream os(text);
    JsonDiagnosticPrinter printer(sm, os, {"netc", "1", ""});
    printer.finish();
    printer.finish();
  } // and not again by the destructor: two documents would not parse
  auto parsed = json::parse(text);
  ASSERT_TRUE(bool(parsed)) << text;
  std::string written;
  {
    llvm::SourceMgr sm;
    llvm::raw_string_ostream os(written);
    SarifDiagnosticPrinter printer(sm, os, {"netc", "1", ""});
  } // the destructor writes it
  auto sarif = json::parse(written);
  ASSERT_TRUE(bool(sarif)) << written;
}

//===----------------------------------------------------------------------===//
// Through the netc binary
//===----------------------------------------------------------------------===//

class DiagnosticsFormatDriverTest : public netc::testing::NetcProcessTest {
protected:
  DiagnosticsFormatDriverTest() : NetcProcessTest("netc-diagformat") {}
};

TEST_F(DiagnosticsFormatDriverTest, OneDocumentOnStandardError) {
  std::string file = write("w.net", "network N {\n  input x: [10]\n"
                                    "  input mask: [10]\n"
                                    "  output y = relu(x)\n}\n");
  for (const char *format : {"json", "sarif"}) {
    netc::testing::NetcRun r =
        run({std::string("--diagnostics-format=") + format, "--emit=json",
             file});
    EXPECT_EQ(r.status, 0) << format << ": " << r.err;
    auto diagnostics = json::parse(r.err);
    ASSERT_TRUE(bool(diagnostics)) << format << ": " << r.err;
    // The report still goes to standard output.
    auto report = json::parse(r.out);
    ASSERT_TRUE(bool(report)) << r.out;
    EXPECT_NE(r.err.find("input 'mask' is never used"), std::string::npos);
  }
}

TEST_F(DiagnosticsFormatDriverTest, DriverErrorsGoIntoTheDocument) {
  netc::testing::NetcRun r =
      run({"--diagnostics-format=json", path("missing.net")});
  EXPECT_EQ(r.status, 2);
  auto doc = json::parse(r.err);
  ASSERT_TRUE(bool(doc)) << r.err;
  const json::Object &d = obj(arr(obj(*doc).get("diagnostics"))[0]);
  EXPECT_EQ(str(d, "id"), "err_file_read");
  EXPECT_EQ(d.get("location")->kind(), json::Value::Null);
  EXPECT_NE(str(d, "message").find("cannot read"), std::string::npos);

  std::string file = write("w.net", "network N {\n  input x: [10]\n"
                                    "  output y = relu(x)\n}\n");
  r = run({"--diagnostics-format=sarif", "--batch=0", "-Wfoo", file});
  EXPECT_EQ(r.status, 2);
  auto sarif = json::parse(r.err);
  ASSERT_TRUE(bool(sarif)) << r.err;
  const json::Object &run0 = obj(arr(obj(*sarif).get("runs"))[0]);
  const json::Object &invocation = obj(arr(run0.get("invocations"))[0]);
  EXPECT_EQ(invocation.getBoolean("executionSuccessful"), false);
  const json::Array &notes = arr(invocation.get("toolExecutionNotifications"));
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_EQ(str(obj(*obj(notes[0]).get("message")), "text"),
            "unknown warning option '-Wfoo'");
  EXPECT_EQ(str(obj(*obj(notes[1]).get("message")), "text"),
            "--batch must be at least 1, got 0");
}

TEST_F(DiagnosticsFormatDriverTest, BadCombinationsAreUsageErrors) {
  std::string file = write("w.net", "# expected-no-diagnostics\n"
                                    "network N {\n  input x: [10]\n"
                                    "  output y = relu(x)\n}\n");
  netc::testing::NetcRun r =
      run({"--diagnostics-format=json", "--verify-diagnostics", file});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot be used with --diagnostics-format"),
            std::string::npos)
      << r.err;
  r = run({"--diagnostics-format=xml", file});
  EXPECT_EQ(r.status, 2);
  r = run({"--diagnostics-format=text", file});
  EXPECT_EQ(r.status, 0) << r.err;
}

} // namespace
