# One image per frontend, built with dockerTools, each as a layered image (a tarball for
# `docker image load -i`) and as a stream (a script that writes the tarball to stdout).
{ pkgs, cli, gui, tessdata }:
let
  inherit (pkgs) dockerTools;

  uid = "1000";

  # A non-root user, its home, and the three volumes it may write (input is read-only).
  accounts = [
    (pkgs.writeTextDir "etc/passwd" ''
      root:x:0:0:root:/root:/sbin/nologin
      app:x:${uid}:${uid}:ocr-to-anki:/home/app:/sbin/nologin
    '')
    (pkgs.writeTextDir "etc/group" ''
      root:x:0:
      app:x:${uid}:
    '')
  ];
  fakeRootCommands = ''
    mkdir -p ./images ./data ./config ./home/app ./tmp
    chown ${uid}:${uid} ./data ./config ./home/app
    chmod 1777 ./tmp
  '';

  baseConfig = {
    User = "${uid}:${uid}";
    WorkingDir = "/data";
    Volumes = {
      "/images" = { };
      "/data" = { };
      "/config" = { };
    };
    Env = [
      "HOME=/home/app"
      "XDG_CONFIG_HOME=/config"
      "XDG_CACHE_HOME=/data/.cache"
      "SSL_CERT_FILE=${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt"
      "TESSDATA_PREFIX=${tessdata}"
      "OLLAMA_HOST=http://ollama:11434"
    ];
  };

  cliArgs = {
    name = "ocr-to-anki-cli";
    tag = "latest";
    contents = accounts ++ [ pkgs.cacert ];
    inherit fakeRootCommands;
    enableFakechroot = true;
    config = baseConfig // {
      Entrypoint = [ "${cli}/bin/ocr-to-anki" ];
      # With no arguments: every image in /images into /data/deck.apkg.
      Cmd = [ "--input" "/images" "-o" "/data/deck.apkg" ];
    };
  };

  fonts = pkgs.makeFontsConf {
    fontDirectories = [ pkgs.cantarell-fonts pkgs.dejavu_fonts ];
  };

  guiArgs = {
    name = "ocr-to-anki-gui";
    tag = "latest";
    contents = accounts ++ [
      pkgs.cacert
      pkgs.dbus
      pkgs.adwaita-icon-theme
      pkgs.hicolor-icon-theme
      pkgs.shared-mime-info
    ];
    inherit fakeRootCommands;
    enableFakechroot = true;
    config = baseConfig // {
      Env = baseConfig.Env ++ [
        "FONTCONFIG_FILE=${fonts}"
        # No accessibility bus in a container.
        "GTK_A11Y=none"
      ];
      # A session bus of its own: GtkApplication registers on it, and exports its actions. Its
      # config is named: dbus-run-session looks in /etc/dbus-1, nixpkgs' dbus has it in share/.
      Entrypoint = [
        "${pkgs.dbus}/bin/dbus-run-session"
        "--config-file=${pkgs.dbus}/share/dbus-1/session.conf"
        "--"
        "${gui}/bin/ocr-to-anki-gui"
      ];
      Cmd = [ ];
    };
  };
in
{
  cli = dockerTools.buildLayeredImage cliArgs;
  gui = dockerTools.buildLayeredImage guiArgs;
  streamCli = dockerTools.streamLayeredImage cliArgs;
  streamGui = dockerTools.streamLayeredImage guiArgs;
}
