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
