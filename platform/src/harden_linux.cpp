// HardenProcess on Linux: no core dumps, not dumpable.
#include <sys/prctl.h>
#include <sys/resource.h>

#include "caseboard/platform/platform.h"

namespace caseboard::platform {

void HardenProcess() {
  struct rlimit none {};
  (void)setrlimit(RLIMIT_CORE, &none);
#if !defined(__SANITIZE_ADDRESS__)
  (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

}  // namespace caseboard::platform
