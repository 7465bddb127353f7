// Layout shared by the screens: margins, the bottom bar, action rows. Sizes are in units
// of the font size (em), never fixed pixels.
#pragma once

#include "ui/screens.hpp"

namespace ledsager::ui {

struct Layout {
    float margin;    // outer margin
    float gap;       // between elements
    float button_h;  // big buttons
    float bar_h;     // bottom bar (0 when the screen has none)
    Rect content;    // what is left for the screen between margins and bar
};

Layout layout(const Ui& ui, bool with_bar);

// The bar at the bottom of every screen in a session: text size, language, contrast,
// start over, end, and the red "Get help from a person".
void draw_bar(Ui& ui, const ScreenContext& ctx, const Layout& l);

// A row of buttons at the bottom of the content area: `left` on the left, `right` aligned
// right (the last one is the primary). Returns the row's top y.
struct RowButton {
    std::string id;
    std::string label;
    ButtonStyle style;
    std::string_view icon;
    core::ActionKind action;
    std::string arg{};
    int value = 0;
};
// The red "Get help from a person" in the bottom-right corner, for screens without the bar.
void help_button(Ui& ui, const Layout& l);
// "Read aloud" in the bottom-left corner, for screens without the bar.
void read_aloud_button(Ui& ui, const ScreenContext& ctx, const Layout& l);
float help_button_height(const Ui& ui);

float action_row(Ui& ui, const Layout& l, const std::vector<RowButton>& left, const std::vector<RowButton>& right);

void draw_attract(Ui& ui, const ScreenContext& ctx);
void draw_language(Ui& ui, const ScreenContext& ctx);
void draw_catalogue(Ui& ui, const ScreenContext& ctx);
void draw_needs(Ui& ui, const ScreenContext& ctx);
void draw_step(Ui& ui, const ScreenContext& ctx);
void draw_end(Ui& ui, const ScreenContext& ctx);
void draw_help(Ui& ui, const ScreenContext& ctx);
void draw_wiped(Ui& ui, const ScreenContext& ctx);
void draw_timeout(Ui& ui, const ScreenContext& ctx);
void draw_speech(Ui& ui, const ScreenContext& ctx);
void draw_consent(Ui& ui, const ScreenContext& ctx);
void draw_waiting(Ui& ui, const ScreenContext& ctx);
void draw_call(Ui& ui, const ScreenContext& ctx);

}  // namespace ledsager::ui
