# Helpers the GUI tests share, sourced inside their xvfb-run session (and,
# for start_board, before it).
# The sourcing script sets OUT (its artefact folder) and defines fail().
# TYPE_DELAY_MS sets how fast xdotool types (default 15 ms a key).

wait_title() {  # waits up to 15 s for the window title $1
  for _ in $(seq 150); do
    xdotool search --name "^$1\$" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  import -window root "$OUT/failed.png" || true
  fail "the window never showed the title '$1'"
}
click() { xdotool mousemove "$1" "$2"; sleep 0.3; xdotool click 1; sleep 0.4; }
type_text() { xdotool type --delay "${TYPE_DELAY_MS:-15}" "$1"; sleep 0.2; }
shot() { sleep 0.5; import -window root "$OUT/$1.png"; }

# The screen's pixels, as a checksum.
screen_sum() { import -window root rgb:- 2>/dev/null | md5sum | cut -d' ' -f1; }
# Clicks where the next screen depends on the app having acted (opening a
# review, switching tabs): waits up to 15 s for the screen to change, so a
# slow machine (a sanitizer build, a busy CI) does not send the next click
# to the old screen.
click_wait() {
  local before
  settle
  before=$(screen_sum)
  click "$1" "$2"
  for _ in $(seq 75); do
    [ "$(screen_sum)" != "$before" ] && { sleep 0.3; return 0; }
    sleep 0.2
  done
  import -window root "$OUT/failed.png" || true
  fail "nothing changed on screen after clicking at $1,$2"
}
# Waits (up to 5 s) until the screen holds still: what was asked before has been drawn.
settle() {
  local a b
  a=$(screen_sum)
  for _ in $(seq 16); do
    sleep 0.3
    b=$(screen_sum)
    [ "$a" = "$b" ] && return 0
    a=$b
  done
}

# A board for the sync tests (run outside the display): `caseboard-server
# init` on a free loopback port with its admin invite in $OUT/invite1.txt
# and a second invite in $OUT/invite2.txt, then `run` in the background
# until it listens. Sets BOARD, PORT and SERVER_PID (also in $OUT/server.pid);
# a trap on EXIT stops the server (and wakes it first, if a test paused it).
start_board() {  # start_board SERVER
  local server=$1
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  BOARD=$OUT/board
  "$server" init --data "$BOARD" --url "https://127.0.0.1:$PORT" >"$OUT/invite1.txt" 2>"$OUT/server-init.log" ||
    fail "caseboard-server init: $(cat "$OUT/server-init.log")"
  "$server" invite --data "$BOARD" --name "second device" >"$OUT/invite2.txt"
  grep -q '^cbinvite1:' "$OUT/invite1.txt" || fail "init printed no invite"
  [ "$(wc -l <"$OUT/invite1.txt")" = 1 ] || fail "the invite is not one line"
  "$server" run --data "$BOARD" --listen "127.0.0.1:$PORT" >"$OUT/server.out" 2>"$OUT/server.log" &
  SERVER_PID=$!
  echo $SERVER_PID >"$OUT/server.pid"
  trap 'kill -CONT $SERVER_PID 2>/dev/null; kill $SERVER_PID 2>/dev/null || true' EXIT
  for _ in $(seq 100); do
    grep -q "listening on" "$OUT/server.out" && break
    kill -0 $SERVER_PID 2>/dev/null || fail "caseboard-server exited: $(cat "$OUT/server.log")"
    sleep 0.1
  done
  grep -q "listening on" "$OUT/server.out" || fail "caseboard-server did not start listening"
}
