"""Repository files: licence, citation, changelog, and provenance notes that point inside the repository."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.conftest import ROOT


def test_licence_citation_and_changelog():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert declared == "Apache-2.0" and "Apache License" in licence and "Version 2.0, January 2004" in licence
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["license"] == declared and citation["authors"]
    assert str(citation["version"]) == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog and f"## [{citation['version']}]" in changelog


def test_provenance_notes_point_inside_the_repository():
    """Every document a data file, scenario or the README cites by path exists here."""
    texts = [*ROOT.glob("simulator/data/*.csv"), *ROOT.glob("calibration/*.csv"), *ROOT.glob("scenarios/**/*.toml"),
             ROOT / "calibration" / "belgium.toml", ROOT / "README.md", ROOT / "docs" / "sources.md"]
    cited = set()
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert "DOMAIN.md" not in text and "../shared/" not in text, path
        cited |= set(re.findall(r"\b((?:docs|simulator/data|calibration|schemas)/[\w./-]+\.(?:md|csv|json|toml))", text))
    assert "docs/sources.md" in cited
    missing = sorted(c for c in cited if not (ROOT / c).exists())
    assert not missing


def test_the_readme_defines_the_marks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for mark in ("**V** verified", "**D** derived", "**U** assumption", "**S** setting"):
        assert mark in readme
