// Decrypted copies for other programs (a PDF viewer, a media player).
//
// Another program can only open a file by its path, so "Open in another
// program" has to put a decrypted copy somewhere. It goes into a private
// directory (mode 0700, the file 0600) on a memory-backed file system: under
// $XDG_RUNTIME_DIR when that is tmpfs, else /dev/shm. Never /tmp or anywhere
// on disk: if neither is available the copy is refused. Copies are wiped
// (overwritten with zeros, synced, unlinked, the directory removed) when the
// person says they are done, when the review closes, on lock and at exit;
// copies left by an app that crashed are wiped the next time it starts.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "caseboard/status.h"
#include "caseboard/store/vault.h"

namespace caseboard::app {

// One decrypted copy, while it exists.
struct PrivateCopy {
  std::string entity;  // the attachment it is a copy of
  std::string label;   // what the app calls it on screen
  std::string dir;     // the private directory holding it
  std::string path;    // the file itself
};

// Makes a private directory and writes a copy named `file_name` (a bare
// name, no directories) with `fill`, which streams the bytes to the
// WriteFn it is given. On any failure nothing is left behind.
Result<PrivateCopy> MakePrivateCopy(const std::string& entity, const std::string& label,
                                    const std::string& file_name,
                                    const std::function<Status(const store::WriteFn&)>& fill);

// Asks the desktop's default program to open `path` (xdg-open, started
// without a shell and detached from the app). The error says why in plain
// words if it cannot be started.
Status OpenInDefaultProgram(const std::string& path);

// The copies that exist now, oldest first.
const std::vector<PrivateCopy>& PrivateCopies();

// Wipes one copy (by its path) and forgets it.
Status WipePrivateCopy(const std::string& path);
// Wipes every copy this app made.
void WipeAllPrivateCopies();
// Wipes directories left by an app that ended without wiping (a crash, a
// kill): those whose name carries the id of a process no longer running.
void WipeStalePrivateCopies();

}  // namespace caseboard::app
