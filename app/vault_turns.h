// VaultTurns: one vault shared, a turn at a time, by the window (the UI
// thread) and a sync running on the worker thread.
//
// The window has the vault except when it lends it, and it lends it only at
// points where nothing on screen holds a position into the open review: at
// the start of a frame, or, while the person is typing in a long text, in
// the editor's callback once that frame's keystrokes are in the replica
// (text_panel.cpp). So a sync's changes land between two of the window's
// steps, never inside one, and the editor can carry its cursor over them.
//
// The worker takes the vault (Acquire) whenever it is about to use it and
// hands it back (Release) while it waits on the board (sync::VaultGate).
// Acquire wakes the window, which lends at its next safe point; the window
// waits, drawing nothing, until the worker hands the vault back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "caseboard/sync/board_client.h"

namespace caseboard::app {

class VaultTurns : public sync::VaultGate {
 public:
  // `wake` is called from the worker when it wants a turn (the app posts an
  // empty GLFW event, so a window waiting for input draws a frame).
  void SetWake(std::function<void()> wake) { wake_ = std::move(wake); }

  // The worker's side.
  void Acquire() override;
  void Release() override;

  // The window's side: if the worker waits for the vault (or starts to
  // within `patience`), it has it until it hands it back; then this returns.
  // Returns whether a turn was lent.
  bool Lend(std::chrono::milliseconds patience = std::chrono::milliseconds(0));
  // The worker is waiting for a turn.
  bool wanted() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;  // the worker waits in Acquire
  bool lent_ = false;    // the worker has the vault
  std::function<void()> wake_;
};

}  // namespace caseboard::app
