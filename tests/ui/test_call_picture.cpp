// call_picture: the kiosk's side of a video call over a fake call line and a fake hub (no
// GStreamer, no network): the call starts for the help request the hub made, the
// caseworker's picture and the citizen's own are drawn, mute, camera and typed text reach
// the line, and when the caseworker hangs up the call ends and nothing of its pictures is
// left on screen.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deque>
#include <utility>

#include "fake_hub_channel.hpp"
#include "harness.hpp"

using namespace ledsager;

namespace {

// The hub makes help request 42 for whatever the session asks (create, poll, cancel).
void answer_waiting(const core::HubCall& call, std::deque<core::HubReply>& replies) {
    using K = core::HubCall::Kind;
    if (call.kind != K::Create && call.kind != K::Poll && call.kind != K::Cancel) return;
    core::HubReply r;
    r.kind = call.kind;
    r.ok = r.reachable = true;
    r.http_status = 200;
    r.id = 42;
    r.number = "V-042";
    r.status = "waiting";
    r.position = 1;
    r.wait_s = 60;
    replies.push_back(r);
}

struct FakeLine final : core::CallLine {
    std::int64_t id = 0;
    std::vector<std::int64_t> started;
    int ends_told = 0, ends_quiet = 0;
    bool muted = false, camera_off = false;
    std::string text;
    std::vector<core::CallEvent> events;
    core::VideoFrame remote, self;

    bool camera_present() const override { return true; }
    void start(std::int64_t request_id) override {
        id = request_id;
        started.push_back(request_id);
    }
    void end(bool tell) override {
        ++(tell ? ends_told : ends_quiet);
        id = 0;
    }
    bool running() const override { return id != 0; }
    std::int64_t request_id() const override { return id; }
    void set_muted(bool m) override { muted = m; }
    void set_camera_off(bool off) override { camera_off = off; }
    void send_text(const std::string& t) override { text = t; }
    std::vector<core::CallEvent> take_events() override { return std::exchange(events, {}); }
    bool has_news(std::uint64_t r, std::uint64_t s) override {
        return !events.empty() || remote.serial > r || self.serial > s;
    }
    bool remote_frame(core::VideoFrame& out) override { return copy(remote, out); }
    bool self_frame(core::VideoFrame& out) override { return copy(self, out); }
    float remote_level() const override { return 0; }
    float self_level() const override { return 0; }
    void set_wake(std::function<void()>) override {}

    static bool copy(const core::VideoFrame& from, core::VideoFrame& out) {
        if (from.serial <= out.serial) return false;
        out = from;
        return true;
    }
    // A picture of one colour (BT.601, as SDL reads a picture of this size), the next in its series.
    static void paint(core::VideoFrame& f, int w, int h, std::uint32_t rgb) {
        const double r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
        const auto byte = [](double v) { return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 255.0))); };
        const std::uint8_t y = byte(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255),
                           u = byte(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255),
                           v = byte(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255);
        f.width = w;
        f.height = h;
        const size_t luma = static_cast<size_t>(w) * h, chroma = (core::VideoFrame::i420_size(w, h) - luma) / 2;
        f.i420.assign(luma, y);
        f.i420.insert(f.i420.end(), chroma, u);
        f.i420.insert(f.i420.end(), chroma, v);
        ++f.serial;
    }
};

// A pixel of this colour, give or take the rounding of a trip through YUV.
bool near(const std::uint8_t* px, std::uint32_t rgb) {
    const auto close = [](int a, int b) { return std::abs(a - b) <= 4; };
    return close(px[0], (rgb >> 16) & 0xFF) && close(px[1], (rgb >> 8) & 0xFF) && close(px[2], rgb & 0xFF);
}

// How many pixels on screen have this colour.
size_t pixels_of(const test::Harness& h, std::uint32_t rgb) {
    const auto px = h.display().read_pixels();
    size_t n = 0;
    for (size_t i = 0; i + 3 < px.size(); i += 4)
        n += near(&px[i], rgb);
    return n;
}

// The pixel at the centre of an element.
bool centre_is(const test::Harness& h, const std::string& id, std::uint32_t rgb) {
    const ui::Element* e = h.find(id);
    if (!e) return false;
    const auto px = h.display().read_pixels();
    const int x = static_cast<int>(e->rect.x + e->rect.w / 2), y = static_cast<int>(e->rect.y + e->rect.h / 2);
    const size_t i = (static_cast<size_t>(y) * 1920 + x) * 4;
    return near(&px[i], rgb);
}

}  // namespace

TEST_CASE("a video call over the call line: started for the request, both pictures drawn, ended without a trace") {
    core::KioskConfig config;
    config.hub_url = "https://127.0.0.1:9";  // replaced by the fake before anything is sent
    config.video_enabled = true;
    test::Harness h(config);
    auto hub_owner = std::make_unique<test::FakeHubChannel>();
    hub_owner->answer = answer_waiting;
    test::FakeHubChannel* hub = hub_owner.get();
    h.app().use_hub(std::move(hub_owner));
    auto line_owner = std::make_unique<FakeLine>();
    FakeLine* line = line_owner.get();
    h.app().use_call(std::move(line_owner));  // in place of GStreamer's

    h.tap("attract.start");
    h.tap("language.en");
    h.tap("guide.mitid-login");
    h.tap("needs.start");
    h.tap("bar.help");
    REQUIRE(h.find("help.video"));
    h.tap("help.video");
    REQUIRE(h.session().data().screen == core::Screen::Consent);
    CHECK(line->started.empty());  // nothing starts before the citizen agrees
    h.tap("consent.send");
    REQUIRE(test::until(h, [&] { return !line->started.empty(); }));
    CHECK(line->started.front() == 42);  // the request the hub made
    CHECK(!hub->sent.empty());

    // The caseworker answers; pictures arrive from both sides.
    line->events.push_back({core::CallEvent::Kind::Answered, "Mette"});
    line->events.push_back({core::CallEvent::Kind::Connected});
    constexpr std::uint32_t kRemote = 0xC81EA0, kSelf = 0x1EC85A;
    FakeLine::paint(line->remote, 640, 480, kRemote);
    FakeLine::paint(line->self, 320, 240, kSelf);
    h.wait(200);
    INFO(h.screen_text());
    REQUIRE(h.session().data().screen == core::Screen::Call);
    CHECK(h.shows("Mette"));
    CHECK(centre_is(h, "call.remote", kRemote));
    CHECK(centre_is(h, "call.self", kSelf));

    // What the citizen does reaches the line.
    h.tap("call.mute");
    CHECK(line->muted);
    h.tap("call.camera");
    CHECK(line->camera_off);

    // The caseworker hangs up: the call ends, and no pixel of either picture stays.
    const size_t remote_before = pixels_of(h, kRemote);
    CHECK(remote_before > 100'000);  // the picture fills its area (640x480 scaled up)
    line->events.push_back({core::CallEvent::Kind::RemoteHangup, "caseworker"});
    h.wait(1000);
    CHECK(!line->running());
    CHECK(line->ends_told == 0);  // the caseworker hung up: nothing to tell them
    CHECK(h.session().data().call.phase == core::CallPhase::Ended);
    CHECK(pixels_of(h, kRemote) == 0);
    CHECK(pixels_of(h, kSelf) == 0);
    h.tap("call.back");
    CHECK(h.session().data().screen == core::Screen::Step);
    CHECK(pixels_of(h, kRemote) == 0);
}
