"""Versions of the code that computes results, derived from its sources.

A teacher's or a cell's key includes the version of the code that computed
it, so a record from other code is never reused. The version is a hash of the
repository's own sources in the computing target's dependency closure (paths
and contents; LibTorch and the other external libraries are versioned in the
records instead). A student's cells exclude the files that belong to the other
students alone, so changing one student recomputes its cells only; a file two
students share counts for every cell.
"""

_SourcesInfo = provider(
    doc = "A target's own source files and those of its dependency closure.",
    fields = ["own", "closure"],
)

def _own_sources(rule):
    own = []
    for attr in ("srcs", "hdrs", "textual_hdrs"):
        for f in getattr(rule.files, attr, []):
            # Generated files (the precompiled LibTorch header) follow from
            # sources counted elsewhere; external repositories have versions.
            if f.is_source and f.owner.workspace_name == "":
                own.append(f)
    return own

def _sources_aspect_impl(target, ctx):
    own = _own_sources(ctx.rule)
    deps = [dep[_SourcesInfo].closure for dep in getattr(ctx.rule.attr, "deps", []) if _SourcesInfo in dep]
    return [_SourcesInfo(own = depset(own), closure = depset(own, transitive = deps))]

_sources_aspect = aspect(implementation = _sources_aspect_impl, attr_aspects = ["deps"])

def _code_versions_impl(ctx):
    # The code that drives both (settings into options, teachers located)
    # cannot be a dependency: it reads these versions.
    driver = [f for f in ctx.files.driver if f.is_source]
    teacher = ctx.attr.teacher[_SourcesInfo].closure.to_list() + driver
    cells = ctx.attr.cells[_SourcesInfo].closure.to_list() + driver
    students = {target: names.split(",") for target, names in ctx.attr.students.items()}
    components = [("teacher", teacher), ("cell", cells)]
    for target, names in students.items():
        others = {}
        for other in students:
            if other != target:
                for f in other[_SourcesInfo].own.to_list():
                    others[f.path] = True
        files = [f for f in cells if f.path not in others]
        for name in names:
            components.append(("cell:" + name, files))

    manifests, commands = [], []
    for name, files in components:
        manifest = ctx.actions.declare_file("%s.%s.files" % (ctx.label.name, name.replace(":", "-")))
        ctx.actions.write(manifest, "\n".join(sorted([f.path for f in files])) + "\n")
        manifests.append(manifest)
        commands.append(
            "printf 'KDBENCH_CODE_VERSION(\"%s\", \"%%s\")\\n' \"$(xargs sha256sum < %s | sha256sum | cut -c1-16)\" >> %s" %
            (name, manifest.path, ctx.outputs.out.path),
        )
    ctx.actions.run_shell(
        inputs = depset(manifests, transitive = [depset(teacher), depset(cells)]),
        outputs = [ctx.outputs.out],
        command = "set -euo pipefail; : > %s; %s" % (ctx.outputs.out.path, "; ".join(commands)),
        mnemonic = "CodeVersions",
        progress_message = "Hashing the sources behind teachers and cells",
    )
    return [DefaultInfo(files = depset([ctx.outputs.out]))]

code_versions = rule(
    implementation = _code_versions_impl,
    doc = "Writes `out`: one KDBENCH_CODE_VERSION(component, hash) line per component.",
    attrs = {
        "out": attr.output(mandatory = True),
        "teacher": attr.label(mandatory = True, aspects = [_sources_aspect]),
        "cells": attr.label(mandatory = True, aspects = [_sources_aspect]),
        "driver": attr.label_list(
            allow_files = True,
            doc = "Sources that turn settings into the computations' options; counted for all.",
        ),
        "students": attr.label_keyed_string_dict(
            aspects = [_sources_aspect],
            doc = "Each student's library: the architectures it builds, comma-separated.",
        ),
    },
)
