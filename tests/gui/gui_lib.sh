# Helpers the GUI tests share, sourced inside their xvfb-run session.
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
