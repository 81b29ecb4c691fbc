"""The library's layers, bottom up: a layer's targets are visible to the
layers above it and to the programs and tests, never to those below, so no
import can run up a layer (Bazel refuses the build)."""

LAYERS = ["util", "text", "data", "models", "distill", "experiment"]

_PROGRAMS_AND_TESTS = [
    "//benchmarks:__subpackages__",
    "//cli:__subpackages__",
    "//tests:__subpackages__",
]

def visible_above(layer):
    """default_visibility for lib/LAYER: the layers above it, the programs
    and the tests."""
    above = LAYERS[LAYERS.index(layer) + 1:]
    return ["//lib/%s:__pkg__" % name for name in above] + _PROGRAMS_AND_TESTS
