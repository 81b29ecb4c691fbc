"""The git revision a binary is built from, as a C++ string literal.

Reads Bazel's stable workspace status (tools/workspace_status.sh), so only
the targets that depend on it rebuild at a new revision.
"""

def _build_revision_impl(ctx):
    ctx.actions.run_shell(
        inputs = [ctx.info_file],
        outputs = [ctx.outputs.out],
        command = "revision=$(sed -n 's/^STABLE_KDBENCH_GIT_REVISION //p' %s); printf '\"%%s\"\\n' \"${revision:-unknown}\" > %s" %
                  (ctx.info_file.path, ctx.outputs.out.path),
        mnemonic = "BuildRevision",
    )
    return [DefaultInfo(files = depset([ctx.outputs.out]))]

build_revision = rule(
    implementation = _build_revision_impl,
    doc = "Writes `out`: the build's git revision as a quoted string.",
    attrs = {"out": attr.output(mandatory = True)},
)
