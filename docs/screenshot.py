"""Regenerate docs/report-first-screen.png: the first screen of report.html for the full-transition scenario.

    .venv/bin/python docs/screenshot.py        # needs Debian's chromium (/usr/bin/chromium) and playwright
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    from simulator.api import run_scenario

    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser_path:
        sys.exit("chromium not found (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "run"
        run_scenario(ROOT / "scenarios" / "transition_full.toml", overrides=["population.size=20000", "run.replications=3"],
                     out=folder, workers=2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1100, "height": 1000}, device_scale_factor=1)
            page.goto((folder / "report.html").as_uri())
            page.screenshot(path=str(ROOT / "docs" / "report-first-screen.png"), clip={"x": 0, "y": 0, "width": 1100, "height": 1000})
            browser.close()
    print(f"Wrote {ROOT / 'docs' / 'report-first-screen.png'}")


if __name__ == "__main__":
    main()
