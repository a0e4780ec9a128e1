#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "caseboard/platform/platform.h"

namespace caseboard::platform {

Result<std::string> ReadSecretLine(const std::string& prompt) {
  if (!::isatty(STDIN_FILENO))
    return Status::InvalidArgument(
        "no terminal to ask for the passphrase; use --passphrase-file FILE or set CASEBOARD_PASSPHRASE");
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  termios old_attrs{};
  ::tcgetattr(STDIN_FILENO, &old_attrs);
  termios quiet = old_attrs;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_attrs);
  std::fputs("\n", stderr);
  if (!got) return Status::InvalidArgument("no passphrase was entered");
  return line;
}

}  // namespace caseboard::platform
