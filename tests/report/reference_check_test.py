"""The check of a run against the reference run (report/reference_check.py)
on constructed records: one case per verdict.

usage: reference_check_test.py PATH/TO/reference_check.py
"""
import copy
import importlib.util
import sys


def load(path):
    spec = importlib.util.spec_from_file_location("reference_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MACHINE = {"blas_details": "OpenBLAS Haswell", "cpu_capability": "AVX2", "threads": 1,
           "torch": "1.13.0", "device": "cpu"}


def records(accuracies, seeds=5, machine=MACHINE, code="aaaa"):
    """{key: (record, metrics)}: one configuration per accuracy list."""
    out = {}
    for c, accs in enumerate(accuracies):
        for seed in range(1, seeds + 1):
            cell = {"dataset": "d", "method": f"m{c}", "seed": seed}
            record = {"profile": "mini", "kind": "student", "cell": cell, "settings": {"x": 1},
                      "name": f"d/m{c}/seed:{seed}", "machine": dict(machine),
                      "libraries": {"libtorch-dev": "1.13.1"}, "code_version": code}
            metrics = {"test_accuracy": accs[seed - 1], "dev_accuracy": 0.5}
            out[f"{code}-{c}-{seed}"] = (record, metrics)
    return out


def main():
    rc = load(sys.argv[1])
    reference = records([[0.80, 0.82, 0.78, 0.81, 0.79], [0.60, 0.65, 0.55, 0.62, 0.58]])

    # Other code (keys differ), same numbers, same kernels: bit-identical.
    same = rc.compare(records([[0.80, 0.82, 0.78, 0.81, 0.79], [0.60, 0.65, 0.55, 0.62, 0.58]],
                              code="bbbb"), reference)
    assert same["verdict"] == "bit-identical", same["verdict"]
    assert len(same["pairs"]) == 10 and same["identical"] == 10
    assert rc.summary_line(same, "ref").startswith("reference check: 10/10 cells bit-identical")

    # One number changed on the same kernels: a failure, whatever its size.
    changed = records([[0.80, 0.82, 0.78, 0.81, 0.79], [0.60, 0.65, 0.55, 0.62, 0.5801]])
    result = rc.compare(changed, reference)
    assert result["verdict"] == "differs", result["verdict"]
    assert "FAILED: 1 of 10 cells differ" in rc.summary_line(result, "ref")

    # Other kernels: differences within the seed noise agree ...
    other = dict(MACHINE, threads=2)
    near = records([[0.81, 0.81, 0.79, 0.80, 0.80], [0.61, 0.64, 0.56, 0.61, 0.59]], machine=other)
    result = rc.compare(near, reference)
    assert result["verdict"] == "agrees within seed noise", result
    assert result["same_class"] == 0 and result["agreeing"] == 2

    # ... and a shift of 10 points in every configuration does not.
    far = records([[a + 0.10 for a in accs] for accs in
                   ([0.80, 0.82, 0.78, 0.81, 0.79], [0.60, 0.65, 0.55, 0.62, 0.58])],
                  machine=other)
    result = rc.compare(far, reference)
    assert result["verdict"] == "disagrees beyond seed noise", result["verdict"]

    # One seed: the stated tolerance instead of seed noise.
    one_ref = records([[0.70]], seeds=1)
    assert rc.compare(records([[0.73]], seeds=1, machine=other), one_ref)["verdict"] == \
        "agrees within seed noise"
    assert rc.compare(records([[0.80]], seeds=1, machine=other), one_ref)["verdict"] == \
        "disagrees beyond seed noise"

    # The noise comes from every seed of the reference, not only the matched
    # ones: seeds 1-2 of the first configuration sit 2 points apart, all five
    # have an SD of 1.58 points, so a 2.9-point shift on those two seeds is
    # within 1.96 * 1.58 * sqrt(2 / 2) = 3.10 points (the two alone would
    # give 2.77 and call it a disagreement).
    result = rc.compare(records([[0.829, 0.849]], seeds=2, machine=other), reference)
    assert abs(result["groups"][0]["bound"] - 3.099) < 0.01, result["groups"]
    assert result["verdict"] == "agrees within seed noise", result["verdict"]
    # One matched seed of five: the same noise, not the single-seed tolerance.
    one = rc.compare(records([[0.83]], seeds=1, machine=other), reference)
    assert abs(one["groups"][0]["bound"] - 1.96 * 1.5811 * 2 ** 0.5) < 0.01, one["groups"]

    # Cells are matched by what they compute: other settings are not matched.
    moved = copy.deepcopy(records([[0.80, 0.82, 0.78, 0.81, 0.79]]))
    for record, _ in moved.values():
        record["settings"] = {"x": 2}
    result = rc.compare(moved, reference)
    assert not result["pairs"] and len(result["unmatched"]) == 5
    assert "nothing compared" in rc.summary_line(result, "ref")

    # Records without the newer machine fields read "unknown", not an error.
    old = copy.deepcopy(reference)
    for record, _ in old.values():
        del record["machine"]["cpu_capability"]
    assert rc.kernel_class(next(iter(old.values()))[0])[1] == "unknown"
    print("reference_check_test: ok")


if __name__ == "__main__":
    main()
