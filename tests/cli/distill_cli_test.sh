#!/usr/bin/env bash
# `kdbench distill` end to end on tiny teachers of the embedded data: the
# JSON result, every schedule's phases, errors, determinism, the
# teacher-output cache across cells, and a smoke cell that beats chance.
set -uo pipefail
KDBENCH="$1"
source tools/testing/test_helpers.sh

T="$TEST_TMPDIR"
"$KDBENCH" teacher pretrain --dataset=fortunes --size=tiny --epochs=1 --max_length=32 --vocab_size=600 --labels_per_class=40 --out="$T/pre" >/dev/null 2>&1
"$KDBENCH" teacher finetune --dataset=fortunes --labels_per_class=40 --max_length=32 --max_epochs=2 --checkpoint="$T/pre" --out="$T/ft" >/dev/null 2>&1
"$KDBENCH" teacher outputs --dataset=fortunes --labels_per_class=40 --max_length=32 --checkpoint="$T/ft" --cache_dir="$T/cache" >/dev/null 2>&1
check "tiny fortunes teachers exist" test -s "$T/pre/model.safetensors" -a -s "$T/ft/model.safetensors"

out="$("$KDBENCH" distill --dataset=fortunes --teacher="$T/pre" --student_size=tiny --labels_per_class=40 --max_length=32 --max_epochs=2 2>/dev/null)"; rc=$?
check "distill --method=none exits 0" test $rc -eq 0
check "distill reports accuracy, macro F1, parameters and provenance" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); p=d["provenance"]
assert 0 <= d["test_accuracy"] <= 1 and 0 <= d["test_macro_f1"] <= 1
assert d["embedding_parameters"] == 600*32 and d["non_embedding_parameters"] > 0
assert all(len(p[k]) == 64 for k in ("split_hash", "teacher_hash", "config_hash")) and p["git_revision"]
assert d["phases"][0]["selection"] == "dev accuracy" and d["epochs"] >= 1' "$out"
out="$("$KDBENCH" distill --dataset=fortunes --teacher="$T/pre" --method=distil-harder 2>&1)"; rc=$?
check "an unknown --method lists the known ones" grep -q -- "--method=distil-harder: unknown; known: none, hard, soft, soft+repr, kl" <<<"$out"
out="$("$KDBENCH" distill --dataset=fortunes --teacher="$T/pre" --method=none --schedule=stagewise 2>&1)"; rc=$?
check "--method=none with a staged schedule is refused" grep -q -- "--method=none trains on labels alone" <<<"$out"

out="$("$KDBENCH" distill --dataset=fortunes --teacher="$T/pre" --method=soft 2>&1)"; rc=$?
check "a pre-trained (not fine-tuned) teacher is refused for distillation" grep -q "architectures names BertForMaskedLM, a pre-trained encoder, not a fine-tuned classifier" <<<"$out"

# Distillation cells on the smoke profile's settings (tiny student, 200 transfer
# examples) from the fine-tuned fortunes teacher.
smoke=(--dataset=fortunes --teacher="$T/ft" --labels_per_class=40 --max_length=32 --profile=smoke --max_epochs=2 --cache_dir="$T/cache")
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft+repr --schedule=stagewise 2>/dev/null)"; rc=$?
check "soft+repr stagewise exits 0" test $rc -eq 0
check "stagewise runs L_RL then three unfreezing phases" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); names=[p["name"] for p in d["phases"]]
assert names[0] == "stage 1: L_RL" and len(names) == 4, names
assert d["phases"][0]["selection"] == "held-out transfer loss"
assert names[-1].endswith("unfrozen: all (end to end)"), names
assert d["transfer_examples"] + d["held_out_transfer_examples"] == 200  # the smoke profile: transfer_limit 200
c = d["config"]  # the rest of the smoke profile, as its grid cells get it; --max_epochs given
assert (c["dev_per_class"], c["representation_reduction"], c["optimizer"], c["recurrent_dropout"],
        c["labels_only_max_epochs"], c["max_epochs"]) == (20, "mean", "adam", 0.2, 3, 2), c
assert d["teacher"]["forward_passes"] == 0, d["teacher"]' "$out"
# Timings and cache counters aside (the first run fills the cache).
strip_timing='import json,sys; d=json.load(sys.stdin); [d.pop(k) for k in ("seconds", "train_examples_per_second")]; [d["teacher"].pop(k) for k in ("forward_passes", "reused_from_cache")]; print(json.dumps(d, sort_keys=True))'
first="$("$KDBENCH" distill "${smoke[@]}" --method=soft --seed=3 2>/dev/null | python3 -c "$strip_timing")"
second="$("$KDBENCH" distill "${smoke[@]}" --method=soft --seed=3 2>/dev/null | python3 -c "$strip_timing")"
check "the same seed twice gives the same result (timings aside)" test -n "$first" -a "$first" = "$second"
# A teacher averaged with itself: every weighting gives the same targets, so
# the same student (the teacher record and config aside); the record lists
# both members. (That these targets are the teacher's own is
# teacher_ensemble_test's; the ensemble builds no L_RL head, so its seeds
# draw differently from a single teacher's run.)
strip_teacher='import json,sys; d=json.load(sys.stdin); [d.pop(k) for k in ("seconds", "train_examples_per_second", "teacher", "provenance", "config")]; print(json.dumps(d, sort_keys=True))'
ensemble() { "$KDBENCH" distill "${smoke[@]}" --method=soft --seed=3 --ensemble_members="$T/ft" "$@" 2>/dev/null; }
mean="$(ensemble | python3 -c "$strip_teacher")"
confidence="$(ensemble --ensemble_weighting=confidence | python3 -c "$strip_teacher")"
fixed="$(ensemble --ensemble_weighting=weights=1:1 | python3 -c "$strip_teacher")"
check "a teacher averaged with itself trains one student, however weighted" test -n "$mean" -a "$mean" = "$confidence" -a "$mean" = "$fixed"
check "the record lists both members" python3 -c '
import json,sys; t=json.loads(sys.argv[1])["teacher"]
assert t["ensemble"] == "confidence" and len(t["members"]) == 2, t' "$(ensemble --ensemble_weighting=confidence)"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --ensemble_weighting=confidence 2>&1)"; rc=$?
check "--ensemble_weighting without members is refused" grep -q -- "--ensemble_weighting needs --ensemble_members" <<<"$out"
out="$("$KDBENCH" distill "${smoke[@]}" --method=hard --schedule=distil-once 2>/dev/null)"; rc=$?
check "hard distil-once exits 0 with stage 1 on the transfer set alone" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["phases"][0]["name"] == "stage 1: L_hard", d["phases"]' "$out"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --schedule=stagewise --unfreeze_order=bilstm,classifier,embedding --max_epochs=1 2>/dev/null)"; rc=$?
check "--unfreeze_order sets the phases" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); names=[p["name"] for p in d["phases"]]
assert names[0].endswith("unfrozen: bilstm") and names[1].endswith("unfrozen: bilstm+classifier"), names' "$out"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --schedule=stagewise --unfreeze_order=classifier,bilstm 2>&1)"; rc=$?
check "an --unfreeze_order missing a group is refused" grep -q -- "--unfreeze_order=classifier,bilstm: must name each of the bilstm-maxpool student's layer groups once: classifier,bilstm,embedding" <<<"$out"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft+repr --shared_head --max_epochs=1 2>/dev/null)"; rc=$?
check "--shared_head (the released code's student head) trains" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); assert d["config"]["shared_head"] is True and d["epochs"] >= 1' "$out"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft+repr --student=cnn --shared_head 2>&1)"; rc=$?
check "--shared_head with a CNN is refused" grep -q "head exists for the students with recurrence only (bilstm, rnn), not --student=cnn" <<<"$out"
# The student as deployed (oneDNN's packed LSTM), after the test evaluation.
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --max_epochs=1 --deployment_precisions=float32,bfloat16,int8 2>/dev/null)"; rc=$?
check "--deployment_precisions adds each precision's accuracy on the same test examples" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); dep=d["deployment"]
assert sorted(dep) == ["bfloat16", "float32", "int8"], sorted(dep)
f=dep["float32"]; assert f["supported"] and f["agreement_with_model"] == 1.0, f
assert f["test_accuracy"] == d["test_accuracy"] and f["test_predictions"] == d["test_predictions"]
for p in ("bfloat16", "int8"):
    assert dep[p]["supported"] or dep[p]["reason"], dep[p]
    if dep[p]["supported"]:
        assert 0.9 <= dep[p]["agreement_with_model"] <= 1 and dep[p]["recurrent_weight_bytes"] < f["recurrent_weight_bytes"], dep[p]' "$out"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --max_epochs=1 2>/dev/null)"
check "without --deployment_precisions the record has no deployment block" python3 -c '
import json,sys; assert "deployment" not in json.loads(sys.argv[1])' "$out"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --deployment_precisions=fp8 2>&1)"; rc=$?
check "an unknown precision is named with the known ones" grep -q -- "--deployment_precisions: unknown precision 'fp8'; known: float32, bfloat16, int8" <<<"$out"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --student=cnn --deployment_precisions=int8 2>&1)"; rc=$?
check "the deployed path is refused for a CNN student" grep -q -- "the deployed path is the bilstm and rnn students'" <<<"$out"

# The whole-cell peer: the cell's inputs exported, then trained in PyTorch
# from Python on them.
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft+repr --max_epochs=2 --export_cell="$T/export" 2>/dev/null)"; rc=$?
check "--export_cell writes the inputs and stops" python3 -c '
import json,os,sys; d=json.loads(sys.argv[1]); assert d["exported"] and len(d["config_hash"]) == 64, d
c=json.load(open(os.path.join(d["exported"], "cell.json")))
assert c["student"]["architecture"] == "bilstm-maxpool" and c["training"]["phases"][0]["name"] == "joint: L_CE + L_RL + L_LL", c
assert os.path.getsize(os.path.join(d["exported"], "tensors.pt")) > 0' "$out"
peer="$(/usr/bin/python3 benchmarks/python_peer_cell.py --cell="$T/export" --quiet)"; rc=$?
check "the peer trains the exported cell and tests it once" python3 -c '
import json,sys; d=json.loads(sys.argv[1])
assert 0 <= d["test_accuracy"] <= 1 and len(d["test_predictions"]) > 0, d
assert d["phases"][0]["epochs_run"] in (1, 2) and d["phases"][0]["steps"] > 0, d["phases"]' "$peer"
out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --cosine_restarts --export_cell="$T/export2" 2>&1)"; rc=$?
check "a cell with what the peer lacks (cosine restarts) is not exported" grep -q -- "--export_cell: the peer implements Adam without cosine restarts" <<<"$out"
out="$(/usr/bin/python3 benchmarks/python_peer_cell.py --cell="$T/nowhere" 2>&1)"; rc=$?
check "the peer names a missing export and exits 2" test $rc -eq 2 -a -n "$(grep -- "--cell=$T/nowhere: cannot read" <<<"$out")"

out="$("$KDBENCH" distill "${smoke[@]}" --method=soft --logit_target=probabilities 2>&1)"; rc=$?
check "a bad --logit_target is named" grep -q -- "--logit_target=probabilities: unknown; known: log-odds, logits" <<<"$out"

# A smoke cell beats chance: SpamAssassin, 100 labels per class, tiny
# student. Majority-class guessing scores accuracy 0.687 and macro F1 0.41.
# The paper's dev split (10% of the budget) and long
# labels-only phases, not the smoke profile's balanced 20 per class and 3 epochs.
"$KDBENCH" teacher pretrain --dataset=spamassassin --size=tiny --epochs=1 --max_length=64 --vocab_size=1000 --labels_per_class=100 --out="$T/spam" >/dev/null 2>&1
out="$("$KDBENCH" distill --dataset=spamassassin --teacher="$T/spam" --labels_per_class=100 --max_length=64 --profile=smoke --labels_only_max_epochs=100 --labels_only_patience=10 --dev_per_class=0 2>/dev/null)"; rc=$?
check "smoke cell exits 0" test $rc -eq 0
check "smoke cell beats chance (accuracy > 0.75, macro F1 > 0.65)" python3 -c '
import json,sys; d=json.loads(sys.argv[1]); print("   smoke cell: test accuracy %.3f, macro F1 %.3f" % (d["test_accuracy"], d["test_macro_f1"]))
assert d["test_accuracy"] > 0.75 and d["test_macro_f1"] > 0.65' "$out"

finish
