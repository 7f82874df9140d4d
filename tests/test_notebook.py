"""The example notebook runs from top to bottom in a Jupyter kernel."""

from __future__ import annotations

import jupytext
from nbclient import NotebookClient

from tests.conftest import ROOT


def test_the_budget_impact_notebook_executes():
    notebook = jupytext.read(ROOT / "examples" / "budget_impact.py")
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the chart was not drawn"
    assert any("RunResult" in o.get("data", {}).get("text/plain", "") for o in outputs)
