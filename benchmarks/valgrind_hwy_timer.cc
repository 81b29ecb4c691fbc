// Preloaded (LD_PRELOAD) into programs that run under valgrind 3.19, which
// stops at the RDTSCP instruction ("unrecognised instruction", SIGILL).
// libhwy calls hwy::platform::TimerResolution() from its start-up code to
// calibrate its timers, and that function executes RDTSCP; the call goes
// through the PLT, so this definition replaces it. Nothing in the suite uses
// libhwy's timers: it is loaded only as a dependency of a dependency
// (LibTorch -> OpenCV -> libavcodec -> libjxl -> libhwy).
#include <cstdint>

namespace hwy {
namespace platform {

uint64_t TimerResolution() { return 1; }

}  // namespace platform
}  // namespace hwy
