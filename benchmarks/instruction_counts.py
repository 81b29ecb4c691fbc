#!/usr/bin/python3
"""Instruction counts of the fixed workloads (benchmarks/instruction_workloads.cc)
under valgrind's callgrind: the nightly tracking's deterministic signal.

  instruction_counts.py --binary=bazel-bin/benchmarks/instruction_workloads \
      --preload=bazel-bin/benchmarks/libvalgrind_hwy_timer.so --out=RUN/instructions.json

The counts repeat for the same binary and input whatever else the machine
runs: one thread, the kernels fixed by instruction set rather than by what
the CPU offers (valgrind itself offers no AVX-512), and the program started
with a fixed-size environment (see START_STRINGS_BYTES). The smoke cell's teacher
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


# What the workloads read from the environment; everything else is left out.
PASSED_THROUGH = ("HOME", "PATH", "KDBENCH_DATA_DIR", "XDG_CACHE_HOME", "RUNFILES_DIR",
                  "TEST_SRCDIR")
# The bytes of argument and environment strings the program starts with,
# padded to this: they sit at the top of its stack, so their size moves every
# stack address, and libc's memcmp and memcpy take alignment-dependent paths.
# Unpadded, the checkout's path changed the tokenizer's count by 0.1%.
START_STRINGS_BYTES = 16384


def client_environment(argv, extra):
    """The program's whole environment: the pinned variables, what it reads,
    and a padding variable that brings argv and environment to a fixed size
    (every variable always present, so the pointer arrays are fixed too)."""
    env = {k: os.environ.get(k, "") for k in PASSED_THROUGH}
    env.update(ENVIRONMENT)
    env.update(extra)
    env["KDBENCH_STACK_PAD"] = ""
    used = sum(len(a.encode()) + 1 for a in argv)
    used += sum(len(f"{k}={v}".encode()) + 1 for k, v in env.items())
    used += len(argv[0].encode()) + 1  # AT_EXECFN: the program's path once more
    if used > START_STRINGS_BYTES:
        fail(f"arguments and environment take {used} bytes, more than {START_STRINGS_BYTES}")
    env["KDBENCH_STACK_PAD"] = "x" * (START_STRINGS_BYTES - used)
    return env


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
    args.binary = os.path.abspath(args.binary)
    env = dict(os.environ, **ENVIRONMENT)
    scratch_owner = None
    if not args.scratch_dir:
        scratch_owner = tempfile.TemporaryDirectory(prefix="kdbench-instructions-")
        args.scratch_dir = scratch_owner.name
    # Always the same arguments (the workloads named even when all run).
    if not args.workloads:
        listed = subprocess.run([args.binary, "--list"], env=env, capture_output=True, text=True)
        if listed.returncode != 0:
            fail(f"{args.binary} --list failed ({listed.returncode}): {listed.stderr[-2000:]}")
        args.workloads = ",".join(listed.stdout.split())
    selected = ["--workloads=" + args.workloads]
    wants_cell = "cell:" in args.workloads
    if wants_cell:
        warm = subprocess.run([args.binary, f"--scratch_dir={args.scratch_dir}", "--warm_only"],
                              env=env, capture_output=True, text=True)
        if warm.returncode != 0:
            fail(f"making the smoke cell's teacher failed ({warm.returncode}):\n{warm.stderr[-3000:]}")
    dumps = tempfile.mkdtemp(prefix="callgrind-", dir=args.scratch_dir)
    started = time.time()
    # Instrumented and collected only between the workloads' own toggles.
    client = [args.binary, f"--scratch_dir={args.scratch_dir}"] + selected
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
               f"--callgrind-out-file={dumps}/callgrind.%p"] + client
    try:
        run = subprocess.run(
            command, env=client_environment(client, {"LD_PRELOAD": os.path.abspath(args.preload)}),
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
        "environment": dict(ENVIRONMENT, start_strings_bytes=START_STRINGS_BYTES),
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
