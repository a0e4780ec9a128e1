#include <cstdlib>
#include <filesystem>

#include "caseboard/platform/platform.h"

namespace caseboard::platform {

Result<std::string> DefaultVaultDir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  std::filesystem::path base;
  if (xdg != nullptr && xdg[0] == '/') {  // the XDG spec ignores relative paths
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    if (home == nullptr || home[0] == '\0')
      return Status::NotFound("neither XDG_DATA_HOME nor HOME is set; give the vault with --vault DIR");
    base = std::filesystem::path(home) / ".local" / "share";
  }
  return (base / "caseboard" / "vault").string();
}

}  // namespace caseboard::platform
