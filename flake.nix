{
  description = "ocr-to-anki: photos and scans of study material to Anki flashcards";

  # gtk4-rs 0.11 needs rustc 1.92 or later: NixOS 26.05 is the first release that has it.
  # flake.lock pins it to one commit; `nix flake update` moves the pin.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs =
    { nixpkgs, ... }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      packagesFor = pkgs: import ./nix/packages.nix { inherit pkgs; };
    in
    {
      packages = forAllSystems (pkgs:
        let
          p = packagesFor pkgs;
        in
        {
          default = p.cli;
          ocr-to-anki = p.cli;
          ocr-to-anki-gui = p.gui;
          docker-cli = p.images.cli;
          docker-gui = p.images.gui;
          dockerStream-cli = p.images.streamCli;
          dockerStream-gui = p.images.streamGui;
          # The names the documents use: the CLI image, the main job.
          docker = p.images.cli;
          dockerImage = p.images.cli;
          dockerStream = p.images.streamCli;
        });

      apps = forAllSystems (pkgs:
        let
          p = packagesFor pkgs;
        in
        {
          default = {
            type = "app";
            program = "${p.cli}/bin/ocr-to-anki";
            meta.description = "Photos and scans of study material to Anki flashcards";
          };
          gui = {
            type = "app";
            program = "${p.gui}/bin/ocr-to-anki-gui";
            meta.description = "The desktop app: review the cards, then export them";
          };
          loadDockerImage = {
            type = "app";
            program = "${p.loadDockerImage}/bin/load-docker-image";
            meta.description = "Load both images into Docker and say how to run them";
          };
        });

      devShells = forAllSystems (pkgs: {
        default = (packagesFor pkgs).devShell;
      });

      checks = forAllSystems (pkgs:
        let
          p = packagesFor pkgs;
        in
        {
          inherit (p) cli gui;
          inherit (p.checks) clippy tests;
        });

      formatter = forAllSystems (pkgs: pkgs.nixpkgs-fmt);
    };
}
