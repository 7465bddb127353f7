#include "platform/speech.hpp"

#include <SDL.h>
#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "platform/quiet_stderr.hpp"

namespace ledsager::platform {

namespace {
std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
}  // namespace

struct Speech::Impl {
    struct Job {
        std::vector<SpeechRequest> parts;
        std::uint64_t generation = 0;
        std::vector<std::int16_t>* capture = nullptr;  // synthesize(): keep the samples here
        std::promise<void>* done = nullptr;
    };
    struct Context {  // espeak-ng hands this back to the callback as user_data
        Impl* impl;
        std::uint64_t generation;
        std::vector<std::int16_t>* capture;
    };

    int rate = 22050;
    std::vector<std::string> voice_langs;

    std::thread worker;
    mutable std::mutex m;
    std::condition_variable cv;
    std::deque<Job> jobs;
    bool quit = false;
    std::atomic<std::uint64_t> generation{0};
    std::atomic<bool> synthesising{false};

    SDL_AudioDeviceID device = 0;
    bool paused = true;
    std::mutex qm;
    std::deque<std::int16_t> queue;
    bool first_pending = false;
    std::atomic<std::int64_t> first_ns{0};

    static int on_samples(short* wav, int count, espeak_EVENT* events) {
        auto* ctx = static_cast<Context*>(events ? events->user_data : nullptr);
        if (!ctx) return 0;
        Impl* self = ctx->impl;
        if (!ctx->capture && self->generation.load() != ctx->generation) return 1;  // cut off: stop synthesising
        if (!wav || count <= 0) return 0;
        if (ctx->capture) {
            ctx->capture->insert(ctx->capture->end(), wav, wav + count);
        } else {
            std::lock_guard lock(self->qm);
            if (self->generation.load() == ctx->generation) self->queue.insert(self->queue.end(), wav, wav + count);
        }
        return 0;
    }

    static void on_audio(void* userdata, Uint8* stream, int len) {
        auto* self = static_cast<Impl*>(userdata);
        auto* out = reinterpret_cast<std::int16_t*>(stream);
        const size_t want = static_cast<size_t>(len) / sizeof(std::int16_t);
        std::lock_guard lock(self->qm);
        const size_t n = std::min(want, self->queue.size());
        bool audible = false;
        for (size_t i = 0; i < n; ++i) {
            out[i] = self->queue.front();
            self->queue.pop_front();
            audible = audible || out[i] > 64 || out[i] < -64;
        }
        std::fill(out + n, out + want, std::int16_t{0});
        if (audible && self->first_pending) {
            self->first_pending = false;
            self->first_ns.store(steady_ns());
        }
    }

    void run() {
        for (;;) {
            Job j;
            {
                std::unique_lock lock(m);
                cv.wait(lock, [&] { return quit || !jobs.empty(); });
                if (quit) {
                    for (auto& left : jobs)
                        if (left.done) left.done->set_value();  // nobody waits forever
                    jobs.clear();
                    return;
                }
                j = std::move(jobs.front());
                jobs.pop_front();
                synthesising = true;  // under the lock: speaking() never sees a gap
            }
            if (!j.capture && j.generation != generation.load()) {  // already replaced
                synthesising = false;
                continue;
            }
            for (const auto& part : j.parts) {
                if (!j.capture && j.generation != generation.load()) break;
                if (!part.audio.empty()) {
                    play_file(part, j);
                    continue;
                }
                espeak_VOICE spec{};
                spec.languages = part.lang.c_str();
                espeak_SetVoiceByProperties(&spec);
                espeak_SetParameter(espeakRATE, std::clamp(part.rate_wpm, 80, 450), 0);
                espeak_SetParameter(espeakVOLUME, std::clamp(part.volume, 0, 200), 0);
                Context ctx{this, j.generation, j.capture};
                espeak_Synth(part.text.c_str(), part.text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr,
                             &ctx);
            }
            synthesising = false;
            if (j.done) j.done->set_value();
        }
    }

    // A recording: converted to the device's format (mono, 16 bit, espeak-ng's rate).
    void play_file(const SpeechRequest& part, const Job& j) {
        SDL_AudioSpec spec{};
        Uint8* buf = nullptr;
        Uint32 len = 0;
        if (!SDL_LoadWAV(part.audio.c_str(), &spec, &buf, &len))
            return;  // the checker saw it exist; a bad file stays silent
        SDL_AudioCVT cvt;
        std::vector<std::int16_t> pcm;
        if (SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq, AUDIO_S16SYS, 1, rate) >= 0) {
            std::vector<Uint8> data(static_cast<size_t>(len) * static_cast<size_t>(std::max(1, cvt.len_mult)));
            std::memcpy(data.data(), buf, len);
            cvt.buf = data.data();
            cvt.len = static_cast<int>(len);
            if (cvt.needed == 0 || SDL_ConvertAudio(&cvt) == 0) {
                const size_t bytes = cvt.needed ? static_cast<size_t>(cvt.len_cvt) : len;
                pcm.resize(bytes / 2);
                std::memcpy(pcm.data(), data.data(), pcm.size() * 2);
            }
        }
        SDL_FreeWAV(buf);
        const float gain = std::clamp(part.volume, 0, 200) / 100.0f;
        for (auto& s : pcm)
            s = static_cast<std::int16_t>(std::clamp(s * gain, -32768.0f, 32767.0f));
        if (j.capture) {
            j.capture->insert(j.capture->end(), pcm.begin(), pcm.end());
        } else {
            std::lock_guard lock(qm);
            if (generation.load() == j.generation) queue.insert(queue.end(), pcm.begin(), pcm.end());
        }
    }

    void submit(Job j) {
        {
            std::lock_guard lock(m);
            // Speech waiting to start is dropped: only the newest is said.
            if (!j.capture) std::erase_if(jobs, [](const Job& old) { return old.capture == nullptr; });
            jobs.push_back(std::move(j));
        }
        cv.notify_one();
    }
};

Speech::Speech(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

std::unique_ptr<Speech> Speech::open(bool audio, std::string& error) {
    auto impl = std::make_unique<Impl>();
    // espeak-ng is started once per process and never terminated: a second
    // espeak_Initialize (or its Terminate) leaves its internal thread waiting forever.
    struct Engine {
        int rate = 0;
        std::vector<std::string> langs;
    };
    static const Engine engine = [] {
        Engine e;
        // Short buffers: the first words reach the speaker sooner.
        e.rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 40, nullptr, espeakINITIALIZE_DONT_EXIT);
        if (e.rate <= 0) return e;
        espeak_SetSynthCallback(&Impl::on_samples);
        for (const espeak_VOICE** v = espeak_ListVoices(nullptr); v && *v; ++v) {
            // `languages` is a list of (priority byte, name, NUL), ended by a zero byte.
            for (const char* l = (*v)->languages; l && *l; l += std::strlen(l + 1) + 2) {
                std::string code(l + 1);
                if (auto dash = code.find('-'); dash != std::string::npos) code.resize(dash);
                if (std::find(e.langs.begin(), e.langs.end(), code) == e.langs.end()) e.langs.push_back(code);
            }
        }
        return e;
    }();
    if (engine.rate <= 0) {
        error = "speech: espeak-ng cannot start (is espeak-ng-data installed?)";
        return nullptr;
    }
    impl->rate = engine.rate;
    impl->voice_langs = engine.langs;
    if (audio) {
        std::string why;
        {
            // libasound's own lines on a machine without sound: the kiosk says it once instead.
            QuietStderr quiet;
            if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
                why = SDL_GetError();
            } else {
                SDL_AudioSpec want{}, have{};
                want.freq = engine.rate;
                want.format = AUDIO_S16SYS;
                want.channels = 1;
                want.samples = 256;  // about 12 ms at 22 kHz
                want.callback = &Impl::on_audio;
                want.userdata = impl.get();
                impl->device = SDL_OpenAudioDevice(nullptr, 0, &want, &have, 0);
                if (!impl->device) why = SDL_GetError();
            }
        }
        if (!impl->device) {
            error = "no audio device (" + why + ")";
            return nullptr;
        }
    }
    Impl* raw = impl.get();
    impl->worker = std::thread([raw] { raw->run(); });
    return std::unique_ptr<Speech>(new Speech(std::move(impl)));
}

Speech::~Speech() {
    if (!impl_) return;
    impl_->generation++;
    {
        std::lock_guard lock(impl_->m);
        impl_->quit = true;
    }
    impl_->cv.notify_one();
    if (impl_->worker.joinable()) impl_->worker.join();
    if (impl_->device) SDL_CloseAudioDevice(impl_->device);
}

std::vector<std::string> Speech::voices_for(const std::vector<std::string>& langs) const {
    std::vector<std::string> out;
    for (const auto& l : langs)
        if (has_voice(l)) out.push_back(l);
    return out;
}

bool Speech::has_voice(const std::string& lang) const {
    return std::find(impl_->voice_langs.begin(), impl_->voice_langs.end(), lang) != impl_->voice_langs.end();
}

void Speech::say(std::vector<SpeechRequest> parts) {
    if (!impl_->device) return;  // nothing would ever play it (tests read what is said, not the sound)
    Impl::Job j;
    j.parts = std::move(parts);
    {
        std::lock_guard lock(impl_->qm);
        j.generation = ++impl_->generation;
        impl_->queue.clear();
        impl_->first_pending = true;
        impl_->first_ns = 0;
    }
    impl_->submit(std::move(j));
    if (impl_->device && impl_->paused) {
        impl_->paused = false;
        SDL_PauseAudioDevice(impl_->device, 0);
    }
}

void Speech::pause_when_idle() {
    if (!impl_->device || impl_->paused || speaking()) return;
    impl_->paused = true;
    SDL_PauseAudioDevice(impl_->device, 1);
}

void Speech::stop() {
    std::lock_guard lock(impl_->qm);
    ++impl_->generation;
    impl_->queue.clear();
    impl_->first_pending = false;
}

bool Speech::speaking() const {
    if (impl_->synthesising) return true;
    {
        std::lock_guard lock(impl_->m);
        if (!impl_->jobs.empty()) return true;
    }
    std::lock_guard lock(impl_->qm);
    return !impl_->queue.empty();
}

std::vector<std::int16_t> Speech::synthesize(const SpeechRequest& request) {
    std::vector<std::int16_t> samples;
    std::promise<void> done;
    auto finished = done.get_future();
    Impl::Job j;
    j.parts = {request};
    j.capture = &samples;
    j.done = &done;
    impl_->submit(std::move(j));
    finished.wait();
    return samples;
}

int Speech::sample_rate() const {
    return impl_->rate;
}

std::int64_t Speech::first_sample_ns() const {
    return impl_->first_ns.load();
}

}  // namespace ledsager::platform
