"""The page around a report: styles, sections, tables with plain labels, and charts inlined as SVG."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import pandas as pd

from simulator import charts

STYLE = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;line-height:1.4}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{padding:.2em .6em;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f6f6f6}td.t{text-align:left}figure.chart{margin:1em 0}figure.chart svg{max-width:100%;height:auto}
.note{color:#555;font-size:.85em}.summary{font-size:1.05em;background:#f4f8fc;padding:.8em 1em;border-left:4px solid #4c72b0}
.overrides{font-family:monospace;font-size:.85em;color:#8a3b00}.wide{overflow-x:auto}
pre{font-size:.75em;background:#f6f6f6;padding:1em;overflow:auto}details{margin:1em 0}"""


def section(title: str, body: str, anchor: str = "") -> str:
    """A titled section; `anchor` becomes the section's id."""
    ident = f' id="{anchor}"' if anchor else ""
    return f"<section{ident}><h2>{html.escape(title)}</h2>\n{body}\n</section>\n"


def note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def chart(name: str, draw: Callable, width: float = 8.0, height: float = 3.8) -> str:
    """A chart inlined as SVG in a figure with the chart's name as id."""
    return f'<figure class="chart" id="{name}">{charts.svg(name, draw, width, height)}</figure>'


def money(value: float) -> str:
    """Million EUR with one decimal and a true minus sign; the exact figure in data-value."""
    if value != value:
        return '<td data-value="nan">–</td>'
    shown = f"{value / 1e6:,.1f}".replace("-", "−")
    return f'<td data-value="{value!r}">{shown}</td>'


def cell(value: object, digits: int = 2) -> str:
    if isinstance(value, float):
        if value != value:
            return "<td>–</td>"
        return f'<td data-value="{value!r}">{f"{value:,.{digits}f}".replace("-", "−")}</td>'
    return f'<td class="t">{html.escape(str(value))}</td>'


def table(frame: pd.DataFrame, ident: str = "", digits: int = 2, money_columns: Sequence[str] = (),
          header: str = "") -> str:
    """A DataFrame as an HTML table: column names as given (already plain), money in million EUR, other numbers rounded."""
    ident_attr = f' id="{ident}"' if ident else ""
    head = header or "<tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns) + "</tr>"
    rows = []
    for values in frame.itertuples(index=False):
        cells = [money(float(v)) if c in money_columns else cell(v, digits) for c, v in zip(frame.columns, values)]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="wide"><table{ident_attr}>{head}{"".join(rows)}</table></div>'


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")

