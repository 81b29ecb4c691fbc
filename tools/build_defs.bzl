"""The suite's C++ rules: Bazel's native ones plus the project's copts.

Every BUILD file uses these so warnings and language settings live here only.
"""

KDBENCH_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wno-unused-parameter",
    # Designated initializers that leave fields at their defaults are intended.
    "-Wno-missing-field-initializers",
    "-Werror=return-type",
    "-Werror=unused-result",
]

# Targets that use LibTorch directly (and add no copts of their own, which
# would make the header unusable) compile with its umbrella header
# precompiled: tools/precompiled_header.bzl says why. --define=kdbench_torch_pch=0
# turns it off (the sanitizer and fuzz configs do).
def _torch_precompiled(copts, deps):
    if copts or "@libtorch" not in deps:
        return [], []
    return (
        select({
            "//tools:torch_pch_off": [],
            "//conditions:default": ["-include", "$(GENDIR)/tools/torch_pch.h", "-Winvalid-pch"],
        }),
        select({
            "//tools:torch_pch_off": [],
            "//conditions:default": ["//tools:torch_pch"],
        }),
    )

def _copts_and_deps(copts, deps):
    """The project's copts and the precompiled header added to a target's own."""
    pch_copts, pch_deps = _torch_precompiled(copts, deps)
    return KDBENCH_COPTS + copts + pch_copts, deps + pch_deps

def kd_cc_library(name, copts = [], deps = [], **kwargs):
    copts, deps = _copts_and_deps(copts, deps)
    native.cc_library(name = name, copts = copts, deps = deps, **kwargs)

# Every binary and test runs on tcmalloc (see third_party/system_libs.bzl);
# the fuzz targets keep the sanitizers' allocator.
_ALLOCATOR = "@tcmalloc"

def kd_cc_binary(name, copts = [], deps = [], **kwargs):
    copts, deps = _copts_and_deps(copts, deps)
    native.cc_binary(name = name, copts = copts, deps = deps + [_ALLOCATOR], **kwargs)

def kd_cc_test(name, copts = [], deps = [], size = "small", **kwargs):
    """A GoogleTest test; gtest_main is linked unless the test brings a main."""
    if "@com_google_googletest//:gtest" not in deps:
        deps = deps + ["@com_google_googletest//:gtest_main"]
    copts, deps = _copts_and_deps(copts, deps)
    native.cc_test(name = name, copts = copts, deps = deps + [_ALLOCATOR], size = size, **kwargs)

def kd_fuzz_test(name, srcs, deps = [], corpus = [], data = [], runs = 20000):
    """A fuzz target `NAME_fuzzer` (LLVMFuzzerTestOneInput) and its test `NAME_test`.

    With --config=fuzz (clang) the target links libFuzzer and the test runs
    `runs` executions from the seed files in `corpus` under ASan/UBSan; in the
    default (gcc) build it links a replay main and the test runs every seed.
    """
    native.cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        srcs = srcs,
        copts = KDBENCH_COPTS,
        data = data,
        deps = deps + select({
            "//tests/fuzz:libfuzzer": [],
            "//conditions:default": ["//tests/fuzz:fuzz_replay_main"],
        }),
        linkopts = select({
            "//tests/fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
    )
    native.sh_test(
        name = name + "_test",
        size = "medium",
        srcs = ["//tools/testing:run_fuzzer.sh"],
        args = ["$(location :%s_fuzzer)" % name, str(runs)] + ["$(locations %s)" % c for c in corpus],
        data = [":%s_fuzzer" % name] + corpus + data,
    )

def kd_grid_sh_test(name, srcs, data = [], size = "large", **kwargs):
    """A shell test of whole grid runs: gets the grids_benchmark binary as $1,
    with the grids, the profiles, the report generator and the shell test
    helpers in its runfiles."""
    native.sh_test(
        name = name,
        size = size,
        srcs = srcs,
        args = ["$(location //benchmarks:grids_benchmark)"],
        data = [
            "//benchmarks:grids_benchmark",
            "//benchmarks/grids:profiles",
            "//benchmarks/grids:tables",
            "//report:make_report",
            "//tools/testing:test_helpers",
        ] + data,
        **kwargs
    )
