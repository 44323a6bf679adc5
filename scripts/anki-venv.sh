#!/usr/bin/env bash
# Prints the path of a Python that has the official Anki backend (`pip install anki`), creating
# its virtualenv on first use. The venv lives outside the clone, in the cache folder
# ${OCR_TO_ANKI_DEV_CACHE:-$XDG_CACHE_HOME/ocr-to-anki-dev}, and is reused when present.
set -euo pipefail

ANKI_VERSION="26.09.3"
CACHE="${OCR_TO_ANKI_DEV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ocr-to-anki-dev}"
VENV="$CACHE/anki-venv-$ANKI_VERSION"

if ! "$VENV/bin/python" -c "import anki.collection" >/dev/null 2>&1; then
  echo "anki-venv: installing anki $ANKI_VERSION into $VENV" >&2
  mkdir -p "$CACHE"
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "anki==$ANKI_VERSION" >&2
  "$VENV/bin/python" -c "import anki.collection" >&2
fi
echo "$VENV/bin/python"
