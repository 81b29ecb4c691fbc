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

def kd_cc_library(name, copts = [], **kwargs):
    native.cc_library(name = name, copts = KDBENCH_COPTS + copts, **kwargs)

def kd_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(name = name, copts = KDBENCH_COPTS + copts, **kwargs)

def kd_cc_test(name, copts = [], deps = [], size = "small", **kwargs):
    """A GoogleTest test; gtest_main is linked unless the test brings a main."""
    if "@com_google_googletest//:gtest" not in deps:
        deps = deps + ["@com_google_googletest//:gtest_main"]
    native.cc_test(name = name, copts = KDBENCH_COPTS + copts, deps = deps, size = size, **kwargs)
