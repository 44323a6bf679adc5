#!/usr/bin/env bash
# The heavy parts stay behind their features: each crate builds, lints clean and passes its
# unit tests with its features off, and what it then compiles holds none of the heavy crates. Called by test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every feature set a user may pick builds without a warning.
cargo clippy --locked -p anki-export --no-default-features --all-targets -- -D warnings
cargo clippy --locked -p anki-export --no-default-features --features media --lib -- -D warnings
cargo clippy --locked -p anki-export --no-default-features --features apkg --lib -- -D warnings
cargo clippy --locked -p llm-client --no-default-features --all-targets -- -D warnings
cargo clippy --locked -p llm-client --no-default-features --features ollama --lib -- -D warnings
cargo clippy --locked -p llm-client --no-default-features --features openai --lib -- -D warnings

# And their own tests and doctests pass with the features off.
for crate in anki-export llm-client; do
  cargo test --locked -p "$crate" --no-default-features --lib
  cargo test --locked -p "$crate" --no-default-features --doc
done

# `absent SPEC CRATE...`: none of the crates is in what SPEC compiles (normal dependencies).
absent() {
  local spec=$1
  shift
  local tree
  tree=$(cargo tree --locked $spec -e normal --prefix none)
  for crate in "$@"; do
    if grep -q "^$crate v" <<<"$tree"; then
      echo "check-features: $spec compiles $crate, which its features should keep out" >&2
      exit 1
    fi
  done
  echo "check-features: $spec: $(sed "s/ (\*)//" <<<"$tree" | sort -u | wc -l) crates, none of $*"
}
absent "-p ocr-core" libsqlite3-sys reqwest gtk4 genanki-rs tokio
absent "-p anki-export --no-default-features" libsqlite3-sys reqwest genanki-rs fancy-regex image tokio
absent "-p llm-client --no-default-features" libsqlite3-sys reqwest hyper genanki-rs gtk4
absent "-p llm-client" libsqlite3-sys genanki-rs gtk4
