// Ready-to-draw views of the session for the screens: the content text resolved in the
// citizen's language (with the fallback made visible), progress computed. Screens draw
// these and never look into guides or catalogues themselves.
#pragma once

#include <string>
#include <vector>

#include "core/session.hpp"

namespace ledsager::core {

struct CatalogueTile {
    std::string guide_id;
    std::string title;
    std::string subtitle;
    std::string icon;
    std::string text_lang;  // differs from the citizen's language when it fell back
};

struct CatalogueSection {
    std::string category;  // id; its title is the interface string "category.<id>"
    std::string icon;
    std::vector<CatalogueTile> tiles;
};

std::vector<CatalogueSection> catalogue_view(const common::ContentSet& content, const std::string& lang);

struct GuideView {
    const common::Guide* guide = nullptr;
    const common::GuideText* text = nullptr;
    std::string text_lang;  // the language `text` is in
    bool fallback = false;  // true when text_lang differs from the citizen's language
};

GuideView guide_view(const Session& session);

struct StepView {
    GuideView guide;
    const common::Step* step = nullptr;
    const common::StepText* text = nullptr;
    int number = 0;  // "Step number of total"
    int total = 0;
    std::string image_path;  // full path of the PNG, empty when none
};

// Empty (step == nullptr) when the session is not on a step.
StepView step_view(const Session& session);

}  // namespace ledsager::core
