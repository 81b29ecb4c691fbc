"""A GCC precompiled header, compiled with the exact flags of the C++ rules.

Why: parsing <torch/torch.h> costs about 13 s of CPU per source file, and
some 90 sources include LibTorch; a cold `./kdbench test` on a 2-core machine
spent a third of its compile time on that one header. GCC loads a
precompiled header instead of parsing the text when a source is compiled with
`-include DIR/NAME.h` and `DIR/NAME.h.gch` was made with the same options,
so this rule asks the C++ toolchain for the command line of an ordinary
compile action (same features, copts, defines and include paths) and adds
only `-x c++-header`. Where GCC finds the .gch unusable it parses the header
instead (`-Winvalid-pch` says so), so a mismatch costs time, never
correctness.
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

def _precompiled_header_impl(ctx):
    cc_toolchain = find_cpp_toolchain(ctx)
    feature_configuration = cc_common.configure_features(
        ctx = ctx,
        cc_toolchain = cc_toolchain,
        requested_features = ctx.features,
        unsupported_features = ctx.disabled_features,
    )
    header = ctx.actions.declare_file(ctx.attr.name + ".h")
    ctx.actions.write(
        output = header,
        content = "".join(["#include <%s>\n" % h for h in ctx.attr.includes]),
    )
    deps = cc_common.merge_cc_infos(cc_infos = [d[CcInfo] for d in ctx.attr.deps])
    deps_context = deps.compilation_context
    precompiled = ctx.actions.declare_file(header.basename + ".gch")
    variables = cc_common.create_compile_variables(
        feature_configuration = feature_configuration,
        cc_toolchain = cc_toolchain,
        source_file = header.path,
        output_file = precompiled.path,
        user_compile_flags = ctx.fragments.cpp.copts + ctx.fragments.cpp.cxxopts +
                             ctx.attr.copts + ["-x", "c++-header"],
        include_directories = deps_context.includes,
        quote_include_directories = deps_context.quote_includes,
        system_include_directories = deps_context.system_includes,
        framework_include_directories = deps_context.framework_includes,
        preprocessor_defines = deps_context.defines,
        # --force_pic (.bazelrc): every source is compiled as PIC.
        use_pic = True,
    )
    action = "c++-compile"
    ctx.actions.run(
        executable = cc_common.get_tool_for_action(
            feature_configuration = feature_configuration,
            action_name = action,
        ),
        arguments = cc_common.get_memory_inefficient_command_line(
            feature_configuration = feature_configuration,
            action_name = action,
            variables = variables,
        ),
        env = cc_common.get_environment_variables(
            feature_configuration = feature_configuration,
            action_name = action,
            variables = variables,
        ),
        inputs = depset([header], transitive = [deps_context.headers, cc_toolchain.all_files]),
        outputs = [precompiled],
        mnemonic = "CppPrecompileHeader",
        progress_message = "Precompiling %s" % ", ".join(ctx.attr.includes),
    )
    own = CcInfo(compilation_context = cc_common.create_compilation_context(
        headers = depset([header, precompiled]),
    ))
    return [
        DefaultInfo(files = depset([header, precompiled])),
        cc_common.merge_cc_infos(cc_infos = [own, deps]),
    ]

precompiled_header = rule(
    implementation = _precompiled_header_impl,
    doc = "NAME.h (#include of each of `includes`) and its GCC precompiled NAME.h.gch; " +
          "a source uses it with `-include $(GENDIR)/PACKAGE/NAME.h` and a dependency on this target.",
    attrs = {
        "includes": attr.string_list(mandatory = True, doc = "headers, as in #include <...>"),
        "deps": attr.label_list(providers = [CcInfo], doc = "libraries that provide the headers"),
        "copts": attr.string_list(doc = "the copts of the rules whose sources use the header"),
        "_cc_toolchain": attr.label(default = "@bazel_tools//tools/cpp:current_cc_toolchain"),
    },
    fragments = ["cpp"],
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    incompatible_use_toolchain_transition = True,
)
