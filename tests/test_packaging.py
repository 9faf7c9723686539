"""A plain `pip install` must carry the bundled scenarios, the data and the schema."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_contains_scenarios_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("brainflops-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    scenarios = {f"brainflops/scenarios/{p.name}" for p in (ROOT / "scenarios").glob("*.yaml")}
    assert scenarios <= names
    for data in (
        "machines.yaml",
        "top500_number1.csv",
        "top500_aggregate.csv",
        "scenario.schema.json",
        "ai_supercomputers.csv",
        "training_runs.csv",
        "accelerators.yaml",
    ):
        assert f"brainflops/data/{data}" in names
    assert "brainflops/py.typed" in names
    assert not any(n.startswith(("tests/", "docs/")) for n in names)
    # the MIT license that pyproject.toml declares travels with the wheel
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), sorted(names)


def test_a_plain_install_brings_everything_the_readme_runs() -> None:
    """`pip install brainflops` (no extras) must draw the report's figures too."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {d.split(">")[0].split("=")[0].split("<")[0].strip() for d in project["dependencies"]}
    assert {"typer", "pydantic", "pyyaml", "rich", "numpy", "matplotlib"} <= names


def test_the_citation_file_names_this_version_and_its_sources() -> None:
    import yaml

    from brainflops import __version__

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    assert citation["version"] == __version__ and citation["authors"]
    doi = {r.get("doi") for r in citation["references"]}
    assert "10.1016/j.respol.2015.11.001" in doi  # Farmer & Lafond, the forecasts' method
    assert "## Unreleased" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
