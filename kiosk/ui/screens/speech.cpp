// Reading aloud: its settings (speed, volume, repeat, stop) and, for a language espeak-ng
// has no voice for, the question which voice to use instead. Both are dialogs over the
// screen, so the citizen stays where they were.
#include <algorithm>

#include "ui/screens/common.hpp"

namespace ledsager::ui {

namespace {

struct Card {
    Rect rect;
    float pad;
    float inner;
};

Card open_card(Ui& ui, const std::string& id, const std::string& title, float height) {
    const auto& p = ui.palette();
    const Layout l = layout(ui, false);
    const float em = ui.em();
    ui.rect({0, 0, ui.width(), ui.height()}, p.dim, 0, 0, 0, 0.72f);
    ui.mark(id, Role::Dialog, title, {0, 0, ui.width(), ui.height()});
    const float w = std::min(ui.width() - 2 * l.margin, em * 30);
    const float h = std::min(height, ui.height() - l.margin);
    const Rect card{(ui.width() - w) / 2, std::max(l.margin * 0.5f, (ui.height() - h) / 2), w, h};
    ui.rect(card, p.surface, em * 0.8f, p.border, p.border_width);
    return {card, em * 1.2f, w - 2 * em * 1.2f};
}

}  // namespace

void draw_speech(Ui& ui, const ScreenContext& ctx) {
    const auto& d = ctx.session.data();
    if (!d.speech || d.speech_dialog == core::SpeechDialog::None) return;
    const auto& p = ui.palette();
    const Layout l = layout(ui, false);
    const float em = ui.em();

    if (d.speech_dialog == core::SpeechDialog::NoVoice) {
        // Said in the citizen's own words on screen; read aloud in English, and each
        // choice in its own voice.
        const std::string body = ui.t("speech.no_voice");
        const float w = std::min(ui.width() - 2 * l.margin, em * 30) - 2 * em * 1.2f;
        const float h = em * 2.4f + ui.text_height(ui.t("speech.heading"), w, ui.fonts().heading) + em * 0.5f +
                        ui.text_height(body, w, ui.fonts().regular) + em * 1.0f + 3 * l.button_h + 2 * l.gap;
        const Card c = open_card(ui, "speech.novoice", ui.t("speech.heading"), h);
        float y = c.rect.y + c.pad;
        const float x = c.rect.x + c.pad;
        y += ui.text("speech.novoice.title", ui.t("speech.heading"), x, y, c.inner, ui.fonts().heading, p.text,
                     Role::Heading);
        y += em * 0.5f;
        y += ui.text("speech.novoice.body", body, x, y, c.inner, ui.fonts().regular, p.text);
        ui.speak_as("en", ui.t_in("en", "speech.no_voice"));
        y += em * 1.0f;
        if (ui.button("speech.voice.da", ui.t("speech.use_danish"), {x, y, c.inner, l.button_h}, ButtonStyle::Primary,
                      "volume-up"))
            ui.act(core::ActionKind::SpeechVoice, "da");
        ui.speak_as("da", ui.t_in("da", "speech.use_danish"));
        y += l.button_h + l.gap;
        if (ui.button("speech.voice.en", ui.t("speech.use_english"), {x, y, c.inner, l.button_h}, ButtonStyle::Primary,
                      "volume-up"))
            ui.act(core::ActionKind::SpeechVoice, "en");
        ui.speak_as("en", ui.t_in("en", "speech.use_english"));
        y += l.button_h + l.gap;
        if (ui.button("speech.close", ui.t("speech.done"), {x, y, c.inner, l.button_h}, ButtonStyle::Secondary,
                      "cross"))
            ui.act(core::ActionKind::CloseSpeech);
        ui.speak_as("en", ui.t_in("en", "speech.done"));
        return;
    }

    // Settings: two rows of paired buttons with the current value between them, then
    // Repeat, Stop reading aloud and Close.
    const int total = 2 * core::kSpeechSteps + 1;
    const std::string rate = ui.t("speech.rate", {{"n", std::to_string(d.speech_rate + core::kSpeechSteps + 1)},
                                                  {"total", std::to_string(total)}});
    const std::string volume = ui.t("speech.volume", {{"n", std::to_string(d.speech_volume + core::kSpeechSteps + 1)},
                                                      {"total", std::to_string(total)}});
    const float inner_w = std::min(ui.width() - 2 * l.margin, em * 30) - 2 * em * 1.2f;
    const float row_h = l.button_h + l.gap + em * 0.2f + ui.text_height(rate, inner_w, ui.fonts().regular);
    const float head_h = ui.text_height(ui.t("speech.heading"), inner_w, ui.fonts().heading) + em * 0.6f;
    float h = 2 * em * 1.2f + head_h + 2 * row_h + 2 * l.button_h + l.gap;
    // At large text sizes Repeat, Stop and Close share one row so the dialog fits.
    const bool compact = h > ui.height() - l.margin;
    if (compact) h -= l.button_h + l.gap;
    const Card c = open_card(ui, "speech.settings", ui.t("speech.heading"), h);
    const float x = c.rect.x + c.pad;
    float y = c.rect.y + c.pad;
    y += ui.text("speech.settings.title", ui.t("speech.heading"), x, y, c.inner, ui.fonts().heading, p.text,
                 Role::Heading);
    y += em * 0.6f;
    auto pair_row = [&](const std::string& value_id, const std::string& value, const char* minus_id,
                        const char* minus_key, std::string_view minus_icon, const char* plus_id, const char* plus_key,
                        std::string_view plus_icon, core::ActionKind kind) {
        y += ui.text(value_id, value, x, y, c.inner, ui.fonts().regular, p.text_muted) + em * 0.2f;
        const float bw = (c.inner - l.gap) / 2;
        if (ui.button(minus_id, ui.t(minus_key), {x, y, bw, l.button_h}, ButtonStyle::Secondary, minus_icon))
            ui.act(kind, {}, -1);
        if (ui.button(plus_id, ui.t(plus_key), {x + bw + l.gap, y, bw, l.button_h}, ButtonStyle::Secondary, plus_icon))
            ui.act(kind, {}, +1);
        y += l.button_h + l.gap;
    };
    pair_row("speech.rate", rate, "speech.slower", N_("speech.slower"), "slower", "speech.faster", N_("speech.faster"),
             "faster", core::ActionKind::SpeechRate);
    pair_row("speech.volume", volume, "speech.quieter", N_("speech.quieter"), "volume-down", "speech.louder",
             N_("speech.louder"), "volume-up", core::ActionKind::SpeechVolume);
    const int per_row = compact ? 3 : 2;
    const float bw = (c.inner - (per_row - 1) * l.gap) / per_row;
    if (ui.button("speech.repeat", ui.t("speech.repeat"), {x, y, bw, l.button_h}, ButtonStyle::Secondary,
                  compact ? "" : "restart"))
        ui.act(core::ActionKind::CloseSpeech, "repeat");
    if (ui.button("speech.stop", ui.t("speech.stop"), {x + bw + l.gap, y, bw, l.button_h}, ButtonStyle::Secondary,
                  compact ? "" : "volume-off"))
        ui.act(core::ActionKind::SpeechOff);
    const Rect close =
        compact ? Rect{x + 2 * (bw + l.gap), y, bw, l.button_h} : Rect{x, y + l.button_h + l.gap, c.inner, l.button_h};
    if (ui.button("speech.close", ui.t("speech.done"), close, ButtonStyle::Primary, compact ? "" : "check"))
        ui.act(core::ActionKind::CloseSpeech);
}

}  // namespace ledsager::ui
