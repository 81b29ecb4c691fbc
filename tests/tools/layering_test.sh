#!/usr/bin/env bash
# The library's layers (tools/layers.bzl: util < text < data < models <
# distill < experiment) hold in the sources too: no file of lib/LAYER
# includes a header of a layer above it. Bazel's visibility refuses such a
# dependency in BUILD files; this catches an #include that slipped past them.
# Then a planted upward include must be found, so the check itself can fail.
set -uo pipefail
source tools/testing/test_helpers.sh
layers=(util text data models distill experiment)
rank() { local i; for i in "${!layers[@]}"; do [[ "${layers[$i]}" == "$1" ]] && echo "$i" && return; done; echo -1; }

upward_includes() {  # DIR: prints "file: includes lib/X" for every upward include
  local root="$1" layer file target
  for layer in "${layers[@]}"; do
    for file in "$root"/lib/"$layer"/*.h "$root"/lib/"$layer"/*.cc; do
      [[ -f "$file" ]] || continue
      while read -r target; do
        (( $(rank "$target") > $(rank "$layer") )) && echo "${file#"$root"/}: includes lib/$target"
      done < <(sed -n 's/^#include "lib\/\([a-z_]*\)\/.*/\1/p' "$file" | sort -u)
    done
  done
}

check "the library's sources are here ($(ls lib/*/*.cc | wc -l) .cc files)" \
  test "$(ls lib/*/*.cc | wc -l)" -gt 50
found="$(upward_includes .)"
check "no lib/ source includes a header of a layer above its own" test -z "$found" || echo "$found"
check "every lib/ directory is a declared layer" \
  test -z "$(ls -d lib/*/ | xargs -n1 basename | grep -vxF -f <(printf '%s\n' "${layers[@]}"))"
check "the layers match tools/layers.bzl" grep -qF \
  'LAYERS = ["util", "text", "data", "models", "distill", "experiment"]' tools/layers.bzl

T="$TEST_TMPDIR/planted"
mkdir -p "$T/lib/models" "$T/lib/distill"
printf '#include "lib/distill/teacher_training.h"\n' > "$T/lib/models/probe.cc"
check "a planted upward include is found" \
  grep -qx "lib/models/probe.cc: includes lib/distill" <<<"$(upward_includes "$T")"
finish
