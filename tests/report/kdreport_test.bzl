"""A test of a report/kdreport module: NAME.py run by Debian's python3 with
the path of report/make_report.py (the package sits beside it), and the
shared helpers of report_testing.py."""

def kdreport_test(name, data = []):
    native.sh_test(
        name = name,
        size = "small",
        srcs = ["//tools/testing:run_python_test.sh"],
        args = [
            "$(location %s.py)" % name,
            "$(location //report:make_report.py)",
        ],
        data = [
            name + ".py",
            "report_testing.py",
            "//report:make_report",
            "//report:make_report.py",
        ] + data,
    )
