// Printing a queue ticket off the frame loop: a receipt printer that is slow, jammed or gone
// (a USB printer's write may block for seconds) must not freeze the screen a citizen is
// looking at. One ticket at a time; the outcome is picked up by the frame loop.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ledsager::app {

class PrintWorker {
public:
    struct Result {
        bool ok = false;
        std::string error;  // names the device, never the citizen
    };
    PrintWorker();
    ~PrintWorker();  // does not wait for a write that hangs: the write's thread ends on its own
    PrintWorker(const PrintWorker&) = delete;
    PrintWorker& operator=(const PrintWorker&) = delete;

    // Called from the printing thread when a ticket is done (the program wakes its loop).
    void set_wake(std::function<void()> wake);
    // Starts writing `bytes` to `device`; false while the ticket before is still printing.
    bool submit(const std::string& device, std::string bytes);
    // The outcome of the last ticket, once, when it has ended.
    std::optional<Result> take();
    bool busy() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace ledsager::app
