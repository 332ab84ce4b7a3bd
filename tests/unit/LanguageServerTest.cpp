//===- LanguageServerTest.cpp - positions, URIs and the op catalogue ------===//
//
// The language server's conversions between LSP positions (UTF-16 or UTF-8
// code units, any line end) and byte offsets, its file URIs, and that the
// op catalogue of docs/language.md, which the editors' grammars are checked
// against (tests/textmate), lists exactly the registry's callable ops.
//
//===----------------------------------------------------------------------===//
#include "SourcePositions.h"

#include "netc/Ops/OpRegistry.h"

#include "gtest/gtest.h"

#include <fstream>
#include <set>
#include <sstream>

using namespace netc;
using namespace netc::lsp;

TEST(LanguageServer, PositionsCountUtf16CodeUnits) {
  // "é" is 2 bytes and 1 UTF-16 unit; "😀" 4 bytes and 2 units.
  std::string text = "a = \"é😀\" x\nnext";
  LineTable utf16(text, PositionEncoding::UTF16);
  size_t x = text.find(" x") + 1;
  EXPECT_EQ(utf16.getPosition(x).character, 10);
  EXPECT_EQ(utf16.getOffset({0, 10}), x);
  LineTable utf8(text, PositionEncoding::UTF8);
  EXPECT_EQ(utf8.getPosition(x).character, 13);
  EXPECT_EQ(utf8.getOffset({0, 13}), x);
  // The middle of a surrogate pair rounds to the character's end.
  EXPECT_EQ(utf16.getOffset({0, 7}), text.find("\" x"));
}

TEST(LanguageServer, LinesEndAtEveryLineBreakAndClamp) {
  std::string text = "a\r\nb\rc\nd";
  LineTable table(text, PositionEncoding::UTF16);
  EXPECT_EQ(table.getNumLines(), 4);
  EXPECT_EQ(table.getOffset({1, 0}), 3u);
  EXPECT_EQ(table.getOffset({2, 0}), 5u);
  EXPECT_EQ(table.getLine(0), "a");
  // Past a line's end: its end; past the last line: the text's end.
  EXPECT_EQ(table.getOffset({0, 99}), 1u);
  EXPECT_EQ(table.getOffset({99, 0}), text.size());
  EXPECT_EQ(table.getPosition(text.size()).line, 3);
  // An invalid UTF-8 byte counts as one unit.
  std::string bad = "\xff" "x";
  LineTable badTable(bad, PositionEncoding::UTF16);
  EXPECT_EQ(badTable.getPosition(1).character, 1);
}

TEST(LanguageServer, FileUris) {
  EXPECT_EQ(fileUriToPath("file:///tmp/a%20b/caf%C3%A9.net"),
            std::optional<std::string>("/tmp/a b/café.net"));
  EXPECT_EQ(fileUriToPath("file://localhost/x.net"),
            std::optional<std::string>("/x.net"));
  EXPECT_FALSE(fileUriToPath("untitled:Untitled-1"));
  EXPECT_FALSE(fileUriToPath("file://other/x.net"));
  EXPECT_FALSE(fileUriToPath("file:///a%2"));
  EXPECT_FALSE(fileUriToPath("file:///a%00b"));
  EXPECT_EQ(pathToFileUri("/tmp/a b/café.net"),
            "file:///tmp/a%20b/caf%C3%A9.net");
}

TEST(LanguageServer, OpCatalogueListsEveryCallableOp) {
  std::ifstream in(NETC_SOURCE_DIR "/docs/language.md");
  ASSERT_TRUE(in) << "docs/language.md";
  std::set<std::string> documented;
  std::string line;
  bool inCatalogue = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0)
      inCatalogue = line == "## The op catalogue";
    if (!inCatalogue || line.rfind("| `", 0) != 0)
      continue;
    size_t end = line.find('`', 3);
    documented.insert(line.substr(3, end - 3));
  }
  std::set<std::string> registered;
  for (const OpDef &op : getAllOps())
    if (op.callable)
      registered.insert(op.name);
  EXPECT_EQ(documented, registered);
}
