#!/usr/bin/env bash
# Runs a real Anki desktop (aqt from PyPI) with the real AnkiConnect add-on, for the tests that
# push cards through AnkiConnect. Anki lives in a venv in the cache folder
# ${OCR_TO_ANKI_DEV_CACHE:-$XDG_CACHE_HOME/ocr-to-anki-dev}, installed on first use and reused.
# Usage:
#   scripts/anki-desktop.sh python               # prints the venv's Python (installs it if needed)
#   scripts/anki-desktop.sh start STATE_DIR [API_KEY]
#       starts Anki on the X display in $DISPLAY with a fresh base folder in STATE_DIR and the
#       add-on (from ../shared/anki-connect/plugin, or $ANKICONNECT_PLUGIN_DIR) on a free port;
#       waits for `version` to answer and prints the URL (http://127.0.0.1:PORT)
#   scripts/anki-desktop.sh stop STATE_DIR
# Anki's log goes to STATE_DIR/anki.log.
set -euo pipefail
cd "$(dirname "$0")/.."

AQT_VERSION="26.9.3"
CACHE="${OCR_TO_ANKI_DEV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ocr-to-anki-dev}"
VENV="$CACHE/anki-desktop-venv-$AQT_VERSION"
PLUGIN="${ANKICONNECT_PLUGIN_DIR:-../shared/anki-connect/plugin}"
ADDON_ID=2055492159

cmd="${1:-}"
state="${2:-}"

python_path() {
  if ! "$VENV/bin/python" -c "import aqt, anki.collection, PyQt6.QtWebEngineWidgets" >/dev/null 2>&1; then
    echo "anki-desktop: installing aqt $AQT_VERSION (with PyQt6 and Qt WebEngine) into $VENV" >&2
    mkdir -p "$CACHE"
    rm -rf "$VENV"
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
      "aqt[qt6]==$AQT_VERSION" "anki==$AQT_VERSION" >&2
    "$VENV/bin/python" -c "import aqt, anki.collection, PyQt6.QtWebEngineWidgets" >&2
  fi
  echo "$VENV/bin/python"
}

stop() {
  if [ -f "$state/anki.pid" ]; then
    pid="$(cat "$state/anki.pid")"
    kill "$pid" 2>/dev/null || true
    # Anki saves and closes its collection on SIGTERM; give it a moment, then insist.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$state/anki.pid"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
  python) python_path; exit 0 ;;
  stop) [ -n "$state" ] || { echo "usage: $0 stop STATE_DIR" >&2; exit 2; }; stop; exit 0 ;;
  start) [ -n "$state" ] || { echo "usage: $0 start STATE_DIR [API_KEY]" >&2; exit 2; } ;;
  *) echo "usage: $0 python | start STATE_DIR [API_KEY] | stop STATE_DIR" >&2; exit 2 ;;
esac

api_key="${3:-}"
[ -n "${DISPLAY:-}" ] || { echo "anki-desktop: no DISPLAY (start Xvfb first)" >&2; exit 1; }
[ -f "$PLUGIN/__init__.py" ] || { echo "anki-desktop: no AnkiConnect add-on in $PLUGIN" >&2; exit 1; }
python="$(python_path)"
stop
base="$state/base"
rm -rf "$base"
mkdir -p "$base/addons21/$ADDON_ID"
cp -a "$PLUGIN/." "$base/addons21/$ADDON_ID/"
port="$(free_port)"

# A profile made the way Anki makes one, marked as past the first-run setup, so no dialog waits.
"$python" - "$base" "$ADDON_ID" "$port" "$api_key" >"$state/setup.log" 2>&1 <<'PY'
import json, os, sys
from aqt.profiles import ProfileManager
base, addon, port, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
pm = ProfileManager(ProfileManager.get_created_base_folder(base))
pm.setupMeta()
pm.create("test")
pm.load("test")
pm.meta["firstTime"] = False
pm.meta["defaultLang"] = "en_US"
pm.setLang("en_US")
pm.set_update_check(False)
pm.save()
cfg_path = os.path.join(base, "addons21", addon, "config.json")
with open(cfg_path) as f:
    cfg = json.load(f)
cfg["webBindAddress"] = "127.0.0.1"
cfg["webBindPort"] = port
cfg["apiKey"] = key or None
# Anki keeps add-on config in meta.json once the user changed it; write both.
with open(os.path.join(base, "addons21", addon, "meta.json"), "w") as f:
    json.dump({"config": cfg, "disabled": False}, f)
with open(cfg_path, "w") as f:
    json.dump(cfg, f)
PY

export QT_QPA_PLATFORM=xcb
export QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu"
export QTWEBENGINE_DISABLE_SANDBOX=1
export ANKI_NOHIGHDPI=1
# Never the user's session bus (nor the tests' private one): Anki needs none.
export DBUS_SESSION_BUS_ADDRESS="disabled:"
# Anki lets one instance run per user unless told otherwise: this one never meets the user's
# Anki, nor the other test instance.
export ANKI_SINGLE_INSTANCE_KEY="ocr-to-anki-test-$port"
# Anki's "disable-gpu" path: software rendering, no GL driver needed.
export ANKIDEV_SOFTWARE=1 QT_OPENGL=software LIBGL_ALWAYS_SOFTWARE=1
started="$(date +%s%N)"
"$(dirname "$python")/anki" -b "$base" -p test >"$state/anki.log" 2>&1 &
echo $! >"$state/anki.pid"
pid="$(cat "$state/anki.pid")"
url="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
  if curl -sf -o /dev/null -X POST -d '{"action":"version","version":6}' "$url"; then
    echo "anki-desktop: Anki answered after $(( ($(date +%s%N) - started) / 1000000 )) ms on $url" >&2
    echo "$url"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "anki-desktop: Anki exited; its log:" >&2
    tail -n 40 "$state/anki.log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "anki-desktop: Anki did not answer at $url within 120 s; its log:" >&2
tail -n 40 "$state/anki.log" >&2
stop
exit 1
