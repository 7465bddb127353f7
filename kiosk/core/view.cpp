#include "core/view.hpp"

#include <filesystem>

#include "common/catalogue.hpp"
#include "common/languages.hpp"
#include "core/i18n.hpp"

namespace ledsager::core {

std::vector<CatalogueSection> catalogue_view(const common::ContentSet& content, const std::string& lang) {
    std::vector<CatalogueSection> sections;
    for (const auto& cat : common::kCategories) {
        CatalogueSection section{std::string(cat.id), std::string(cat.icon), {}};
        for (const auto& g : content.guides) {
            if (g.category != cat.id) continue;
            std::string used;
            const common::GuideText* t = g.text_for(lang, Translator::fallback_chain(), &used);
            if (!t) continue;
            section.tiles.push_back({g.id, t->title, t->subtitle, g.icon, used});
        }
        if (!section.tiles.empty()) sections.push_back(std::move(section));
    }
    return sections;
}

GuideView guide_view(const Session& session) {
    GuideView v;
    v.guide = session.guide();
    if (!v.guide) return v;
    v.text = v.guide->text_for(session.data().lang, Translator::fallback_chain(), &v.text_lang);
    v.fallback = v.text_lang != session.data().lang;
    return v;
}

StepView step_view(const Session& session) {
    StepView v;
    v.guide = guide_view(session);
    v.step = session.step();
    if (!v.guide.text || !v.step) {
        v.step = nullptr;
        return v;
    }
    auto it = v.guide.text->steps.find(v.step->id);
    if (it == v.guide.text->steps.end()) {
        v.step = nullptr;
        return v;
    }
    v.text = &it->second;
    std::tie(v.number, v.total) = session.progress();
    if (!v.step->image.empty()) {
        // The drawn variant for the theme and the reading direction, where the guide has one.
        const common::Step& s = *v.step;
        const auto* lang = common::find_language(session.data().lang);
        const bool rtl = lang && lang->rtl, contrast = session.data().high_contrast;
        const char* suffix = nullptr;
        if (rtl && contrast && s.image_rtl_contrast)
            suffix = ".rtl.contrast.png";
        else if (rtl && s.image_rtl)
            suffix = ".rtl.png";  // the direction matters more than the colours
        else if (contrast && s.image_contrast)
            suffix = ".contrast.png";
        const std::filesystem::path image(s.image);
        const std::string file = suffix ? image.stem().string() + suffix : s.image;
        v.image_path = (std::filesystem::path(v.guide.guide->folder) / file).string();
    }
    return v;
}

}  // namespace ledsager::core
