// What differs between operating systems, behind one header.
// Linux is implemented here; other systems get their own src/*_<os>.cpp.
#pragma once

#include <string>

#include "caseboard/status.h"

namespace caseboard::platform {

// Where a person's vault lives by default: $XDG_DATA_HOME/caseboard/vault,
// else ~/.local/share/caseboard/vault.
Result<std::string> DefaultVaultDir();

// Reads a line from the terminal with echo off (for passphrases). Fails if
// standard input is not a terminal, so scripts get a clear error instead of a hang.
Result<std::string> ReadSecretLine(const std::string& prompt);

}  // namespace caseboard::platform
