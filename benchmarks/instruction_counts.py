#!/usr/bin/python3
"""Instruction counts of the fixed workloads (benchmarks/instruction_workloads.cc)
under valgrind's callgrind: the nightly tracking's deterministic signal.

  instruction_counts.py --binary=bazel-bin/benchmarks/instruction_workloads \
      --preload=bazel-bin/benchmarks/libvalgrind_hwy_timer.so --out=RUN/instructions.json

The counts repeat exactly for the same binary and input whatever else the
machine runs: one thread, and the kernels fixed by instruction set rather
than by what the CPU offers (valgrind itself offers no AVX-512), so two
machines with AVX2 count the same instructions too. The smoke cell's teacher
is made natively first (--warm_only), so valgrind runs only the cell.
Exits 0, or 2 with a message naming what failed.
"""
import argparse
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time

# What fixes the instructions executed: one thread (no spinning thread
# pools), OpenBLAS's and LibTorch's and oneDNN's kernels pinned to AVX2.
ENVIRONMENT = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OPENBLAS_CORETYPE": "Haswell",
    "ATEN_CPU_CAPABILITY": "avx2",
    "DNNL_MAX_CPU_ISA": "AVX2",
}


def fail(message):
    print(f"instruction_counts: {message}", file=sys.stderr)
    sys.exit(2)


def parse_dump(path):
    """(workload name, instructions) of one callgrind dump, or None for a
    dump that is not a workload's (the one at exit)."""
    name, total = None, None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("desc: Trigger: Client Request: workload:"):
                name = line.split("workload:", 1)[1].strip()
            elif line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    return (name, total) if name is not None and total is not None else None


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True, help="the instruction_workloads binary")
    parser.add_argument("--preload", required=True,
                        help="libvalgrind_hwy_timer.so (valgrind 3.19 cannot run RDTSCP)")
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument("--workloads", default="", help="comma-separated names (default: all)")
    parser.add_argument("--scratch_dir", default="",
                        help="for the smoke cell's teacher store (default: a fresh temporary one)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds for the valgrind run")
    args = parser.parse_args()
    for path, what in ((args.binary, "--binary"), (args.preload, "--preload")):
        if not os.path.isfile(path):
            fail(f"{what}={path}: no such file (bazel build //benchmarks:instruction_workloads "
                 "//benchmarks:libvalgrind_hwy_timer.so)")
    try:
        version = subprocess.run(["valgrind", "--version"], capture_output=True, text=True,
                                 check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        fail(f"valgrind is not usable ({e}); apt-get install valgrind")
    env = dict(os.environ, **ENVIRONMENT)
    scratch_owner = None
    if not args.scratch_dir:
        scratch_owner = tempfile.TemporaryDirectory(prefix="kdbench-instructions-")
        args.scratch_dir = scratch_owner.name
    selected = ["--workloads=" + args.workloads] if args.workloads else []
    wants_cell = not args.workloads or "cell:" in args.workloads
    if wants_cell:
        warm = subprocess.run([args.binary, f"--scratch_dir={args.scratch_dir}", "--warm_only"],
                              env=env, capture_output=True, text=True)
        if warm.returncode != 0:
            fail(f"making the smoke cell's teacher failed ({warm.returncode}):\n{warm.stderr[-3000:]}")
    dumps = tempfile.mkdtemp(prefix="callgrind-", dir=args.scratch_dir)
    started = time.time()
    # Instrumented and collected only between the workloads' own toggles.
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
               f"--callgrind-out-file={dumps}/callgrind.%p", args.binary,
               f"--scratch_dir={args.scratch_dir}"] + selected
    try:
        run = subprocess.run(command, env=dict(env, LD_PRELOAD=os.path.abspath(args.preload)),
                             capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        fail(f"valgrind ran past --timeout={args.timeout} s")
    if run.returncode != 0:
        fail(f"the workloads failed under valgrind ({run.returncode}):\n{run.stderr[-3000:]}")
    counts = {}
    for path in sorted(glob.glob(os.path.join(dumps, "callgrind.*"))):
        parsed = parse_dump(path)
        if parsed:
            counts[parsed[0]] = parsed[1]
    expected = [m.group(1) for m in re.finditer(r"^workload (.*): [0-9.]+ ms", run.stdout, re.M)]
    missing = [name for name in expected if name not in counts]
    if missing or not counts:
        fail(f"no callgrind dump for {', '.join(missing) or 'any workload'} (in {dumps})")
    result = {
        "tool": "callgrind (instructions executed, Ir)",
        "valgrind": version,
        "environment": ENVIRONMENT,
        "binary_sha256": sha256(args.binary),
        "seconds": round(time.time() - started, 1),
        "instructions": counts,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    for name, count in counts.items():
        print(f"instructions {name}: {count:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
