#!/usr/bin/env bash
# The kdbench binary's command line: help per subcommand, clear errors,
# and the start-up log line with LibTorch, threads and BLAS.
set -uo pipefail
KDBENCH="$1"
source tools/testing/test_helpers.sh

out="$("$KDBENCH" --help 2>&1)"; rc=$?
check "--help exits 0" test $rc -eq 0
check "--help lists info" grep -q "info" <<<"$out"
check "--help lists info" grep -q "info" <<<"$out"

out="$("$KDBENCH" 2>&1)"; rc=$?
check "no subcommand exits 2" test $rc -eq 2

out="$("$KDBENCH" frobnicate 2>&1)"; rc=$?
check "unknown subcommand exits 2" test $rc -eq 2
check "unknown subcommand is named and known ones listed" grep -q "unknown subcommand 'frobnicate'; known: info, tokenize, data, teacher, distill" <<<"$out"

out="$("$KDBENCH" info --help 2>&1)"; rc=$?
check "info --help exits 0" test $rc -eq 0
check "info --help shows --threads with its default" grep -q -- "--threads (default: 0)" <<<"$out"

out="$("$KDBENCH" info --threads=-3 2>&1)"; rc=$?
check "negative --threads exits 2" test $rc -eq 2
check "negative --threads is named" grep -q -- "--threads=-3: must be at least 1" <<<"$out"

out="$("$KDBENCH" info --device=tpu 2>&1)"; rc=$?
check "unknown --device exits 2" test $rc -eq 2
check "unknown --device lists known devices" grep -q "known: auto, cpu, cuda, cuda:N" <<<"$out"

out="$("$KDBENCH" info --threads=1 --matmul_size=64 --self_check_steps=50 2>&1)"; rc=$?
check "info exits 0" test $rc -eq 0
check "start-up log names LibTorch, threads and BLAS" grep -qE "^kdbench: LibTorch [0-9.]+ \| devices .* \| threads 1 of [0-9]+ cores \| BLAS " <<<"$out"
check "self-check loss falls" grep -qE "training self-check .* loss [0-9.]+ -> [0-9.]+" <<<"$out"

out="$("$KDBENCH" info --no_such_flag 2>&1)"; rc=$?
check "unknown flag fails" test $rc -ne 0
check "unknown flag is named" grep -q "no_such_flag" <<<"$out"

VOCAB="$2"
out="$(printf '{"text": "Hello, World!"}\n\n{"text": "Naïve café"}\n' | "$KDBENCH" tokenize --vocab="$VOCAB" 2>/dev/null)"; rc=$?
check "tokenize exits 0" test $rc -eq 0
check "tokenize writes tokens and ids" test "$(head -1 <<<"$out")" = '{"tokens":["hello",",","world","!"],"ids":[7592,1010,2088,999]}'
check "tokenize skips blank lines" test "$(wc -l <<<"$out")" -eq 2

out="$(printf '{"text": "ok"}\n{"txt": 1}\n' | "$KDBENCH" tokenize --vocab="$VOCAB" 2>&1)"; rc=$?
check "tokenize: missing text field fails" test $rc -eq 1
check "tokenize: error names stdin line 2" grep -q 'stdin:2: no string field "text"' <<<"$out"

out="$(printf '{"text": "\xff"}\n' | "$KDBENCH" tokenize --vocab="$VOCAB" 2>&1)"; rc=$?
check "tokenize: invalid UTF-8 in JSON fails with line" grep -q 'stdin:1: not valid JSON' <<<"$out"

out="$("$KDBENCH" tokenize --vocab=/no/such/vocab.txt </dev/null 2>&1)"; rc=$?
check "tokenize: missing vocabulary names the file" grep -q '/no/such/vocab.txt' <<<"$out"

# Teacher stages end to end on the embedded fortunes, tiny sizes.
T="$TEST_TMPDIR"
out="$("$KDBENCH" teacher pretrain --dataset=fortunes --size=tiny --epochs=1 --max_length=32 --vocab_size=600 --labels_per_class=40 --out="$T/pre" 2>&1)"; rc=$?
check "teacher pretrain exits 0" test $rc -eq 0
check "teacher pretrain writes a Hugging Face checkpoint" test -s "$T/pre/model.safetensors" -a -s "$T/pre/config.json" -a -s "$T/pre/vocab.txt"
# The unigram entropy is the baseline the MLM loss is read against: for a
# vocabulary of 600 it lies between 0 and ln(600) = 6.4 nats.
check "teacher pretrain reports its MLM loss and the corpus's unigram entropy" python3 -c '
import json, sys
d = json.loads(sys.argv[1].strip().splitlines()[-1])
assert len(d["mlm_loss_per_epoch"]) == 1 and 0 < d["unigram_entropy"] < 6.4, d' "$out"
out="$("$KDBENCH" teacher finetune --dataset=fortunes --labels_per_class=40 --max_length=32 --max_epochs=2 --checkpoint="$T/pre" --out="$T/ft" 2>/dev/null)"; rc=$?
check "teacher finetune exits 0" test $rc -eq 0
check "teacher finetune reports dev and test accuracy" grep -q '"test_accuracy"' <<<"$out"
first="$("$KDBENCH" teacher outputs --dataset=fortunes --labels_per_class=40 --max_length=32 --checkpoint="$T/ft" --cache_dir="$T/cache" 2>/dev/null)"
second="$("$KDBENCH" teacher outputs --dataset=fortunes --labels_per_class=40 --max_length=32 --checkpoint="$T/ft" --cache_dir="$T/cache" 2>/dev/null)"
check "first outputs run makes forward passes" grep -qE '"teacher_forward_passes":[1-9]' <<<"$first"
check "second outputs run makes none" grep -q '"teacher_forward_passes":0' <<<"$second"
out="$(echo '{"text": "The computer crashed again."}' | "$KDBENCH" teacher predict --checkpoint="$T/ft" 2>/dev/null)"
check "teacher predict writes logits, probs, cls, pooled" python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d["logits"])==4 and abs(sum(d["probs"])-1)<1e-5 and len(d["cls"])==32 and len(d["pooled"])==32' "$out"
out="$("$KDBENCH" teacher predict --checkpoint="$T/nope" </dev/null 2>&1)"; rc=$?
check "teacher predict on a missing checkpoint names it" grep -q "$T/nope: no such checkpoint directory" <<<"$out"

finish
