#!/usr/bin/env bash
# Runs every check and test: formatting, clippy, then the whole workspace's tests (unit tests,
# real-Tesseract tests on the shipped samples, decks imported by the official Anki backend, card
# generation against real model servers, tests that drive the built binaries, and the desktop app's
# widget and end-to-end tests under Xvfb, whose screenshots land in target/tmp/gui-screenshots/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Every deck the tests write is imported with Anki's own Python backend, kept in a venv.
ANKI_PYTHON="${ANKI_PYTHON:-$(bash scripts/anki-venv.sh)}"
export ANKI_PYTHON

# Real model servers on 127.0.0.1 (llama.cpp's llama-server with a small model, and an Ollama-
# protocol proxy in front of it), stopped again however the tests end.
SERVERS="$(mktemp -d)"
XVFB_PID="" BUS_PID="" KEYRING_PID=""
cleanup() {
  bash scripts/model-servers.sh stop "$SERVERS"
  bash scripts/anki-desktop.sh stop "$SERVERS/anki"
  bash scripts/anki-desktop.sh stop "$SERVERS/anki-key"
  for pid in $KEYRING_PID $BUS_PID $XVFB_PID; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$SERVERS"
}
trap cleanup EXIT
servers_env="$(bash scripts/model-servers.sh start "$SERVERS")"
eval "$servers_env"

# The desktop app's tests open real windows: on a private Xvfb display (never the user's desktop),
# drawn by GTK's software renderer so screenshots do not depend on a GPU.
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$SERVERS/display" 2>"$SERVERS/xvfb.log" &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$SERVERS/display" ] && break; sleep 0.1; done
[ -s "$SERVERS/display" ] || { echo "test: Xvfb did not start:" >&2; cat "$SERVERS/xvfb.log" >&2; exit 1; }
export DISPLAY=":$(head -n1 "$SERVERS/display")"
export GDK_BACKEND=x11 GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1

# A real Anki desktop with the real AnkiConnect add-on (from ../shared/anki-connect), on the same
# private display, twice: one asks for no API key, the other for ANKICONNECT_TEST_KEY.
ANKICONNECT_TEST_URL="$(bash scripts/anki-desktop.sh start "$SERVERS/anki")"
ANKICONNECT_TEST_KEY="test-key-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
ANKICONNECT_TEST_KEY_URL="$(bash scripts/anki-desktop.sh start "$SERVERS/anki-key" "$ANKICONNECT_TEST_KEY")"
# Its process, so that a test can find its window among the two (to press a key in it).
ANKICONNECT_TEST_PID="$(cat "$SERVERS/anki/anki.pid")"
export ANKICONNECT_TEST_URL ANKICONNECT_TEST_KEY ANKICONNECT_TEST_KEY_URL ANKICONNECT_TEST_PID
# Tests that need a server above fail instead of skipping when it is missing.
export OCR_TO_ANKI_REQUIRE_ALL=1

# A private D-Bus session with an unlocked GNOME Keyring of its own, so the app's keyring tests
# never touch the user's keyring.
read -r DBUS_SESSION_BUS_ADDRESS BUS_PID < <(
  dbus-daemon --session --fork --print-address=1 --print-pid=1 | paste -sd' ')
export DBUS_SESSION_BUS_ADDRESS
mkdir -p "$SERVERS/keyring/run"
# No DISPLAY for it: a password prompt, should one come, fails instead of waiting for a click.
printf test | env -u DISPLAY XDG_DATA_HOME="$SERVERS/keyring" XDG_RUNTIME_DIR="$SERVERS/keyring/run" \
  gnome-keyring-daemon --unlock --components=secrets --foreground >/dev/null 2>&1 &
KEYRING_PID=$!
# Until it owns the Secret Service name, a client would have D-Bus start a second, locked daemon.
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
    | grep -q 'boolean true' && break
  sleep 0.1
done
export OCR_TO_ANKI_TEST_KEYRING=1

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
bash scripts/check-features.sh
cargo test --workspace --locked --no-fail-fast
