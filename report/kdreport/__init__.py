"""The kd-bench report as a package; report/make_report.py is its command line."""
