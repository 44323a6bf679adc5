# Everything the flake builds for one system: both frontends, their images, the image loader, the
# dev shell and the checks. `languages` picks the Tesseract language data the binaries and images
# carry (osd, for finding a page's orientation, is always added).
{ pkgs
, languages ? [ "eng" "fra" "deu" "spa" "ita" "por" ]
}:
let
  inherit (pkgs) lib;

  tesseract = pkgs.tesseract.override { enableLanguages = lib.unique ([ "osd" ] ++ languages); };
  tessdata = "${tesseract}/share/tessdata";

  # Only what cargo needs, so that editing the README or the Nix files rebuilds nothing.
  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../Cargo.toml
      ../Cargo.lock
      ../rustfmt.toml
      ../clippy.toml
      ../page-image
      ../ocr-core
      ../anki-export
      ../llm-client
      ../cli
      ../gui
      ../test-support
      ../vendor
      ../samples
    ];
  };

  version = (lib.importTOML ../Cargo.toml).workspace.package.version;

  nativeBuildInputs = [
    pkgs.pkg-config
    pkgs.rustPlatform.bindgenHook
    pkgs.makeWrapper
  ];
  buildInputs = [ tesseract pkgs.leptonica pkgs.libheif ];
  guiNativeBuildInputs = [ pkgs.wrapGAppsHook4 pkgs.glib ];
  guiBuildInputs = [ pkgs.gtk4 pkgs.libadwaita pkgs.libsecret ];
  guiDataDirs = lib.makeSearchPath "share" [
    pkgs.adwaita-icon-theme
    pkgs.hicolor-icon-theme
    pkgs.shared-mime-info
  ];

  frontend = { pname, gui }:
    pkgs.rustPlatform.buildRustPackage {
      inherit pname version src;
      cargoLock.lockFile = ../Cargo.lock;
      cargoBuildFlags = [ "--package" pname ];
      nativeBuildInputs = nativeBuildInputs ++ lib.optionals gui guiNativeBuildInputs;
      buildInputs = buildInputs ++ lib.optionals gui guiBuildInputs;
      # The tests need Xvfb, a keyring, Anki's Python backend and model servers: see `checks`.
      doCheck = false;
      # libtesseract looks for language data where it was built; point it at the chosen languages
      # (in the GUI's case through the wrapper wrapGAppsHook4 writes anyway).
      postFixup = lib.optionalString (!gui) ''
        wrapProgram $out/bin/${pname} --set-default TESSDATA_PREFIX ${tessdata}
      '';
      # The wrapper sets XDG_DATA_DIRS to store paths only, so the icon themes and the MIME
      # database are named there too (an image's /share is not searched).
      preFixup = lib.optionalString gui ''
        gappsWrapperArgs+=(--set-default TESSDATA_PREFIX ${tessdata})
        gappsWrapperArgs+=(--prefix XDG_DATA_DIRS : ${guiDataDirs})
      '';
      meta = {
        description = "Photos and scans of study material to Anki flashcards";
        homepage = "https://github.com/ocr-to-anki/ocr-to-anki";
        license = [ lib.licenses.mit lib.licenses.asl20 ];
        mainProgram = pname;
        platforms = lib.platforms.linux;
      };
    };

  cli = frontend { pname = "ocr-to-anki"; gui = false; };
  gui = frontend { pname = "ocr-to-anki-gui"; gui = true; };

  images = import ./images.nix { inherit pkgs cli gui tessdata; };
in
{
  inherit cli gui images;

  loadDockerImage =
    let
      tagOf = image: "${image.imageName}:${image.imageTag}";
    in
    pkgs.writeShellApplication {
      name = "load-docker-image";
      runtimeInputs = [ pkgs.docker-client ];
      text = ''
        ${images.streamCli} | docker image load
        ${images.streamGui} | docker image load
        cat <<'USAGE'
        Loaded ${tagOf images.streamCli} and ${tagOf images.streamGui}. Run them, as you, with:
          mkdir -p images output config
          docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/images:/images:ro" -v "$PWD/output:/data" \
            ${tagOf images.streamCli}
          xhost +si:localuser:"$(id -un)"
          docker run --rm --user "$(id -u):$(id -g)" -e DISPLAY -v /tmp/.X11-unix:/tmp/.X11-unix \
            -v "$PWD/images:/images:ro" -v "$PWD/output:/data" ${tagOf images.streamGui}
        USAGE
      '';
    };

  devShell = pkgs.mkShell {
    inputsFrom = [ gui ];
    packages = [
      pkgs.cargo
      pkgs.rustc
      pkgs.clippy
      pkgs.rustfmt
      pkgs.cargo-nextest
      pkgs.xvfb-run
      pkgs.imagemagick
      pkgs.gnome-keyring
      pkgs.libsecret
      pkgs.dbus
      pkgs.python3
      pkgs.nixpkgs-fmt
      pkgs.deadnix
      pkgs.hadolint
    ];
    TESSDATA_PREFIX = tessdata;
  };

  checks = {
    clippy = cli.overrideAttrs (old: {
      pname = "ocr-to-anki-clippy";
      nativeBuildInputs = old.nativeBuildInputs ++ guiNativeBuildInputs ++ [ pkgs.clippy ];
      buildInputs = old.buildInputs ++ guiBuildInputs;
      buildPhase = ''
        runHook preBuild
        cargo clippy --workspace --all-targets --offline -- -D warnings
        runHook postBuild
      '';
      installPhase = "touch $out";
      postFixup = "";
    });
    # The tests that need no network and no model server: unit tests and real-Tesseract tests.
    # `cargo test` is the only build: the release build of the binaries is skipped.
    tests = cli.overrideAttrs (old: {
      pname = "ocr-to-anki-tests";
      doCheck = true;
      nativeBuildInputs = old.nativeBuildInputs ++ guiNativeBuildInputs;
      buildInputs = old.buildInputs ++ guiBuildInputs;
      buildPhase = ''
        runHook preBuild
        runHook postBuild
      '';
      checkPhase = ''
        runHook preCheck
        export TESSDATA_PREFIX=${tessdata}
        cargo test --offline --package page-image --package ocr-core --package anki-export --package llm-client --lib
        runHook postCheck
      '';
      installPhase = "touch $out";
      postFixup = "";
    });
  };
}
