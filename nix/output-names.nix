# The names of the flake's outputs, per system, evaluated without nixpkgs (a stub stands in for it,
# and no package is built or even evaluated): `nix-instantiate --eval --strict --json` on this file
# is how CI checks the flake offers what the README promises.
let
  systems = [ "x86_64-linux" "aarch64-linux" ];
  stub = {
    lib.genAttrs = names: f: builtins.listToAttrs (map (name: { inherit name; value = f name; }) names);
    legacyPackages = builtins.listToAttrs (map (name: { inherit name; value = { }; }) systems);
  };
  outputs = (import ../flake.nix).outputs { self = { }; nixpkgs = stub; };
  names = builtins.mapAttrs (_: builtins.attrNames);
in
{
  packages = names outputs.packages;
  apps = names outputs.apps;
  devShells = names outputs.devShells;
  checks = names outputs.checks;
  formatter = builtins.attrNames outputs.formatter;
}
