#!/usr/bin/env python3
"""kd-bench report generator.

    python3 report/make_report.py --results=DIR --out=DIR [--paper=FILE]

Reads one run's results (DIR/manifest.json, DIR/cells/<key>.json and, for
provenance only, DIR/<grid>.benchmark.json) and writes OUT/report.md,
OUT/report.html (one self-contained file) and OUT/plots/*.png.

The report is built once as a list of blocks (headings, paragraphs, tables,
images) and rendered twice, to Markdown and to HTML, so that both carry the
same content. Output depends only on the input: everything is sorted and no
clock is read. See report/README.md for the rules behind each verdict.

The work is done by the kdreport package beside this file: loading
(kdreport/load), grouping over seeds (grouping), verdicts and
preconditions, the tables, plots, speed and cost sections, and the
renderer (document); this file is the command line.
"""

import argparse
import os
import sys



def _use_an_interpreter_with_matplotlib_and_scipy():
    """On the project's machines `python3` may be a pyenv interpreter without
    matplotlib and scipy, which Debian's /usr/bin/python3 has: in that case
    re-run this script under Debian's interpreter once, before the package
    imports them."""
    try:
        import matplotlib  # noqa: F401
        import scipy  # noqa: F401
    except ImportError as e:
        alt = "/usr/bin/python3"
        if (os.path.exists(alt) and not os.environ.get("KDBENCH_REPORT_REEXEC")
                and os.path.realpath(sys.executable) != os.path.realpath(alt)):
            os.environ["KDBENCH_REPORT_REEXEC"] = "1"
            os.execv(alt, [alt] + sys.argv)
        sys.stderr.write(f"make_report: error: {e.name} is not importable "
                         "(apt-get install python3-matplotlib python3-scipy)\n")
        sys.exit(3)


_use_an_interpreter_with_matplotlib_and_scipy()
# The kdreport package, paired_stats, reference_check and run_time sit beside
# this file (in Bazel's runfiles too).
for _dir in (os.path.dirname(os.path.abspath(__file__)),
             os.path.dirname(os.path.realpath(__file__))):
    if _dir not in sys.path:
        sys.path.insert(0, _dir)
from kdreport.build import ARCHIVE, build  # noqa: E402
from kdreport.vocab import InputError  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", required=True, help="the run's results directory")
    ap.add_argument("--out", required=True, help="where report.md, report.html, plots/ go")
    ap.add_argument("--paper", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "paper_reference.json"),
                    help="the paper's numbers (default: report/paper_reference.json)")
    ap.add_argument("--reference", default="",
                    help="a reference run's results directory to check this run against "
                         "(results/reference/PROFILE); none: no check")
    ap.add_argument("--archive", default=ARCHIVE,
                    help="where results/history, results/gpu and results/grid-timing are "
                         "(default: the repository's results/)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.results):
        sys.stderr.write(f"make_report: error: {args.results}: not a directory (--results)\n")
        return 2
    try:
        os.makedirs(args.out, exist_ok=True)
        check_line, check_failed = build(args.results, args.out, args.paper, args.reference or None, args.archive)
    except InputError as e:
        sys.stderr.write(f"make_report: error: {e}\n")
        return 2
    print(f"make_report: wrote {os.path.join(args.out, 'report.md')}, "
          f"{os.path.join(args.out, 'report.html')} and {os.path.join(args.out, 'plots')}/")
    if check_line:
        print(check_line)
    # 3: the report is written, but the run disagrees with the reference.
    return 3 if check_failed else 0


if __name__ == "__main__":
    sys.exit(main())
