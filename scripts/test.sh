#!/usr/bin/env bash
# Runs every check and test: formatting, clippy, then the whole workspace's tests (unit tests,
# real-Tesseract tests on the shipped samples, decks imported by the official Anki backend, card
# generation against real model servers, and tests that drive the built binary).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Every deck the tests write is imported with Anki's own Python backend, kept in a venv.
ANKI_PYTHON="${ANKI_PYTHON:-$(bash scripts/anki-venv.sh)}"
export ANKI_PYTHON

# Real model servers on 127.0.0.1 (llama.cpp's llama-server with a small model, and an Ollama-
# protocol proxy in front of it), stopped again however the tests end.
SERVERS="$(mktemp -d)"
trap 'bash scripts/model-servers.sh stop "$SERVERS"; rm -rf "$SERVERS"' EXIT
servers_env="$(bash scripts/model-servers.sh start "$SERVERS")"
eval "$servers_env"

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
