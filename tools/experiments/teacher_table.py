#!/usr/bin/env python3
"""Markdown table of teacher_budgets.sh output: each fine-tuned teacher next to
the no-distillation student on the same labels.

usage: teacher_table.py OUT_DIR [OUT_DIR ...]
"""
import json, sys, os
rows = []
for d in sys.argv[1:]:
    students = {}
    p = os.path.join(d, 'students.jsonl')
    if os.path.exists(p):
        for l in open(p):
            r = json.loads(l)['result']
            students[r['labels_per_class']] = r
    for l in open(os.path.join(d, 'teachers.jsonl')):
        t = json.loads(l)
        if t.get('stage') != 'finetune':
            continue
        size = t['checkpoint'].rstrip('/').split('/')[-1].split('-')[1]
        s = students.get(t['labels_per_class'])
        stu = f"{s['dev_accuracy']:.3f} / {s['test_accuracy']:.4f} / {s['test_macro_f1']:.4f}" if s else "not run"
        beats = "yes" if s and t['test_accuracy'] > s['test_accuracy'] else ("no" if s else "n/a")
        rows.append(f"| {t['dataset']} | {size} | {t['labels_per_class']} | {t['dev_accuracy']:.3f} / {t['test_accuracy']:.4f} / {t.get('test_macro_f1', float('nan')):.4f} | {stu} | {beats} | {t['seconds']:.0f} |")
print("| dataset | teacher | labels/class | teacher dev / test / macro F1 | no-distil student dev / test / macro F1 | teacher > student (test) | fine-tune s |")
print("|---|---|---|---|---|---|---|")
print("\n".join(rows))
