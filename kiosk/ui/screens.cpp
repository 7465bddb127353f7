#include "ui/screens.hpp"

#include "ui/screens/common.hpp"

namespace ledsager::ui {

namespace {
struct ScreenDef {
    core::Screen screen;
    void (*draw)(Ui&, const ScreenContext&);
    bool bar;  // shows the bottom bar
};

constexpr ScreenDef kScreens[] = {
    {core::Screen::Attract, draw_attract, false},    {core::Screen::Language, draw_language, true},
    {core::Screen::Catalogue, draw_catalogue, true}, {core::Screen::Needs, draw_needs, true},
    {core::Screen::Step, draw_step, true},           {core::Screen::End, draw_end, true},
    {core::Screen::Help, draw_help, true},           {core::Screen::Wiped, draw_wiped, false},
    {core::Screen::Consent, draw_consent, true},     {core::Screen::Waiting, draw_waiting, true},
    {core::Screen::Call, draw_call, false},
};
}  // namespace

std::string screen_key(const core::Session& s) {
    const auto& d = s.data();
    return std::string(core::screen_name(d.screen)) + "/" + d.guide_id + "/" + d.step_id +
           (d.warning ? "/warning" : "");
}

void draw_screen(Ui& ui, const ScreenContext& ctx) {
    const auto& d = ctx.session.data();
    // The background is the renderer's clear colour (a full-screen fill costs a frame's
    // worth of time in the software renderer).
    for (const auto& def : kScreens) {
        if (def.screen != d.screen) continue;
        def.draw(ui, ctx);
        if (def.bar) draw_bar(ui, ctx, layout(ui, true));
    }
    if (d.warning)
        draw_timeout(ui, ctx);
    else
        draw_speech(ui, ctx);
}

}  // namespace ledsager::ui
