// Paths on Linux follow the XDG Base Directory spec.
#include <cstdlib>
#include <filesystem>

#include "caseboard/platform/platform.h"

namespace caseboard::platform {
namespace {

// $<xdg_var>/caseboard, else $HOME/<fallback>/caseboard. The spec says a
// relative value is invalid and must be ignored: it would resolve against
// whatever folder the program happens to start in.
Result<std::string> XdgDir(const char* xdg_var, const char* fallback) {
  const char* xdg = std::getenv(xdg_var);
  std::filesystem::path base;
  if (xdg != nullptr && xdg[0] == '/') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    if (home == nullptr || home[0] != '/')
      return Status::NotFound(std::string("neither ") + xdg_var +
                              " nor HOME is set to an absolute path, so there is no folder for Caseboard's "
                              "files; set one (or give the vault with --vault DIR)");
    base = std::filesystem::path(home) / fallback;
  }
  return (base / "caseboard").string();
}

}  // namespace

Result<std::string> DataDir() { return XdgDir("XDG_DATA_HOME", ".local/share"); }

Result<std::string> ConfigDir() { return XdgDir("XDG_CONFIG_HOME", ".config"); }

Result<std::string> DefaultVaultDir() {
  CB_ASSIGN_OR_RETURN(std::string data, DataDir());
  return (std::filesystem::path(data) / "vault").string();
}

}  // namespace caseboard::platform
