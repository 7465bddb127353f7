// What the files of core::Session share (session.cpp, session_help.cpp, session_call.cpp);
// not for use outside the session.
#pragma once

#include <cstddef>

#include "core/session.hpp"

namespace ledsager::core {

inline bool answered(CallPhase p) {
    return p == CallPhase::Connecting || p == CallPhase::Active || p == CallPhase::Reconnecting;
}
inline constexpr Millis kCallEndedNoticeMs = 10000;  // "Ali ended the call" stays this long
inline constexpr std::size_t kMaxCallText = 2000;

}  // namespace ledsager::core
