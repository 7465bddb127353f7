#include "core/escalation.hpp"

#include <algorithm>

namespace ledsager::core {

Millis Escalation::backoff(int failures) {
    Millis ms = 1000;
    for (int i = 1; i < failures && ms < 30000; ++i)
        ms *= 2;
    return std::min<Millis>(ms, 30000);
}

}  // namespace ledsager::core
