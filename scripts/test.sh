#!/usr/bin/env bash
# Runs every check and test: formatting, clippy, then the whole workspace's tests (unit tests,
# real-Tesseract tests on the shipped samples, decks imported by the official Anki backend, and
# tests that drive the built binary).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Every deck the tests write is imported with Anki's own Python backend, kept in a venv.
ANKI_PYTHON="${ANKI_PYTHON:-$(bash scripts/anki-venv.sh)}"
export ANKI_PYTHON

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
