#include "regenctl/terminal.h"

#include <catch2/catch.hpp>

#include "regenctl/output.h"

namespace regen::ctl {
namespace {

TEST_CASE("colour: only on a terminal, and never when NO_COLOR is set to anything") {
  CHECK(colour_allowed(true, nullptr));
  CHECK(colour_allowed(true, ""));
  CHECK_FALSE(colour_allowed(true, "1"));
  CHECK_FALSE(colour_allowed(true, "0"));
  CHECK_FALSE(colour_allowed(false, nullptr));
}

TEST_CASE("colour: paint wraps text in SGR codes only when enabled") {
  CHECK(paint("critical", Colour::kRed, true) == "\x1b[31mcritical\x1b[0m");
  CHECK(paint("critical", Colour::kRed, false) == "critical");
  CHECK(paint("info", Colour::kNone, true) == "info");
}

TEST_CASE("colour: statuses and severities get their colours") {
  CHECK(severity_colour("critical") == Colour::kRed);
  CHECK(severity_colour("warning") == Colour::kYellow);
  CHECK(severity_colour("info") == Colour::kNone);
  CHECK(status_colour("triggered") == Colour::kBoldRed);
  CHECK(status_colour("acknowledged") == Colour::kYellow);
  CHECK(status_colour("resolved") == Colour::kGreen);
  CHECK(status_colour("firing") == Colour::kRed);
  CHECK(status_colour("something new") == Colour::kNone);
}

TEST_CASE("colour: escape sequences take no width, so coloured columns stay aligned") {
  CHECK(visible_width("\x1b[1;31mtriggered\x1b[0m") == 9);
  CHECK(visible_width("plain") == 5);
  ColumnTable table({"STATUS", "TITLE"});
  table.add_row({paint("resolved", Colour::kGreen, true), "a"});
  table.add_row({"triggered", "b"});
  CHECK(table.render() ==
        "STATUS     TITLE\n"
        "\x1b[32mresolved\x1b[0m   a\n"
        "triggered  b\n");
}

TEST_CASE("cells: control characters from the daemon cannot reach the terminal") {
  CHECK(one_line("evil\x1b[2Jtitle") == "evil?[2Jtitle");
  CHECK(one_line("two\nlines\tand tab") == "two lines and tab");
  CHECK(one_line("csi \xc2\x9b"
                 "2J") == "csi ?2J");
  CHECK(one_line("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("cells: long text is cut at a character boundary") {
  CHECK(one_line("abcdefghij", 8) == "abcde...");
  CHECK(one_line("abcd\xc3\xa9\xc3\xa9x", 8) == "abcd...");
  CHECK(one_line("short", 8) == "short");
}

}  // namespace
}  // namespace regen::ctl
