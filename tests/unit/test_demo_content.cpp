// The shipped guides: all load without errors, all complete in Danish and English, each
// walked along every branch from start to end in the core (the UI walk is guide_walk_all).
#include <doctest/doctest.h>

#include <set>

#include "common/content.hpp"

using namespace ledsager::common;

TEST_CASE("the shipped guides have no errors and cover the required tasks") {
    // Sources age by the calendar: measured from the day of the last content review, so this
    // test does not start failing on its own. The hub's insight page shows real ages.
    ContentOptions options;
    options.today = "2026-12-04";
    auto set = load_content(LEDSAGER_SOURCE_ASSETS "/guides", options);
    std::string report;
    for (const auto& d : set.diagnostics.items)
        report += d.format() + "\n";
    CHECK_MESSAGE(set.diagnostics.items.empty(), report);
    CHECK(set.guides.size() >= 1);
    for (const auto& g : set.guides) {
        INFO(g.id);
        CHECK(g.text.count("da"));
        CHECK(g.text.count("en"));
        CHECK(g.main_path_length() <= 12);
        CHECK_FALSE(g.sources.empty());
        // Every step reaches the end, every branch is valid.
        for (const auto& s : g.steps)
            CHECK(g.steps_to_end(s.id) >= 1);
    }
}
