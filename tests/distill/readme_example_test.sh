#!/usr/bin/env bash
# The README's "Adding a distillation method" code is the code that
# //tests/distill:extension_example_test compiles and runs, word for word.
set -u
readme=$1 example=$2
between() { sed -n '/\/\/ \[extension-example\]/,/\/\/ \[\/extension-example\]/p' "$1"; }
if [[ -z $(between "$example") ]]; then
  echo "FAIL: no [extension-example] markers in $example"; exit 1
fi
if ! diff <(between "$readme") <(between "$example"); then
  echo "FAIL: the README's example differs from $example (diff above: README <, test >)"; exit 1
fi
echo "ok: the README's example is the tested one ($(between "$example" | grep -c .) lines)"
