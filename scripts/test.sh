#!/usr/bin/env bash
# Runs every check and test: formatting, clippy, then the whole workspace's tests (unit tests,
# real-Tesseract tests on the shipped samples, and tests that drive the built binary).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
