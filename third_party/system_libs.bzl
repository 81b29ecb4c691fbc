"""System C++ libraries (Debian packages) as Bazel repositories, offline.

Each repository symlinks the library's headers from the system include root
and links the installed shared or static libraries, under the repository name
and target labels the upstream project uses (@com_google_absl//absl/status,
@com_google_googletest//:gtest_main, ...), so BUILD files read as usual.
A missing package fails the build with the package to install.
"""

load("//third_party:libtorch.bzl", "libtorch_repository")

def multiarch_lib_dir(rctx):
    """Debian's multiarch library directory, e.g. /usr/lib/x86_64-linux-gnu."""
    result = rctx.execute(["gcc", "-print-multiarch"])
    triple = result.stdout.strip()
    if result.return_code != 0 or not triple:
        return "/usr/lib"
    return "/usr/lib/" + triple

def _link_names(rctx, lib_dir, prefix):
    """Names for -l of every shared library in lib_dir whose file starts with prefix."""
    names = []
    for entry in rctx.path(lib_dir).readdir():
        base = entry.basename
        if base.startswith(prefix) and base.endswith(".so"):
            names.append(base[len("lib"):-len(".so")])
    return sorted(names)

def _system_cc_repository_impl(rctx):
    include_root = rctx.attr.include_root
    for entry in rctx.attr.include_entries:
        source = rctx.path(include_root + "/" + entry)
        if not source.exists:
            fail("kd-bench: %s/%s is missing; install the Debian package %s (./tools/bootstrap.sh does)" %
                 (include_root, entry, rctx.attr.debian_package))
        rctx.symlink(source, "include/" + entry)
    lib_dir = multiarch_lib_dir(rctx)
    libs = list(rctx.attr.link_libs)
    for prefix in rctx.attr.link_lib_prefixes:
        libs.extend(_link_names(rctx, lib_dir, prefix))
    for lib in libs:
        if not (rctx.path("%s/lib%s.so" % (lib_dir, lib)).exists or rctx.path("%s/lib%s.a" % (lib_dir, lib)).exists):
            fail("kd-bench: lib%s is missing in %s; install the Debian package %s (./tools/bootstrap.sh does)" %
                 (lib, lib_dir, rctx.attr.debian_package))
    for name in rctx.attr.link_files:
        if not rctx.path("%s/%s" % (lib_dir, name)).exists:
            fail("kd-bench: %s is missing in %s; install the Debian package %s (./tools/bootstrap.sh does)" %
                 (name, lib_dir, rctx.attr.debian_package))
    linkopts = (["-L" + lib_dir] + ["-l" + lib for lib in libs] +
                ["-l:" + name for name in rctx.attr.link_files] + list(rctx.attr.extra_linkopts))
    rctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % rctx.name)
    rctx.file("BUILD.bazel", rctx.attr.build_template.replace("%{linkopts}", repr(linkopts)))
    for package, names in rctx.attr.alias_packages.items():
        content = ["package(default_visibility = [\"//visibility:public\"])\n"]
        for name in names:
            content.append("alias(name = \"%s\", actual = \"//:%s\")\n" % (name, rctx.attr.alias_actual))
        rctx.file(package + "/BUILD.bazel", "\n".join(content))

system_cc_repository = repository_rule(
    implementation = _system_cc_repository_impl,
    attrs = {
        "include_root": attr.string(default = "/usr/include"),
        "include_entries": attr.string_list(mandatory = True),
        "link_libs": attr.string_list(),
        "link_lib_prefixes": attr.string_list(),
        # Exact file names in the library directory, linked as -l:NAME (for
        # packages that ship no unversioned .so).
        "link_files": attr.string_list(),
        "extra_linkopts": attr.string_list(),
        "debian_package": attr.string(mandatory = True),
        "build_template": attr.string(mandatory = True),
        "alias_packages": attr.string_list_dict(),
        "alias_actual": attr.string(),
    },
    local = True,
)

_LIBRARY_TEMPLATE = """package(default_visibility = ["//visibility:public"])

cc_library(
    name = "{name}",
    hdrs = glob(["include/**"]),
    includes = ["include"],
    linkopts = %{{linkopts}},
)
"""

# The abseil targets this suite uses, under abseil's own package/target names.
# All of them resolve to one target linking every installed libabsl_*.so:
# Debian splits abseil into ~70 shared libraries whose inline code reaches
# across packages, and listing them per target would only invite link errors.
_ABSL_ALIASES = {
    "absl/algorithm": ["algorithm", "container"],
    "absl/base": ["base", "core_headers"],
    "absl/cleanup": ["cleanup"],
    "absl/container": ["btree", "fixed_array", "flat_hash_map", "flat_hash_set", "inlined_vector", "node_hash_map"],
    "absl/debugging": ["failure_signal_handler", "stacktrace", "symbolize"],
    "absl/flags": ["flag", "parse", "reflection", "usage"],
    "absl/functional": ["any_invocable", "bind_front", "function_ref"],
    "absl/hash": ["hash"],
    "absl/memory": ["memory"],
    "absl/numeric": ["bits", "int128"],
    "absl/random": ["distributions", "random"],
    "absl/status": ["status", "statusor"],
    "absl/strings": ["cord", "str_format", "strings"],
    "absl/synchronization": ["synchronization"],
    "absl/time": ["time"],
    "absl/types": ["optional", "span", "variant"],
    "absl/utility": ["utility"],
}

# Linked into every binary and test (tools/build_defs.bzl) as the process's
# malloc. glibc returns each large tensor's pages to the kernel when it is
# freed (above its 32 MB mmap ceiling, or by trimming), so every training
# step faults them in again; tcmalloc keeps them: ~6x fewer page faults and
# ~8% less time per student cell here, the same numbers (allocation does not
# change arithmetic). --no-as-needed: nothing calls it by name, and the
# linker must keep it for its malloc to take the place of glibc's.
_ALLOCATOR_TEMPLATE = """package(default_visibility = ["//visibility:public"])

cc_library(
    name = "tcmalloc",
    linkopts = ["-Wl,--push-state,--no-as-needed"] + %{linkopts} + ["-Wl,--pop-state"],
)
"""

def kdbench_system_libraries():
    """Declares every system library repository; called from WORKSPACE."""
    libtorch_repository(name = "libtorch")

    system_cc_repository(
        name = "com_google_absl",
        include_entries = ["absl"],
        link_lib_prefixes = ["libabsl_"],
        debian_package = "libabsl-dev",
        build_template = _LIBRARY_TEMPLATE.format(name = "absl"),
        alias_packages = _ABSL_ALIASES,
        alias_actual = "absl",
    )

    system_cc_repository(
        name = "com_googlesource_code_re2",
        include_entries = ["re2"],
        link_libs = ["re2"],
        debian_package = "libre2-dev",
        build_template = _LIBRARY_TEMPLATE.format(name = "re2"),
    )

    system_cc_repository(
        name = "com_github_nlohmann_json",
        include_entries = ["nlohmann"],
        debian_package = "nlohmann-json3-dev",
        build_template = _LIBRARY_TEMPLATE.format(name = "json"),
    )

    # Grid specifications and profiles (TOML; every node knows its line).
    # Header-only; without exceptions, parse errors come back as values.
    system_cc_repository(
        name = "tomlplusplus",
        include_entries = ["toml++"],
        debian_package = "libtomlplusplus-dev",
        build_template = """package(default_visibility = ["//visibility:public"])

cc_library(
    name = "tomlplusplus",
    hdrs = glob(["include/**"]),
    includes = ["include"],
    defines = ["TOML_EXCEPTIONS=0"],
)
""",
    )

    system_cc_repository(
        name = "tcmalloc",
        include_entries = [],
        link_files = ["libtcmalloc_minimal.so.4"],
        debian_package = "libtcmalloc-minimal4",
        build_template = _ALLOCATOR_TEMPLATE,
    )

    # SHA-256 for content-addressed cache keys.
    system_cc_repository(
        name = "openssl",
        include_entries = ["openssl"],
        link_libs = ["crypto"],
        debian_package = "libssl-dev",
        build_template = _LIBRARY_TEMPLATE.format(name = "crypto"),
    )

    system_cc_repository(
        name = "icu",
        include_entries = ["unicode"],
        link_libs = ["icui18n", "icuuc", "icudata"],
        debian_package = "libicu-dev",
        build_template = _LIBRARY_TEMPLATE.format(name = "icu"),
    )

    # MIME parsing of the SpamAssassin emails (multipart, quoted-printable,
    # base64, RFC 2047 headers, charsets).
    pkg_config_repository(
        name = "gmime",
        modules = ["gmime-3.0"],
        target = "gmime",
        debian_package = "libgmime-3.0-dev",
    )

    # HTML email bodies to text.
    pkg_config_repository(
        name = "libxml2",
        modules = ["libxml-2.0"],
        target = "libxml2",
        debian_package = "libxml2-dev",
    )

    # Word vectors for the students' embeddings (skip-gram on the transfer set).
    system_cc_repository(
        name = "fasttext",
        include_entries = ["fasttext"],
        link_libs = ["fasttext"],
        debian_package = "libfasttext-dev",
        build_template = _LIBRARY_TEMPLATE.format(name = "fasttext"),
    )

    # oneDNN: the packed, fused LSTM of the students' deployment path. The
    # same libdnnl.so.2 LibTorch links.
    system_cc_repository(
        name = "onednn",
        include_entries = ["oneapi"],
        link_libs = ["dnnl"],
        debian_package = "libdnnl-dev",
        build_template = _LIBRARY_TEMPLATE.format(name = "onednn"),
    )

    # Debian ships GoogleTest as static archives only.
    system_cc_repository(
        name = "com_google_googletest",
        include_entries = ["gtest", "gmock"],
        debian_package = "libgtest-dev and libgmock-dev",
        build_template = """package(default_visibility = ["//visibility:public"])

cc_library(
    name = "gtest",
    hdrs = glob(["include/**"]),
    includes = ["include"],
    linkopts = ["-lgmock", "-lgtest", "-pthread"],
)

# Whole-archive: Debian's libfasttext.so exports a `main`, which would
# otherwise satisfy the reference before this archive's main is pulled in.
cc_library(
    name = "gtest_main",
    linkopts = ["-Wl,--whole-archive", "-lgmock_main", "-Wl,--no-whole-archive"],
    deps = [":gtest"],
)
""",
    )

    system_cc_repository(
        name = "com_github_google_benchmark",
        include_entries = ["benchmark"],
        link_libs = ["benchmark"],
        debian_package = "libbenchmark-dev",
        build_template = """package(default_visibility = ["//visibility:public"])

cc_library(
    name = "benchmark",
    hdrs = glob(["include/**"]),
    includes = ["include"],
    linkopts = %{linkopts} + ["-pthread"],
)

cc_library(
    name = "benchmark_main",
    linkopts = ["-Wl,--whole-archive", "-lbenchmark_main", "-Wl,--no-whole-archive"],
    deps = [":benchmark"],
)
""",
    )

def _words(text):
    return [word for word in text.strip().replace("\n", " ").split(" ") if word]

def _pkg_config_repository_impl(rctx):
    modules = rctx.attr.modules
    cflags = rctx.execute(["pkg-config", "--cflags-only-I"] + modules)
    libs = rctx.execute(["pkg-config", "--libs"] + modules)
    if cflags.return_code != 0 or libs.return_code != 0:
        fail("kd-bench: pkg-config finds no %s; install the Debian package %s (./tools/bootstrap.sh does)\n%s" %
             (" ".join(modules), rctx.attr.debian_package, cflags.stderr + libs.stderr))
    includes = []
    for index, flag in enumerate(_words(cflags.stdout)):
        directory = flag[len("-I"):]
        link = "include/%d" % index
        rctx.symlink(directory, link)
        includes.append(link)
    rctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % rctx.name)
    rctx.file("BUILD.bazel", """package(default_visibility = ["//visibility:public"])

# Generated from pkg-config {modules}.
cc_library(
    name = "{name}",
    hdrs = glob(["include/**/*.h"]),
    includes = {includes},
    linkopts = {linkopts},
)
""".format(modules = " ".join(modules), name = rctx.attr.target, includes = repr(includes),
           linkopts = repr(_words(libs.stdout))))

pkg_config_repository = repository_rule(
    implementation = _pkg_config_repository_impl,
    attrs = {
        "modules": attr.string_list(mandatory = True),
        "target": attr.string(mandatory = True),
        "debian_package": attr.string(mandatory = True),
    },
    local = True,
)
