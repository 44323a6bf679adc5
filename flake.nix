{
  description = "ocr-to-anki: photos and scans of study material to Anki flashcards";

  # gtk4-rs 0.11 needs rustc 1.92 or later: NixOS 26.05 is the first release that has it.
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
        });

      apps = forAllSystems (pkgs:
        let
          p = packagesFor pkgs;
        in
        {
          default = {
            type = "app";
            program = "${p.cli}/bin/ocr-to-anki";
          };
          gui = {
            type = "app";
            program = "${p.gui}/bin/ocr-to-anki-gui";
          };
          loadDockerImage = {
            type = "app";
            program = "${p.loadDockerImage}/bin/load-docker-image";
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
