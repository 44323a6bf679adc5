#!/usr/bin/env bash
# Installs everything ocr-to-anki needs on Debian 12 (bookworm): Tesseract and Leptonica with their
# headers, libheif (HEIC and AVIF photos), language data, the C toolchain and libclang that the Tesseract bindings build with, and
# Python with venv (the tests import every deck they write with Anki's own Python backend), GTK 4
# and libadwaita (and libsecret, for API keys in the keyring) for the desktop app, and Xvfb, D-Bus,
# GNOME Keyring and ImageMagick, which its tests run it under, drive it through, keep a test key in
# and take screenshots with; and the X and Qt libraries a real Anki desktop runs with under Xvfb.
# Rust itself comes from rustup (Debian 12's rustc is too old); it is installed only when missing.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential pkg-config clang libclang-dev cmake
  libtesseract-dev libleptonica-dev tesseract-ocr
  tesseract-ocr-osd tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu
  tesseract-ocr-ita tesseract-ocr-spa tesseract-ocr-por
  python3 python3-venv
  libgtk-4-dev libadwaita-1-dev libsecret-1-dev fonts-dejavu-core adwaita-icon-theme librsvg2-common
  xvfb xauth dbus imagemagick gnome-keyring libsecret-tools
  # libheif: HEIC and AVIF photos are decoded with it; its heif-enc makes the tests' HEIC files.
  libheif-dev libheif-examples
  # qpdf: the tests password-protect a PDF they wrote, to see it refused by name.
  qpdf
  # xdotool: the AnkiConnect test presses Study Now in the real Anki to see the masks drawn.
  xdotool
  # What the Anki desktop (Qt 6 and Qt WebEngine from PyPI) needs under Xvfb, for the
  # AnkiConnect tests (scripts/anki-desktop.sh).
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libnss3 libegl1 libgl1
  libasound2 libpulse0 libxkbfile1 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libgbm1
  ca-certificates curl
)

# With --packaging, also what scripts/check-packaging.sh checks the Nix and Docker files with:
# Debian's nix-bin (to parse .nix files), podman, buildah, runc and debootstrap (to build and run
# the images without a Docker engine or a registry, and to make the Debian 13 chroot whose Nix 2.26
# evaluates the flake).
if [ "${1:-}" = "--packaging" ]; then
  PACKAGES+=(nix-bin podman buildah runc debootstrap)
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "install-deps: no Rust toolchain found; installing one with rustup" >&2
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal \
      --component rustfmt,clippy
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi
echo "install-deps: ready ($(cargo --version), $(tesseract --version 2>&1 | head -n1))"
