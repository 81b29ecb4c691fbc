"""LibTorch as the Bazel repository @libtorch, from an installed LibTorch.

The location comes from LIBTORCH_HOME (default /usr, Debian's libtorch-dev).
Two layouts are recognised:
  Debian:   /usr/include/{torch,ATen,c10,caffe2}, /usr/lib/<multiarch>/libtorch.so
  unpacked: $LIBTORCH_HOME/include/..., $LIBTORCH_HOME/lib/libtorch.so
            (the official archive, CPU or CUDA; use its cxx11-ABI build).
A LibTorch with libtorch_cuda.so is linked with CUDA; KDBENCH_REQUIRE_CUDA=1
(set by --config=cuda) makes a CPU-only LibTorch an error instead.
"""

_DEBIAN_INCLUDE_ENTRIES = ["ATen", "c10", "caffe2", "torch"]

def _fail(message):
    fail("kd-bench (@libtorch): " + message)

def _libtorch_repository_impl(rctx):
    home = rctx.os.environ.get("LIBTORCH_HOME", "/usr").rstrip("/") or "/"
    include_dir = rctx.path(home + "/include")
    if not rctx.path(home + "/include/torch/csrc/api/include/torch/torch.h").exists:
        _fail("no LibTorch headers under %s/include (LIBTORCH_HOME=%s). Install Debian's libtorch-dev " % (home, home) +
              "(./tools/bootstrap.sh does) or point LIBTORCH_HOME at an unpacked LibTorch.")

    lib_dir = None
    triple = rctx.execute(["gcc", "-print-multiarch"]).stdout.strip()
    for candidate in [home + "/lib", home + "/lib/" + triple]:
        if rctx.path(candidate + "/libtorch.so").exists:
            lib_dir = candidate
    if lib_dir == None:
        _fail("libtorch.so not found in %s/lib or %s/lib/%s" % (home, home, triple))

    # Debian's LibTorch and the system libraries use the C++11 ABI; the
    # pre-cxx11 LibTorch archive would fail at link time with obscure errors.
    torch_config = rctx.path(home + "/share/cmake/Torch/TorchConfig.cmake")
    if torch_config.exists and "_GLIBCXX_USE_CXX11_ABI=0" in rctx.read(torch_config):
        _fail("%s is a pre-cxx11-ABI LibTorch; use the cxx11-ABI build" % home)

    has_cuda = rctx.path(lib_dir + "/libtorch_cuda.so").exists
    if rctx.os.environ.get("KDBENCH_REQUIRE_CUDA", "0") == "1" and not has_cuda:
        _fail("--config=cuda needs a CUDA LibTorch, but %s has no libtorch_cuda.so; " % lib_dir +
              "set LIBTORCH_HOME to an unpacked CUDA LibTorch")

    if home == "/usr":
        entries = _DEBIAN_INCLUDE_ENTRIES
    else:
        entries = [e.basename for e in include_dir.readdir()]
    for entry in entries:
        rctx.symlink(include_dir.get_child(entry), "include/" + entry)

    libs = ["torch", "torch_cpu", "c10"]
    if has_cuda:
        libs += ["torch_cuda", "c10_cuda"]

    # --no-as-needed: libtorch_cuda registers its kernels from static
    # initialisers; with --as-needed the linker drops it and CUDA silently
    # reports unavailable.
    linkopts = (["-L" + lib_dir, "-Wl,-rpath," + lib_dir, "-Wl,--push-state,--no-as-needed"] +
                ["-l" + lib for lib in libs] + ["-Wl,--pop-state", "-pthread"])
    defines = ["KDBENCH_LIBTORCH_CUDA=1"] if has_cuda else []

    rctx.file("WORKSPACE", "workspace(name = \"libtorch\")\n")
    rctx.file("BUILD.bazel", """package(default_visibility = ["//visibility:public"])

# Generated from LIBTORCH_HOME={home} ({libdir}; CUDA: {cuda}).
cc_library(
    name = "libtorch",
    hdrs = glob(["include/**/*.h", "include/**/*.hpp", "include/**/*.cuh"], allow_empty = True),
    includes = ["include", "include/torch/csrc/api/include"],
    defines = {defines},
    linkopts = {linkopts},
)

alias(
    name = "torch",
    actual = ":libtorch",
)
""".format(home = home, libdir = lib_dir, cuda = has_cuda, defines = repr(defines), linkopts = repr(linkopts)))

libtorch_repository = repository_rule(
    implementation = _libtorch_repository_impl,
    environ = ["LIBTORCH_HOME", "KDBENCH_REQUIRE_CUDA"],
    local = True,
)
