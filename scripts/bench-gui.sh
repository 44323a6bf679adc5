#!/usr/bin/env bash
# Measures what the desktop app spends reading pages against the CLI reading the same pages:
# wall time to the first page's text and to all of them, and CPU seconds, each from an empty
# cache. Prints one line per measure.
#
#   scripts/bench-gui.sh [--lang fra] PHOTO...
#
# It uses the release binaries (cargo build --release -p ocr-to-anki -p ocr-to-anki-gui, or
# CARGO_TARGET_DIR's), the display in DISPLAY (else a private Xvfb) and a private D-Bus.
# The app's "text is there" is its session file having the page read (saved 0.25 s after).
set -euo pipefail
cd "$(dirname "$0")/.."

lang=eng
if [ "${1:-}" = "--lang" ]; then lang=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: $0 [--lang L] PHOTO..." >&2; exit 2; }
photos=()
for p in "$@"; do photos+=("$(realpath "$p")"); done
target=${CARGO_TARGET_DIR:-target}/release
for bin in ocr-to-anki ocr-to-anki-gui; do
  [ -x "$target/$bin" ] || { echo "$target/$bin is missing: cargo build --release -p $bin" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
  Xvfb :93 -screen 0 1600x1000x24 >/dev/null 2>&1 &
  pids+=($!)
  export DISPLAY=:93
  sleep 1
fi
read -r bus_address bus_pid < <(dbus-daemon --session --fork --print-address=1 --print-pid=1 | paste -sd' ')
pids+=("$bus_pid")

ticks=$(getconf CLK_TCK)
now() { date +%s.%N; }
cpu_of() { awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }

calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }

# The CLI: one page, then all of them, each from an empty cache (bash's own `time`).
cli() {
  local cache=$1; shift
  local TIMEFORMAT='%R %U %S'
  { time OCR_TO_ANKI_CACHE_DIR="$cache" "$target/ocr-to-anki" ocr --lang "$lang" "$@" \
      >/dev/null 2>/dev/null; } 2>&1
}
read -r cli_one_wall _ _ < <(cli "$work/cli-cache-1" "${photos[0]}")
read -r cli_wall cli_user cli_sys < <(cli "$work/cli-cache-all" "${photos[@]}")
cli_cpu=$(calc "$cli_user + $cli_sys")

# The app: started on the photos, with the built-in reader and no page cached (the rest of the
# user's cache, such as fontconfig's, is left as it is, as on any start).
cat > "$work/gui.toml" <<EOF
backend = "builtin"
language = "$lang"
EOF
session="$work/data/ocr-to-anki/session.json"
start=$(now)
env DBUS_SESSION_BUS_ADDRESS="$bus_address" OCR_TO_ANKI_GUI_SETTINGS="$work/gui.toml" \
  OCR_TO_ANKI_CACHE_DIR="$work/gui-cache" OCR_TO_ANKI_LLM_CACHE_DIR="$work/gui-answers" \
  XDG_DATA_HOME="$work/data" GSK_RENDERER=cairo GTK_A11Y=none \
  "$target/ocr-to-anki-gui" "${photos[@]}" >/dev/null 2>&1 &
gui=$!
pids+=("$gui")
read_pages() {
  [ -f "$session" ] || { echo 0; return; }
  python3 -c 'import json,sys
try: s = json.load(open(sys.argv[1]))
except Exception: print(0); sys.exit()
print(sum(1 for p in s.get("pages", []) if "page" in p))' "$session"
}
first=""
deadline=$(( $(date +%s) + 600 ))
while :; do
  n=$(read_pages)
  if [ -z "$first" ] && [ "$n" -ge 1 ]; then first=$(calc "$(now) - $start"); fi
  if [ "$n" -ge "${#photos[@]}" ]; then break; fi
  [ "$(date +%s)" -lt "$deadline" ] || { echo "the app did not read the pages in 10 minutes" >&2; exit 1; }
  sleep 0.05
done
all=$(calc "$(now) - $start")
# Let the page shown finish its views, then take the app's CPU time.
sleep 2
gui_cpu=$(cpu_of "$gui")

printf 'pages                     %d\n' "${#photos[@]}"
printf 'cli first page (s)        %.2f\n' "$cli_one_wall"
printf 'cli all pages (s)         %.2f\n' "$cli_wall"
printf 'cli cpu (s)               %.2f\n' "$cli_cpu"
printf 'app first text (s)        %.2f   (%.2fx the cli first page)\n' "$first" "$(calc "$first / $cli_one_wall")"
printf 'app all pages (s)         %.2f\n' "$all"
printf 'app cpu (s)               %.2f   (%.2fx the cli)\n' "$gui_cpu" "$(calc "$gui_cpu / $cli_cpu")"
