"""Self-contained HTML reports: one per run (`report.html`) and side-by-side comparisons (`compare.html`)."""

from simulator.report.compare import comparison, render_comparison
from simulator.output import write_text_atomically
from simulator.report.run_report import read_run, render_run, write_run_report
from simulator.report.sections import settlements_html

__all__ = ["comparison", "read_run", "render_comparison", "render_run", "settlements_html", "write_run_report", "write_text_atomically"]
