"""`brainflops data status | import | reset`: a newer TOP500 list or Epoch AI export, merged
over the bundled rows, validated whole (a bad file changes nothing), undone exactly."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brainflops.model.data import forget
from tests.conftest import assert_input_error, invoke

HEADER = [
    "Rank", "Previous Rank", "First Appearance", "First Rank", "Name", "Computer", "Site",
    "Manufacturer", "Country", "Year", "Segment", "Total Cores",
    "Accelerator/Co-Processor Cores", "Rmax [TFlop/s]", "Rpeak [TFlop/s]", "Nmax", "Nhalf",
    "HPCG [TFlop/s]", "Power (kW)", "Power Source", "Energy Efficiency [GFlops/Watts]", "Memory",
]  # fmt: skip
"""The columns of the site's Excel export, in its order (the import reads six of them)."""
LIST_67_TOP = [
    # transcribed from the June 2026 list (the bundled top500_number1.csv cites its sources)
    [1, None, 67, 1, "LineShine", "LingKun LX2", "National Supercomputing Center in Shenzhen",
     "NUDT", "China", 2026, "Research", 13789440, None, 2198000.0, 2736000.0, None, None,
     None, 42200, None, None, None],
    [2, 1, 60, 1, "El Capitan", "HPE Cray EX255a", "DOE/NNSA/LLNL", "HPE", "United States",
     2024, "Research", 11340000, 10400000, 1809000.0, 2821000.0, None, None, None, 29685,
     None, None, None],
]  # fmt: skip


def top500_rows(first: list[Any], count: int = 500) -> list[list[Any]]:
    """A made-up list in the site's layout: `first` is #1, then the June 2026 top two, then
    smaller systems down to #500 (Rmax falling by rank, as on every list)."""
    rows = [first, *[[r[0] + 1, *r[1:]] for r in LIST_67_TOP]]
    for rank in range(4, count + 1):
        rmax = 1.5e6 / rank
        rows.append(
            [rank, None, 68, rank, f"System {rank}", "Cluster", "Site", "Vendor", "Country",
             2026, "Industry", 10000, None, rmax, rmax * 1.4, None, None, None, None, None,
             None, None]
        )  # fmt: skip
    return rows[:count]


MADE_UP_68 = [1, None, 68, 1, "Made-up Exa", "Imagined X1", "Somewhere Lab", "Nobody",
              "Nowhere", 2026, "Research", 20000000, None, 3000000.0, 4000000.0, None, None,
              None, 50000, None, None, None]  # fmt: skip
"""#1 of a made-up November 2026 list (list 68): 3 EFLOP/s, above LineShine's 2.198."""


def xlsx(path: Path, rows: list[list[Any]], sheet: str = "68") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    page = book.active
    assert page is not None
    page.title = sheet
    page.append(HEADER)
    for row in rows:
        page.append(row)
    book.save(path)
    return path


def as_csv(path: Path, rows: list[list[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(["" if c is None else c for c in row] for row in rows)
    return path


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user data folder of this test's own; the data read afresh before and after."""
    data = tmp_path / "user-data"
    monkeypatch.setenv("BRAINFLOPS_DATA", str(data))
    forget()
    yield data
    monkeypatch.undo()
    forget()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def compare_json() -> dict[str, Any]:
    result = invoke("compare", "dettmers-2015", "--json", "-n", "2000")
    assert result.exit_code == 0, result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_a_newer_list_brings_its_number1_and_reset_restores_the_answer_exactly(
    folder: Path, tmp_path: Path
) -> None:
    before = compare_json()
    assert before["newest_number1"] == "LineShine (LingKun LX2)"
    path = xlsx(tmp_path / "TOP500_202611.xlsx", top500_rows(MADE_UP_68))
    result = invoke("data", "import", "top500", str(path))
    assert result.exit_code == 0, result.stderr
    after = compare_json()
    # the sheet is named 68: the list of November 2026 (1 = June 1993, two a year)
    assert after["newest_number1"] == "Made-up Exa (Imagined X1)"
    assert after["data_as_of"]["top500"] == "2026-11"
    machine = next(m for m in after["machines"] if m["kind"] == "hpc")
    assert machine["name"] == "Made-up Exa" and machine["list_date"] == "2026-11"
    # 1.075e21 / 3.0e18 HPL FLOP/s = 358.3
    assert machine["metrics"]["compute_hpl"]["ratio"]["median"] == pytest.approx(358.33, rel=1e-3)
    status = json.loads(invoke("data", "status", "--json").stdout)
    top500 = next(d for d in status["data_sets"] if d["name"] == "top500")
    assert top500["newest"] == "2026-11" and top500["rows"] == 68
    assert top500["imported"] == str(folder / "top500.csv")
    reset = invoke("data", "reset", "top500")
    assert reset.exit_code == 0 and "removed your top500 import" in reset.stderr
    assert compare_json() == before
    assert not (folder / "top500.csv").exists()


def test_the_sum_and_the_number500_come_from_the_list(folder: Path, tmp_path: Path) -> None:
    rows = top500_rows(MADE_UP_68)
    path = as_csv(tmp_path / "list.csv", rows)
    assert invoke("data", "import", "top500", str(path), "--list", "2026-11").exit_code == 0
    from brainflops.model.data import top500_aggregate

    row = top500_aggregate()[-1]
    assert row.list == "2026-11" and row.n_systems == 500
    # #500: 1.5e6 / 500 = 3,000 TFlop/s; the sum adds every Rmax, in FLOP/s
    assert row.rank500_rmax_flops == pytest.approx(3000e12)
    assert row.sum_rmax_flops == pytest.approx(sum(r[13] for r in rows) * 1e12, rel=1e-5)


def test_list_wins_over_the_sheet_name(folder: Path, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "list.xlsx", top500_rows(MADE_UP_68), sheet="99")
    assert invoke("data", "import", "top500", str(path), "--list", "2026-11").exit_code == 0
    status = json.loads(invoke("data", "status", "--json").stdout)
    assert next(d for d in status["data_sets"] if d["name"] == "top500")["newest"] == "2026-11"


def _bad_files(tmp: Path) -> list[tuple[list[str], str]]:
    good = top500_rows(MADE_UP_68)
    short = xlsx(tmp / "short.xlsx", good[:499])
    latin = tmp / "latin.csv"
    as_csv(latin, [[*good[0][:6], "Zürich Lab", *good[0][7:]], *good[1:]], encoding="latin-1")
    word = [list(r) for r in good]
    word[5][13] = "lots"
    wrong = xlsx(tmp / "word.xlsx", word)
    twice = [list(r) for r in good]
    twice[9][0] = 9
    rising = [list(r) for r in good]
    rising[20][13] = 2.5e6
    fake = tmp / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 this is not a workbook")
    return [
        (["top500", str(short)], "short.xlsx: the list has 499 systems; a TOP500 list has 500"),
        (["top500", str(latin), "--list", "2026-11"], "latin.csv:2: not UTF-8 text"),
        (["top500", str(wrong)], "word.xlsx:7: Rmax [TFlop/s]: 'lots' is not a number"),
        (["top500", str(xlsx(tmp / "twice.xlsx", twice))], "twice.xlsx:11: rank 9 appears twice"),
        (
            ["top500", str(xlsx(tmp / "rising.xlsx", rising))],
            "rising.xlsx:22: rank 21 has a larger Rmax than rank 20",
        ),
        (["top500", str(fake)], "fake.xlsx: not a readable Excel .xlsx file"),
        (["top500", str(as_csv(tmp / "nodate.csv", good))], "say which list this is: --list"),
        (["top500", str(short), "--list", "2026-13"], "--list: '2026-13' is not a TOP500 list"),
        (["nasdaq", str(short)], "KIND: unknown data set 'nasdaq'"),
        (["top500", str(tmp / "missing.xlsx")], "missing.xlsx: No such file or directory"),
    ]


def test_a_bad_file_is_refused_where_it_is_wrong_and_nothing_changes(
    folder: Path, tmp_path: Path
) -> None:
    # a good import first: every refusal after it must leave it as it was
    good = xlsx(tmp_path / "good.xlsx", top500_rows(MADE_UP_68))
    assert invoke("data", "import", "top500", str(good)).exit_code == 0
    kept = snapshot(folder)
    for args, message in _bad_files(tmp_path):
        assert_input_error(invoke("data", "import", *args), message)
        assert snapshot(folder) == kept, args


def test_a_file_brainflops_did_not_write_is_never_overwritten(folder: Path, tmp_path: Path) -> None:
    folder.mkdir()
    (folder / "top500.csv").write_text("my own notes\n", encoding="utf-8")
    good = xlsx(tmp_path / "good.xlsx", top500_rows(MADE_UP_68))
    assert_input_error(invoke("data", "import", "top500", str(good)), "not a file brainflops wrote")
    assert_input_error(invoke("data", "reset", "top500"), "not a file brainflops wrote")
    assert (folder / "top500.csv").read_text(encoding="utf-8") == "my own notes\n"


EPOCH_CLUSTERS = (
    "Name,Status,Certainty,Single cluster?,Chip type (primary),Chip quantity (primary),Owner,"
    "First Operational Date,Power Capacity (MW),Rank when first operational,16-bit OP/s,"
    "8-bit OP/s,Calculated Power Capacity (MW),Reported Power Capacity (MW),Calculated Cost,"
    "Reported Cost,Source 1\n"
    # rows as Epoch AI's export writes them (from its planned Colossus 2 phase 2), and a
    # made-up existing system larger than every bundled one
    "xAI Colossus 2 Memphis Phase 2,Planned,Likely,Yes,NVIDIA GB200,330000.0,xAI,,1409.408,,"
    "1.375e+21,1.6863e+21,1409.408,,975586913086.9132,,https://archive.ph/oHQSA\n"
    "Made-up Giant,Existing,Confirmed,Yes,NVIDIA GB300,1000000.0,Nobody,2026-09-01,2500.0,1,"
    "2.5e+21,5e+21,2500.0,,,,https://example.org/made-up\n"
)
EPOCH_MODELS = (
    "Model,Domain,Organization,Publication date,Training compute (FLOP),Confidence,Link\n"
    "Made-up LM,Language,Nobody,2026-10-01,2e+27,Speculative,https://example.org/lm\n"
    "No Figure LM,Language,Nobody,2026-10-02,,Unknown,https://example.org/none\n"
)


def test_epoch_exports_extend_the_ai_data(folder: Path, write: Any) -> None:
    clusters = write("gpu_clusters.csv", EPOCH_CLUSTERS)
    models = write("ai_models.csv", EPOCH_MODELS)
    assert invoke("data", "import", "epoch-clusters", str(clusters)).exit_code == 0
    assert invoke("data", "import", "epoch-models", str(models)).exit_code == 0
    doc = compare_json()
    assert doc["newest_ai_leader"] == "Made-up Giant"
    # Epoch's 8-bit column mixes FP8 with INT8: left out, never read as FP8
    giant = next(m for m in doc["machines"] if m["name"] == "Made-up Giant")
    assert "compute_fp8" not in giant["metrics"]
    assert doc["training_runs"][0]["model"] == "Made-up LM"
    assert all(r["model"] != "No Figure LM" for r in doc["training_runs"])
    assert invoke("data", "reset", "epoch-clusters").exit_code == 0
    assert invoke("data", "reset", "epoch-models").exit_code == 0
    assert compare_json()["newest_ai_leader"] == "AWS Project Rainier"


def test_a_bad_epoch_export_names_its_line(folder: Path, write: Any) -> None:
    broken = write(
        "gpu_clusters.csv", EPOCH_CLUSTERS.replace("Existing,Confirmed", "Existing,Sure")
    )
    assert_input_error(
        invoke("data", "import", "epoch-clusters", str(broken)), "gpu_clusters.csv:3: certainty"
    )
    assert not folder.exists() or snapshot(folder) == {}
    wrong = write("models.csv", "Name,Value\nx,1\n")
    assert_input_error(invoke("data", "import", "epoch-models", str(wrong)), "no header row")
