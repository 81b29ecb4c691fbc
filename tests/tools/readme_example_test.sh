#!/usr/bin/env bash
# A README example is the code a test compiles and runs, word for word: the
# lines between "// [MARKER]" and "// [/MARKER]" in both files.
# Usage: readme_example_test.sh README.md EXAMPLE_SOURCE MARKER
set -u
readme=$1 example=$2 marker=$3
between() { sed -n "/\/\/ \[$marker\]/,/\/\/ \[\/$marker\]/p" "$1"; }
if [[ -z $(between "$example") ]]; then
  echo "FAIL: no [$marker] markers in $example"; exit 1
fi
if ! diff <(between "$readme") <(between "$example"); then
  echo "FAIL: the README's [$marker] example differs from $example (diff above: README <, test >)"; exit 1
fi
echo "ok: the README's [$marker] example is the tested one ($(between "$example" | grep -c .) lines)"
