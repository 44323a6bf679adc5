# A stand-in for nixpkgs (whose 4 GiB cannot be had here) over the real nixpkgs `lib`, for
# scripts/check-packaging.sh: the flake is evaluated with Nix 2.26 against it, every output on both
# systems. It is no part of the flake's own outputs and nothing uses it elsewhere.
#
# Each package function whose argument set is closed in nixpkgs 26.05 takes exactly the arguments it
# takes there (read from nixpkgs' source: pkgs/build-support/docker/default.nix, the trivial
# builders, tesseract's wrapper.nix, rust's import-cargo-lock.nix, make-fonts-conf), so a misspelled
# argument fails here as it would there. `buildRustPackage` and `mkShell` pass unknown arguments on
# to mkDerivation as environment variables in nixpkgs; here buildRustPackage takes only its own
# arguments and the mkDerivation attributes the cargo hooks read, which is stricter on purpose.
#
# Every result is a real derivation (its builder only fails, nothing is built) that also carries
# `standinArgs`, what it was called with, so the check can read the image configs.
{ lib }:
let
  # The names in a string of words separated by spaces and newlines.
  words = text: builtins.filter (w: w != "") (lib.splitString " " (builtins.replaceStrings [ "\n" ] [ " " ] text));

  # The arguments `args` after checking them against the real function's: `what` names it in errors.
  accept = what: { required ? [ ], optional ? [ ] }: args:
    let
      names = builtins.attrNames args;
      unexpected = lib.subtractLists (required ++ optional) names;
      missing = lib.subtractLists names required;
    in
    if unexpected != [ ] then
      throw "${what}: called with unexpected argument '${builtins.head unexpected}'"
    else if missing != [ ] then
      throw "${what}: called without required argument '${builtins.head missing}'"
    else args;

  # Tesseract's language data in nixpkgs (languages.nix, from tessdata): enableLanguages picks from these.
  tessdataLanguages = words ''
    afr amh ara asm aze aze_cyrl bel ben bod bos bre bul cat ceb ces chi_sim chi_sim_vert
    chi_tra chi_tra_vert chr cos cym dan deu div dzo ell eng enm epo est eus fao fas fil fin
    fra frk frm fry gla gle glg grc guj hat heb hin hrv hun hye iku ind isl ita ita_old jav
    jpn jpn_vert kan kat kat_old kaz khm kir kmr kor kor_vert lao lat lav lit ltz mal mar
    mkd mlt mon mri msa mya nep nld nor oci ori osd pan pol por pus que ron rus san sin slk
    slv snd spa spa_old sqi srp srp_latn sun swa swe syr tam tat tel tgk tha tir ton tur uig
    ukr urd uzb uzb_cyrl vie yid yor
  '';

  # Packages used only as inputs: no function of theirs is called.
  plainPackages = words ''
    pkg-config makeWrapper leptonica libheif wrapGAppsHook4 glib gtk4 libadwaita libsecret cacert
    dbus adwaita-icon-theme hicolor-icon-theme shared-mime-info cantarell-fonts dejavu_fonts
    docker-client cargo rustc clippy rustfmt cargo-nextest xvfb-run imagemagick
    gnome-keyring python3 nixpkgs-fmt deadnix hadolint
  '';

  # The mkDerivation attributes buildRustPackage's callers here may set besides its own arguments.
  mkDerivationAttrs = words ''
    pname version doCheck buildPhase checkPhase installPhase preBuild postBuild preCheck
    postCheck preInstall postInstall preFixup postFixup passthru strictDeps cargoBuildFlags
    cargoTestFlags checkFlags dontCargoBuild dontCargoCheck dontCargoInstall env
  '';
  # buildRustPackage's own named arguments in nixpkgs 26.05.
  rustArgs = words ''
    name cargoDepsName src srcs preUnpack unpackPhase postUnpack cargoPatches patches
    sourceRoot cargoRoot logLevel buildInputs nativeBuildInputs cargoUpdateHook
    cargoDepsHook buildType meta cargoDeps cargoLock cargoVendorDir cargoHash checkType
    buildNoDefaultFeatures checkNoDefaultFeatures buildFeatures checkFeatures useNextest
    auditable depsExtraArgs buildAndTestSubdir
  '';

  # importCargoLock: reads and parses the lock as nixpkgs does, and needs a hash for every git
  # dependency unless builtins.fetchGit may be used.
  importCargoLock = args:
    let
      a = accept "importCargoLock"
        {
          optional = words ''
            lockFile lockFileContents allowBuiltinFetchGit outputHashes extraRegistries
          '';
        }
        args;
      text = if a ? lockFile then builtins.readFile a.lockFile else a.lockFileContents;
      packages = (builtins.fromTOML text).package;
      git = builtins.filter (p: lib.hasPrefix "git+" (p.source or "")) packages;
      unhashed = builtins.filter (p: !(a.outputHashes or { } ? "${p.name}-${p.version}")) git;
    in
    assert lib.assertMsg ((a ? lockFile) != (a ? lockFileContents))
      "importCargoLock: exactly one of lockFile and lockFileContents";
    assert lib.assertMsg (a.allowBuiltinFetchGit or false || unhashed == [ ])
      "importCargoLock: no hash for the git dependency ${(builtins.head unhashed).name}";
    builtins.length packages;

  forSystem = system:
    let
      drv = name: attrs: extra:
        derivation
          {
            inherit name system;
            builder = "/bin/sh";
            args = [ "-c" "echo this is a stand-in and builds nothing >&2; exit 1" ];
            standin = builtins.toJSON attrs;
          } // { standinArgs = attrs; meta = attrs.meta or { }; } // extra;
      pkg = name: drv name { } { };

      rustHooks = map pkg (words "cargo-build-hook cargo-check-hook cargo-install-hook cargo-setup-hook rustc");
      # A derivation as mkDerivation makes it, with overrideAttrs (the old-attributes form).
      rustDrv = attrs:
        let
          a = accept "buildRustPackage" { optional = rustArgs ++ mkDerivationAttrs; } attrs;
        in
        drv "${a.pname}-${a.version}" a {
          overrideAttrs = f: rustDrv (a // f a);
        };

      tesseractWith = enableLanguages:
        let
          langs = if enableLanguages == null then tessdataLanguages else enableLanguages;
          unknown = lib.subtractLists tessdataLanguages langs;
        in
        assert lib.assertMsg (unknown == [ ]) "tesseract: no language data '${builtins.head unknown}'";
        assert lib.assertMsg (builtins.elem "eng" langs) "tesseract: eng.traineddata must be present";
        # The name carries the languages, so the check can read them off TESSDATA_PREFIX.
        drv "tesseract-5-stand-in-${lib.concatStringsSep "+" langs}" { inherit enableLanguages; } { };

      streamLayeredImageArgs = {
        required = [ "name" ];
        optional = words ''
          tag fromImage contents config architecture created mtime uid gid uname gname maxLayers
          extraCommands fakeRootCommands enableFakechroot includeStorePaths includeNixDB passthru
          meta layeringPipeline debug
        '';
      };
      image = kind: args: drv "${kind}-${args.name}" args {
        imageName = lib.toLower args.name;
        imageTag = args.tag or "stand-in";
      };
    in
    {
      inherit lib;

      rustPlatform = {
        bindgenHook = pkg "rust-bindgen-hook";
        buildRustPackage = attrs:
          assert lib.assertMsg (attrs ? cargoLock || attrs ? cargoHash || attrs ? cargoDeps || attrs ? cargoVendorDir)
            "buildRustPackage: cargoHash, cargoVendorDir, cargoDeps, or cargoLock must be set";
          assert attrs ? cargoLock -> importCargoLock attrs.cargoLock > 0;
          rustDrv (attrs // {
            nativeBuildInputs = (attrs.nativeBuildInputs or [ ]) ++ rustHooks;
          });
      };

      tesseract = tesseractWith null // {
        override = args:
          let
            a = accept "tesseract.override"
              {
                optional = words ''
                  lib makeWrapper tesseractBase languages runCommand imagemagick enableLanguages tessdata
                  enableLanguagesHash
                '';
              }
              args;
          in
          tesseractWith (a.enableLanguages or null);
      };

      dockerTools = {
        streamLayeredImage = args: image "stream" (accept "streamLayeredImage" streamLayeredImageArgs args);
        # buildLayeredImage takes streamLayeredImage's arguments and a compressor.
        buildLayeredImage = args:
          let
            a = accept "buildLayeredImage"
              {
                inherit (streamLayeredImageArgs) required;
                optional = streamLayeredImageArgs.optional ++ [ "compressor" ];
              }
              args;
          in
          image "tarball" a;
      };

      writeTextDir = path: text: drv "textdir-${baseNameOf path}" { inherit path text; } { };

      makeFontsConf = args: drv "fonts.conf"
        (accept "makeFontsConf"
          {
            required = [ "fontDirectories" ];
            optional = [ "fontconfig" "impureFontDirectories" "includes" ];
          }
          args)
        { };

      writeShellApplication = args: drv args.name
        (accept "writeShellApplication"
          {
            required = [ "name" "text" ];
            optional = words ''
              runtimeInputs runtimeEnv meta passthru checkPhase excludeShellChecks
              extraShellCheckFlags bashOptions derivationArgs inheritPath
            '';
          }
          args)
        { };

      mkShell = args: drv (args.name or "nix-shell") args { };
    }
    // lib.genAttrs plainPackages pkg;
in
{
  inherit lib;
  legacyPackages = lib.genAttrs [ "x86_64-linux" "aarch64-linux" ] forSystem;
}
