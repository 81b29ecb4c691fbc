"""The deterministic signal: instruction counts of fixed workloads
(benchmarks/instruction_counts.py). They repeat for one binary and input to
within about a millionth (libc's memcmp takes an alignment-dependent path),
so any growth beyond a small threshold is the code's, and the
comparison needs no statistics: against the previous run, and against the
rolling baseline (the median of the last runs) so that a slow creep adds up
until it shows."""

import statistics


def comparable(a, b):
    """Counts compare only under the same valgrind and pinned environment."""
    return (a or {}).get("valgrind") == (b or {}).get("valgrind") and \
        (a or {}).get("environment") == (b or {}).get("environment")


def compare(current, earlier, threshold):
    """current: the run's instructions.json; earlier: those of the baseline
    runs, oldest first (entries may be None: runs without counts).
    Returns {"rows": [...], "regressions": [...], "improvements": [...]}."""
    counts = (current or {}).get("instructions", {})
    usable = [e for e in earlier if e and comparable(e, current)]
    previous = usable[-1] if usable else None
    rows, regressions, improvements = [], [], []
    for name in sorted(counts):
        now = counts[name]
        history = [e["instructions"][name] for e in usable if name in e.get("instructions", {})]
        row = {"workload": name, "instructions": now, "baseline_runs": len(history)}
        if previous and name in previous.get("instructions", {}):
            row["previous"] = previous["instructions"][name]
            row["change_previous"] = now / row["previous"] - 1
        if history:
            row["baseline"] = statistics.median(history)
            row["change_baseline"] = now / row["baseline"] - 1
        changes = [row[k] for k in ("change_previous", "change_baseline") if k in row]
        if any(c > threshold for c in changes):
            regressions.append(row)
        elif changes and all(c < -threshold for c in changes):
            improvements.append(row)
        rows.append(row)
    return {"rows": rows, "regressions": regressions, "improvements": improvements,
            "compared_runs": len(usable)}
