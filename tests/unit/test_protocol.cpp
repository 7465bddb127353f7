// protocol_round_trip: the kiosk-hub protocol (common/protocol.hpp) has one encoder and one
// decoder per message, used by both sides. Every message goes there and back unchanged, the
// hub's decoder refuses what breaks a limit and names the field, and a kiosk's own message
// never breaks one (a long error text in Danish is cut at a character, not in the middle).
#include <doctest/doctest.h>

#include "common/protocol.hpp"
#include "common/remote_settings.hpp"

using namespace ledsager::common;
using json = nlohmann::json;

TEST_CASE("a help request and a quiet signal go from kiosk to hub unchanged") {
    const HelpRequestMessage asked{"video", {"interpreter", "large_text"}, {"mitid-login", "open-app", 2, "ar"}};
    HelpRequestMessage got;
    REQUIRE(decode(encode(asked), got).message.empty());
    CHECK(got.kind == "video");
    CHECK(got.needs == asked.needs);
    CHECK(got.place.guide == "mitid-login");
    CHECK(got.place.step == "open-app");
    CHECK(got.place.step_number == 2);
    CHECK(got.place.language == "ar");

    // Not in a guide: no guide or step is sent, only the language.
    const HelpRequestMessage at_start{"in_person", {}, {"", "", 0, "da"}};
    const json sent = json::parse(encode(at_start));
    CHECK_FALSE(sent.contains("guide"));
    CHECK_FALSE(sent.contains("step"));
    REQUIRE(decode(encode(at_start), got).message.empty());
    CHECK(got.kind == "in_person");
    CHECK(got.place.guide.empty());
    CHECK(got.needs.empty());

    const SignalMessage signal{"back_and_forth", {"digital-post", "inbox", 3, "uk"}};
    SignalMessage back;
    REQUIRE(decode(encode(signal), back).message.empty());
    CHECK(back.reason == "back_and_forth");
    CHECK(back.place.guide == "digital-post");
    CHECK(back.place.step == "inbox");
    CHECK(back.place.step_number == 3);
    CHECK(back.place.language == "uk");
}

TEST_CASE("the messages read on the wire as the hub and kiosks of the last release write them") {
    // Literal bodies: a field renamed on both sides would pass a round trip, not this.
    CHECK(json::parse(encode(HelpRequestMessage{"video", {"hearing"}, {"digital-post", "inbox", 2, "so"}})) ==
          json::parse(R"({"kind":"video","needs":["hearing"],"guide":"digital-post","step":"inbox",
                          "step_number":2,"language":"so"})"));
    CHECK(json::parse(encode(SignalMessage{"idle_on_step", {"", "", 0, "da"}})) ==
          json::parse(R"({"reason":"idle_on_step","language":"da"})"));
    Heartbeat beat;
    beat.version = "1.2";
    beat.content_version = "v3";
    beat.uptime_s = 60;
    CHECK(json::parse(encode(beat)) == json::parse(R"({"version":"1.2","uptime_s":60,"content_version":"v3",
          "printer":"none","camera":"none","audio":"none","screen":"on"})"));
    CHECK(encode(HelpRequestStatus{5, "B-002", "in_person", "open", 3, 240, ""}) ==
          json::parse(R"({"id":5,"number":"B-002","kind":"in_person","status":"open","position":3,
                          "estimated_wait_s":240,"claimed_by":""})"));
    CHECK(encode(HeartbeatAnswer{ContentOffer{4, "ab", 10}, "r1"}) ==
          json::parse(R"({"content":{"version":4,"sha256":"ab","size":10},"settings":{"revision":"r1"}})"));
    CHECK(encode(HeartbeatAnswer{std::nullopt, "r1"}) ==
          json::parse(R"({"content":null,"settings":{"revision":"r1"}})"));
    UsageEvent left;
    left.type = "guide_left";
    left.day = "2026-12-01";
    left.guide = "g";
    left.step = "s";
    left.key = 9;
    CHECK(json::parse(encode_usage({left})) ==
          json::parse(R"({"events":[{"type":"guide_left","day":"2026-12-01","guide":"g","step":"s","key":9}]})"));
}

TEST_CASE("the hub refuses a kiosk message that breaks a limit, naming the field") {
    HelpRequestMessage m{"in_person", {"hearing"}, {"g", "s", 1, "da"}};
    auto err = decode(R"({"kind":"video","language":"da","name":"Jens"})", m);
    CHECK(err.message == "unknown field");
    CHECK(err.field == "name");
    err = decode(R"({"kind":"phone","language":"da"})", m);
    CHECK(err.field == "kind");
    err = decode(R"({"kind":"video","language":"da","needs":["coffee"]})", m);
    CHECK(err.field == "needs");
    err = decode(R"({"kind":"video","language":"da","guide":"Jens Hansen 010203-1234"})", m);
    CHECK(err.field == "guide");   // free text where an id belongs: it could be what a citizen typed
    CHECK(m.kind == "in_person");  // what was there is left as it was: nothing half-decoded
    CHECK(m.needs == std::vector<std::string>{"hearing"});
    SignalMessage s;
    CHECK(decode(R"({"reason":"bored","language":"da"})", s).field == "reason");
    CHECK(decode("not json", s).message == "malformed JSON");
    Heartbeat h;
    CHECK(decode(R"({"version":"1","uptime_s":5,"content_version":"x","printer":"ok","camera":"ok","audio":"on fire"})",
                 h)
              .field == "audio");
}

TEST_CASE("a heartbeat goes from kiosk to hub unchanged, and a long error in any script is cut at a character") {
    Heartbeat beat;
    beat.version = "0.9.0";
    beat.content_version = "v12";
    beat.uptime_s = 86400 * 3;
    beat.printer = "missing";
    beat.camera = "ok";
    beat.audio = "failing";
    beat.screen = "dark";
    beat.last_error = "printer: no paper";
    Heartbeat got;
    REQUIRE(decode(encode(beat), got).message.empty());
    CHECK(got.version == "0.9.0");
    CHECK(got.content_version == "v12");
    CHECK(got.uptime_s == 86400 * 3);
    CHECK(got.printer == "missing");
    CHECK(got.camera == "ok");
    CHECK(got.audio == "failing");
    CHECK(got.screen == "dark");
    CHECK(got.last_error == "printer: no paper");

    // 150 two-byte letters (300 bytes): cut to at most 200 bytes, never inside a letter, and
    // the hub takes it. Cut in the middle, the text would not be UTF-8 and not encodable.
    std::string danish;
    for (int i = 0; i < 150; ++i)
        danish += "ø";
    beat.last_error = "indhold: " + danish;
    std::string sent;
    REQUIRE_NOTHROW(sent = encode(beat));
    REQUIRE(decode(sent, got).message.empty());
    CHECK(got.last_error.size() <= Heartbeat::kMaxLastError);
    CHECK(got.last_error.size() >= Heartbeat::kMaxLastError - 1);
    CHECK(got.last_error.rfind("indhold: øø", 0) == 0);
    CHECK(got.last_error.substr(got.last_error.size() - 2) == "ø");

    // Bytes that are not UTF-8 at all (a driver's message in another encoding): each becomes
    // '?', within the limit, and the hub takes it.
    beat.last_error = std::string(300, '\xff');
    REQUIRE_NOTHROW(sent = encode(beat));
    REQUIRE(decode(sent, got).message.empty());
    CHECK(got.last_error == std::string(Heartbeat::kMaxLastError, '?'));
    beat.last_error = std::string("lp0: \xe6") + "ble \xed\xa0\x80 " + danish;  // Latin-1 'æ', a UTF-16 surrogate
    REQUIRE(decode(encode(beat), got).message.empty());
    CHECK(got.last_error.rfind("lp0: ?ble ??? ø", 0) == 0);
    CHECK(got.last_error.size() <= Heartbeat::kMaxLastError);
}

TEST_CASE("settings are checked against the languages of the kiosk they are for") {
    RemoteSettings r;
    std::string error;
    // A kiosk as shipped starts in Danish: offering only English and Ukrainian leaves it no start.
    CHECK_FALSE(parse_remote_settings(R"({"languages":["en","uk"]})", LanguageChoice::as_shipped(), r, error));
    CHECK(error == "default_language: 'da' must be one of languages");
    CHECK(parse_remote_settings(R"({"languages":["en","uk"],"default_language":"uk"})", LanguageChoice::as_shipped(), r,
                                error));
    CHECK(r.default_language == "uk");
    // A kiosk that starts in English already may drop Danish.
    CHECK(parse_remote_settings(R"({"languages":["en","uk"]})", {{"en", "da"}, "en"}, r, error));
    CHECK_FALSE(parse_remote_settings(R"({"default_language":"ar"})", {{"en", "da"}, "en"}, r, error));
    CHECK(error == "default_language: 'ar' must be one of languages");
    CHECK(LanguageChoice::as_shipped().offered.size() == 10);
}

TEST_CASE("a usage batch goes from kiosk to hub unchanged") {
    std::vector<UsageEvent> events(9);
    events[0].type = "session";
    events[0].day = "2026-12-01";
    events[0].hour = 9;
    events[0].lang = "pl";
    events[0].modes = {"read_aloud", "keypad"};
    events[0].key = 4'000'000'000u;
    events[1].type = "step_view";
    events[1].day = "2026-12-01";
    events[1].guide = "mitid-login";
    events[1].step = "open-app";
    events[1].ms = 12'345;
    events[1].value = 1;
    events[1].key = 7;
    events[2].type = "help_asked";
    events[2].day = "2026-12-01";
    events[2].guide = "mitid-login";
    events[2].step = "approve";
    events[2].kind = "video";
    events[2].key = 7;
    events[3].type = "session";  // no hour, no modes
    events[3].day = "2026-12-02";
    events[3].lang = "da";
    events[3].key = 0;
    const char* more[] = {"guide_start", "guide_done", "guide_left", "helped", "confusing"};
    for (std::size_t i = 4; i < 9; ++i) {
        events[i].type = more[i - 4];
        events[i].day = "2026-12-02";
        events[i].guide = "digital-post";
        events[i].step = "inbox";
        events[i].lang = "ti";
        events[i].kind = "staff";
        events[i].value = 1;
        events[i].key = 11;
    }
    std::vector<UsageEvent> got;
    std::string error;
    REQUIRE_MESSAGE(decode_usage(json::parse(encode_usage(events)), "2026-12-03", got, error), error);
    REQUIRE(got.size() == 9);
    CHECK(got[4].lang == "ti");     // guide_start: the language
    CHECK(got[5].kind == "staff");  // guide_done: how
    CHECK(got[6].step == "inbox");  // guide_left: where
    CHECK(got[7].value == 1);       // helped: yes
    CHECK(got[8].step == "inbox");  // confusing: which step
    CHECK(got[7].step.empty());     // a helped event carries no step
    CHECK(got[5].lang.empty());     // a guide_done event no language
    for (std::size_t i = 4; i < 9; ++i) {
        CHECK(got[i].guide == "digital-post");
        CHECK(got[i].key == 11u);
    }
    CHECK(got[0].hour == 9);
    CHECK(got[0].lang == "pl");
    CHECK(got[0].modes == events[0].modes);
    CHECK(got[0].key == 4'000'000'000u);
    CHECK(got[1].guide == "mitid-login");
    CHECK(got[1].step == "open-app");
    CHECK(got[1].ms == 12'345);
    CHECK(got[1].value == 1);
    CHECK(got[2].kind == "video");
    CHECK(got[2].step == "approve");
    CHECK(got[3].hour == -1);
    CHECK(got[3].modes.empty());
    CHECK(got[3].key == 0u);
    for (std::size_t i = 0; i < 9; ++i) {
        CHECK(got[i].type == events[i].type);
        CHECK(got[i].day == events[i].day);
    }
}

TEST_CASE("the hub refuses a usage batch that breaks a limit, naming the event and field") {
    std::vector<UsageEvent> got;
    std::string error;
    auto refuse = [&](const std::string& body, const std::string& latest = "2026-12-03") {
        error.clear();
        CHECK_FALSE(decode_usage(json::parse(body), latest, got, error));
        return error;
    };
    CHECK(refuse(R"({"events":[{"type":"session","day":"2026-12-04","lang":"da"}]})") ==
          "events[0].day: must be a real date YYYY-MM-DD, not in the future");
    CHECK(refuse(R"({"events":[{"type":"session","day":"2026-02-30","lang":"da"}]})").rfind("events[0].day", 0) == 0);
    CHECK(refuse(R"({"events":[{"type":"session","day":"2026-12-01","lang":"da"},
                               {"type":"confusing","day":"2026-12-01","guide":"g","step":"s","text":"I am lost"}]})") ==
          "events[1].text: not a field of a confusing event");
    CHECK(refuse(R"({"events":[{"type":"session","day":"2026-12-01","lang":"xx"}]})") ==
          "events[0].lang: not a language Ledsager knows");
    CHECK(refuse(R"({"events":[{"type":"session","day":"2026-12-01","lang":"da","key":4294967296}]})") ==
          "events[0].key: a whole number from 0 to 4294967295");
    CHECK(refuse(R"({"events":[], "name":"x"})") == "events: a list of events is expected (and nothing else)");
    json many = {{"events", json::array()}};
    for (std::size_t i = 0; i <= kMaxUsageEvents; ++i)
        many["events"].push_back({{"type", "session"}, {"day", "2026-12-01"}, {"lang", "da"}});
    CHECK(refuse(many.dump()) == "events: at most 100 in one batch");
    // A kiosk from before session keys: the event has none (the hub draws one).
    REQUIRE(
        decode_usage(json::parse(R"({"events":[{"type":"session","day":"2026-12-01","lang":"da"}]})"), "", got, error));
    CHECK_FALSE(got[0].key.has_value());
}

TEST_CASE("the hub's answers reach the kiosk unchanged") {
    const HelpRequestStatus status{42, "A-017", "video", "claimed", 0, 180, "Mette"};
    HelpRequestStatus got;
    REQUIRE(decode(encode(status).dump(), got));
    CHECK(got.id == 42);
    CHECK(got.number == "A-017");
    CHECK(got.kind == "video");
    CHECK(got.status == "claimed");
    CHECK(got.position == 0);
    CHECK(got.estimated_wait_s == 180);
    CHECK(got.claimed_by == "Mette");

    HeartbeatAnswer beat{ContentOffer{7, std::string(64, 'a'), 123'456}, "r5"};
    HeartbeatAnswer back;
    REQUIRE(decode(encode(beat).dump(), back));
    REQUIRE(back.content.has_value());
    CHECK(back.content->version == 7);
    CHECK(back.content->sha256 == std::string(64, 'a'));
    CHECK(back.content->size == 123'456);
    CHECK(back.settings_revision == "r5");
    beat.content.reset();  // nothing published
    REQUIRE(decode(encode(beat).dump(), back));
    CHECK_FALSE(back.content.has_value());

    const SettingsAnswer settings{"r6", R"({"default_language":"en","languages":["da","en"]})"};
    SettingsAnswer s;
    REQUIRE(decode(encode(settings).dump(), s));
    CHECK(s.revision == "r6");
    CHECK(json::parse(s.settings) == json::parse(settings.settings));

    // A hub that answers nonsense is not believed.
    CHECK_FALSE(decode(std::string("<html>proxy error</html>"), got));
    CHECK_FALSE(decode(std::string(R"({"id":"forty-two"})"), got));
    CHECK_FALSE(decode(std::string(R"({"revision":"r1"})"), s));
    for (const char* not_an_object : {"[]", "null", "42", "\"ok\""}) {
        CHECK_FALSE(decode(std::string(not_an_object), got));
        CHECK_FALSE(decode(std::string(not_an_object), back));
        CHECK_FALSE(decode(std::string(not_an_object), s));
    }
}

TEST_CASE("a call's signaling goes through the hub unchanged, as the last release wrote it") {
    // What a side posts: exactly the fields of its type.
    CHECK(encode(call_message("offer", "v=0\r\n")).dump() == R"({"sdp":"v=0\r\n","type":"offer"})");
    CHECK(encode(call_message("candidate", "candidate:1 1 UDP 1 127.0.0.1 5000 typ host", 1)).dump() ==
          R"({"candidate":"candidate:1 1 UDP 1 127.0.0.1 5000 typ host","mline":1,"type":"candidate"})");
    CHECK(encode(call_message("hangup")).dump() == R"({"type":"hangup"})");
    for (const CallMessage& sent : {call_message("offer", "v=0"), call_message("answer", "v=0"),
                                    call_message("candidate", "c", 2), call_message("hangup", "resolved")}) {
        CallMessage got;
        REQUIRE(decode(encode(sent).dump(), got).message == "");
        CHECK(got.type == sent.type);
        CHECK(got.sdp == sent.sdp);
        CHECK(got.candidate == sent.candidate);
        CHECK(got.mline == sent.mline);
        CHECK(got.reason == sent.reason);
    }
    // What the hub passes on, with its own messages among them.
    CallMessages answer{{call_message("answered", "Ali", 0, 1), call_message("answer", "v=0", 0, 2),
                         call_message("candidate", "c", 1, 3), call_message("released", {}, 0, 4)},
                        false};
    CHECK(
        encode(answer).dump() ==
        R"({"ended":false,"messages":[{"name":"Ali","seq":1,"type":"answered"},{"sdp":"v=0","seq":2,"type":"answer"},)"
        R"({"candidate":"c","mline":1,"seq":3,"type":"candidate"},{"seq":4,"type":"released"}]})");
    CallMessages read;
    REQUIRE(decode(encode(answer).dump(), read));
    REQUIRE(read.messages.size() == 4);
    CHECK(read.messages[0].name == "Ali");
    CHECK(read.messages[1].sdp == "v=0");
    CHECK(read.messages[2].mline == 1);
    CHECK(read.messages[3].type == "released");
    CHECK(read.messages[3].seq == 4);
    REQUIRE(decode(R"({"messages":[],"ended":true})", read));
    CHECK(read.ended);
    CHECK(read.messages.empty());
    // Not what the hub sends: the kiosk does not act on it.
    CHECK_FALSE(decode("[]", read));
    CHECK_FALSE(decode(R"({"ended":true})", read));
    CHECK_FALSE(decode(R"({"messages":[1]})", read));
    CHECK_FALSE(decode(R"({"messages":[{"type":5}]})", read));
    CHECK_FALSE(decode("<html>", read));
}

TEST_CASE("the hub refuses a call message that breaks a limit, naming the field") {
    CallMessage m;
    CHECK(decode(R"({"type":"answered"})", m).field == "type");             // only the hub says that
    CHECK(decode(R"({"type":"hangup","name":"Ali"})", m).field == "name");  // nor may a kiosk name anyone
    // Only the fields of the message's type.
    CHECK(decode(R"({"type":"hangup","sdp":"v=0"})", m).field == "sdp");
    CHECK(decode(R"({"type":"offer","sdp":"v=0","candidate":"c"})", m).field == "candidate");
    CHECK(decode(R"({"type":"answer","sdp":"v=0","mline":0})", m).field == "mline");
    CHECK(decode(R"({"type":"candidate","candidate":"c","reason":"x"})", m).field == "reason");
    CHECK(decode(R"({"type":"candidate","candidate":"c","mline":1})", m).message.empty());
    CHECK(decode(R"({"type":"offer"})", m).field == "sdp");
    CHECK(decode(R"({"type":"answer"})", m).field == "sdp");
    CHECK(decode(R"({"type":"candidate","mline":0})", m).field == "candidate");
    CHECK(decode(R"({"type":"candidate","candidate":"c","mline":-1})", m).field == "mline");
    CHECK(decode(R"({"type":"hangup","seq":3})", m).field == "seq");
    CHECK(decode(json{{"type", "offer"}, {"sdp", std::string(CallMessage::kMaxSdp + 1, 'v')}}.dump(), m).field ==
          "sdp");
    CHECK(decode(json{{"type", "candidate"}, {"candidate", std::string(CallMessage::kMaxCandidate + 1, 'c')}}.dump(), m)
              .field == "candidate");
    CHECK(decode(R"({"type":"hangup","reason":"a reason much longer than thirty-two characters"})", m).field ==
          "reason");
    CHECK(decode("not json", m).message != "");
}
