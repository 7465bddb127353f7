// guide_walk_all: every shipped guide, in every offered language, along paths that take
// every branch (every answer, every Yes and No), walked through the real UI by taps, from
// the attract screen to "Your information has been deleted". Each screen is checked for the
// words the citizen should see.
#include <deque>
#include <map>
#include <set>

#include "harness.hpp"

using namespace ledsager;
using core::ActionKind;

namespace {

// The language a guide is shown in: the citizen's, or the fallback when not translated.
std::string shown(const common::Guide& g, const std::string& lang) {
    for (const std::string& l : {lang, std::string("en"), std::string("da")})
        if (g.text.count(l)) return l;
    return lang;
}

struct Edge {
    std::string from;
    std::string button;  // element id to tap
    std::string to;      // step id, "end", or "" for the help screen ("No" with no if_no)
};

std::vector<Edge> edges_of(const common::Step& s) {
    std::vector<Edge> out;
    switch (s.kind) {
        case common::StepKind::Info:
            out.push_back({s.id, "step.next", s.next});
            break;
        case common::StepKind::Check:
            out.push_back({s.id, "step.yes", s.next});
            out.push_back({s.id, "step.no", s.if_no});
            break;
        case common::StepKind::Question:
            for (const auto& c : s.choices)
                out.push_back({s.id, "step.choice." + c.id, c.next});
            break;
    }
    return out;
}

// Shortest list of edges from `from` to the end (following only edges that lead to steps).
std::vector<Edge> to_end(const common::Guide& g, const std::string& from) {
    std::map<std::string, Edge> parent;
    std::deque<std::string> queue{from};
    std::set<std::string> seen{from};
    while (!queue.empty()) {
        const std::string cur = queue.front();
        queue.pop_front();
        for (const auto& e : edges_of(*g.find_step(cur))) {
            if (e.to.empty()) continue;
            if (e.to == common::kEndStep) {
                std::vector<Edge> path{e};
                for (std::string at = cur; at != from; at = parent.at(at).from)
                    path.insert(path.begin(), parent.at(at));
                return path;
            }
            if (seen.insert(e.to).second) {
                parent[e.to] = e;
                queue.push_back(e.to);
            }
        }
    }
    FAIL("no way to the end from " << from);
    return {};
}

std::vector<Edge> from_start(const common::Guide& g, const std::string& to) {
    const std::string start = g.steps.front().id;
    std::map<std::string, Edge> parent;
    std::deque<std::string> queue{start};
    std::set<std::string> seen{start};
    while (!queue.empty() && !seen.count(to)) {
        const std::string cur = queue.front();
        queue.pop_front();
        for (const auto& e : edges_of(*g.find_step(cur)))
            if (!e.to.empty() && e.to != common::kEndStep && seen.insert(e.to).second) {
                parent[e.to] = e;
                queue.push_back(e.to);
            }
    }
    std::vector<Edge> path;
    for (std::string at = to; at != start; at = parent.at(at).from)
        path.insert(path.begin(), parent.at(at));
    return path;
}

void check_step_on_screen(test::Harness& h, const common::Guide& g, const std::string& lang, const std::string& step_id,
                          int number) {
    const auto& text = g.text.at(shown(g, lang)).steps.at(step_id);
    INFO("guide " << g.id << ", language " << lang << ", step " << step_id << "\nscreen:\n" << h.screen_text());
    REQUIRE(h.session().data().screen == core::Screen::Step);
    CHECK(h.shows(text.title));
    size_t pos = 0;
    while (pos < text.text.size()) {
        size_t end = text.text.find('\n', pos);
        if (end == std::string::npos) end = text.text.size();
        if (end > pos) CHECK(h.shows(text.text.substr(pos, end - pos)));
        pos = end + 1;
    }
    for (const auto& [id, label] : text.choices)
        CHECK(h.shows(label));
    const auto* progress = h.find("step.progress.label");
    REQUIRE(progress);
    const std::string expected =
        core::format(h.app().translator().tr(lang, "step.progress"), {{"n", std::to_string(number)}});
    CHECK(progress->label.rfind(expected.substr(0, expected.find('{')), 0) == 0);
    CHECK(h.shows(g.text.at(shown(g, lang)).title));
}

void walk(test::Harness& h, const common::Guide& g, const std::string& lang, const std::vector<Edge>& path) {
    const auto& tr = h.app().translator();
    REQUIRE(h.session().data().screen == core::Screen::Attract);
    h.tap("attract.start");
    if (h.app().config().offered.size() > 1) {
        CHECK(h.shows(tr.tr(h.session().data().lang, "language.heading")));
        h.tap("language." + lang);
    }
    CHECK(h.shows(tr.tr(lang, "catalogue.heading")));
    h.tap("guide." + g.id);
    INFO("guide " << g.id << ", language " << lang);
    CHECK(h.shows(tr.tr(lang, "needs.heading")));
    for (const auto& need : g.text.at(shown(g, lang)).needs)
        CHECK(h.shows(need));
    h.tap("needs.start");
    int number = 1;
    for (const auto& e : path) {
        check_step_on_screen(h, g, lang, e.from, number);
        h.tap(e.button);
        if (e.to.empty()) {
            // "No, that didn't work" with no troubleshooting step: a person is offered,
            // with the task and step named; Back returns to the same step.
            INFO(h.screen_text());
            CHECK(h.session().data().screen == core::Screen::Help);
            CHECK(h.shows(g.text.at(shown(g, lang)).title));
            h.tap("help.back");
            CHECK(h.session().data().step_id == e.from);
            continue;
        }
        ++number;
    }
    INFO(h.screen_text());
    REQUIRE(h.session().data().screen == core::Screen::End);
    CHECK(h.shows(g.text.at(shown(g, lang)).end_title));
    CHECK(h.shows(g.text.at(shown(g, lang)).end_summary));
    h.tap("end.yes");
    CHECK(h.shows(tr.tr(lang, "end.thanks")));
    h.tap("end.finish");
    CHECK(h.shows(tr.tr(h.app().config().default_language, "wiped.title")));
    h.wait(8000);
    CHECK(h.session().data().screen == core::Screen::Attract);
}

}  // namespace

TEST_CASE("every guide, every language, every branch, through the real UI") {
    test::Harness h;
    h.set_rasterize(false);
    const auto& content = h.app().content();
    REQUIRE(content.guides.size() >= 1);
    int walks = 0, edges_taken = 0;
    for (const auto& g : content.guides) {
        // One path per edge, covering every branch of the guide.
        std::vector<std::vector<Edge>> paths;
        std::set<std::string> covered;
        for (const auto& s : g.steps)
            for (const auto& e : edges_of(s)) {
                const std::string key = e.from + ">" + e.button;
                if (covered.count(key)) continue;
                auto path = from_start(g, e.from);
                path.push_back(e);
                if (e.to.empty()) path.push_back(edges_of(s).front());  // after Help, go on with Yes
                const std::string next = path.back().to;
                if (next != common::kEndStep) {
                    auto rest = to_end(g, next);
                    path.insert(path.end(), rest.begin(), rest.end());
                }
                for (const auto& p : path)
                    covered.insert(p.from + ">" + p.button);
                paths.push_back(path);
            }
        for (const auto& lang : h.app().config().offered) {
            for (const auto& path : paths) {
                walk(h, g, lang, path);
                ++walks;
                edges_taken += static_cast<int>(path.size());
            }
        }
    }
    MESSAGE(walks << " walks, " << edges_taken << " taps on steps, over " << content.guides.size() << " guides");
    CHECK(h.session().counts().helped_yes == walks);
}
