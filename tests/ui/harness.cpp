#include "harness.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "platform/speech.hpp"

namespace ledsager::test {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Harness::Harness(core::KioskConfig config, std::string guides_dir, std::string po_dir, int width, int height,
                 std::string font_cache) {
    core::Translator tr;
    common::Diagnostics diags;
    tr.load_dir(po_dir, diags);
    REQUIRE(diags.items.empty());
    auto content = common::load_content(guides_dir);
    app_ = std::make_unique<app::KioskApp>(config, std::move(content), std::move(tr));
    if (!font_cache.empty()) app_->set_font_cache(font_cache);
    std::string error;
    display_ = platform::Display::open_offscreen(width, height, error);
    REQUIRE_MESSAGE(display_, error);
    REQUIRE_MESSAGE(app_->attach(*display_, error), error);
    frame();
}

void Harness::enable_speech() {
    std::string error;
    auto speech = platform::Speech::open(false, error);
    REQUIRE_MESSAGE(speech, error);
    app_->set_speech(std::move(speech));
    frame();
}

FakeVoice* Harness::use_fake_voice(std::vector<std::string> langs) {
    auto voice = std::make_unique<FakeVoice>(std::move(langs));
    FakeVoice* raw = voice.get();
    app_->set_speech(std::move(voice));
    frame();
    return raw;
}

void Harness::frame() {
    now_ += 16;
    app_->frame(now_);
}

void Harness::wait(core::Millis ms) {
    // As the real frame loop does: sleep until the kiosk's next wake-up, draw only when needed.
    const core::Millis end = now_ + ms;
    while (now_ < end) {
        const core::Millis wake = app_->next_wake(now_);
        now_ = (wake > now_ && wake < end) ? wake : std::min(end, now_ + 250);
        if (app_->needs_frame(now_)) app_->frame(now_);
    }
}

const ui::Element* Harness::find(const std::string& id) const {
    for (const auto& e : elements())
        if (e.id == id) return &e;
    return nullptr;
}

void Harness::tap_at(float x, float y) {
    using K = core::InputEvent::Kind;
    app_->push({K::PointerDown, x, y});
    frame();
    app_->push({K::PointerUp, x, y});
    frame();
    frame();  // the new screen
    frame();  // ... once its scrolling content has been measured
}

void Harness::tap(const std::string& id) {
    const ui::Element* e = find(id);
    // Scroll until it is in view, as a citizen would (wheel standing in for a drag).
    for (int i = 0; e && !e->visible && i < 40; ++i) {
        const ui::Element* area = find(e->scroll_area);
        REQUIRE(area);
        const float dir = e->rect.y > area->rect.y ? -1.0f : 1.0f;
        app_->push({core::InputEvent::Kind::Wheel, 0, dir});
        frame();
        e = find(id);
    }
    // A citizen scrolls on until the whole button shows (a sliver under "More below" is no
    // place to tap), as far as the list goes, and lets the list come to rest.
    for (int i = 0; e && e->visible && !e->scroll_area.empty() && i < 40; ++i) {
        const ui::Element* area = find(e->scroll_area);
        REQUIRE(area);
        const bool cut_below = e->rect.bottom() >= area->rect.bottom() - 1, cut_above = e->rect.y <= area->rect.y + 1;
        if (cut_below == cut_above) break;  // whole, or taller than the area
        const ui::Rect before = e->rect;
        app_->push({core::InputEvent::Kind::Wheel, 0, cut_below ? -1.0f : 1.0f});
        frame();
        e = find(id);
        if (!e || (e->rect.y == before.y && e->rect.h == before.h)) break;  // the end of the list
    }
    for (int i = 0; e && i < 60; ++i) {
        const ui::Rect before = e->rect;
        frame();
        e = find(id);
        if (e && e->rect.y == before.y && e->rect.h == before.h) break;
    }
    REQUIRE_MESSAGE(e, "not on screen: " << id << "\nscreen:\n" << screen_text());
    REQUIRE_MESSAGE(e->actionable, id << " is not a button");
    tap_at(e->rect.cx(), e->rect.cy());
}

void Harness::key(core::Key k) {
    using K = core::InputEvent::Kind;
    app_->push({K::KeyDown, 0, 0, k});
    frame();
    app_->push({K::KeyUp, 0, 0, k});
    frame();
    frame();
    frame();
}

bool Harness::shows(const std::string& text) const {
    for (const auto& e : elements())
        if (e.visible && e.label.find(text) != std::string::npos) return true;
    return false;
}

std::string Harness::screen_text() const {
    std::string out;
    for (const auto& e : elements())
        if (e.visible && !e.label.empty())
            out += "  [" + std::string(ui::role_name(e.role)) + " " + e.id + "] " + e.label + "\n";
    return out;
}

std::string Harness::focused() const {
    for (const auto& e : elements())
        if (e.focused) return e.id;
    return {};
}

bool Harness::save(const std::string& path) {
    std::string error;
    return display_->save_png(path, error);
}

bool until(Harness& h, const std::function<bool()>& pred, int seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        h.wait(100);
        h.frame();
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace ledsager::test
