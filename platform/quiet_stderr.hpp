// While an audio output is looked for (SDL for reading aloud, GStreamer's autoaudiosink for
// calls), libasound and OpenAL write their own lines to stderr on a machine without sound
// ("ALSA lib pcm.c:… Unknown PCM default", a dozen of them). The kiosk says it once,
// plainly, instead: for the life of a QuietStderr, stderr goes to /dev/null. Keep it short:
// every thread's stderr is silenced meanwhile.
#pragma once

#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace ledsager::platform {

class QuietStderr {
public:
    QuietStderr() {
        std::fflush(stderr);
        saved_ = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
        const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null >= 0) {
            ::dup2(null, STDERR_FILENO);
            ::close(null);
        }
    }
    ~QuietStderr() {
        if (saved_ < 0) return;
        std::fflush(stderr);
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
    }
    QuietStderr(const QuietStderr&) = delete;
    QuietStderr& operator=(const QuietStderr&) = delete;

private:
    int saved_ = -1;
};

}  // namespace ledsager::platform
