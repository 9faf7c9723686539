"""Hostile input, run as a real process under a time and memory bound.

Each case must end with exit code 2, a located message and no traceback, within 60 s and
2 GiB of address space (generous bounds: the point is that they are bounded at all).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

LIMIT_BYTES = 2 * 1024**3


CHILD = (
    "import resource, runpy, sys\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))\n"
    "sys.argv = ['brainflops', *sys.argv[1:]]\n"
    "runpy.run_module('brainflops', run_name='__main__')\n"
)
"""The child limits its own address space before brainflops starts (no preexec_fn)."""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr[-2000:])
    assert fragment in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def test_billion_laughs(tmp_path: Path) -> None:
    assert_refused(
        run("validate", str(FIXTURES / "invalid" / "alias-bomb.yaml")),
        "alias-bomb.yaml:2:4: YAML anchors",
    )


def test_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("brainflops: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert_refused(run("validate", str(path)), f"{path}:1:")
    assert "nesting deeper than 64 levels" in run("estimate", str(path)).stderr
    flow = tmp_path / "deep-map.yaml"
    flow.write_text("a: " + "{b: " * 100_000 + "1" + "}" * 100_000 + "\n")
    assert_refused(run("validate", str(flow)), "nesting deeper than 64 levels")


def test_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as f:
        f.write("brainflops: 1\ndescription: |\n")
        line = "  " + "x" * 98 + "\n"
        for _ in range(300_000):  # 30 MB
            f.write(line)
    assert_refused(
        run("estimate", str(path)),
        f"{path}: file is 30,300,029 bytes; the limit is 5,242,880 bytes",
    )


def test_random_binary(tmp_path: Path) -> None:
    path = tmp_path / "random.yaml"
    path.write_bytes(bytes(range(256)) * 64)
    assert_refused(run("validate", str(path)), f"{path}:")


def test_long_key(tmp_path: Path) -> None:
    path = tmp_path / "key.yaml"
    path.write_text("k" * 100_000 + ": 1\n")
    assert_refused(run("validate", str(path)), f"{path}:1:")


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e400", "'nan'", "'inf'"])
def test_nan_and_infinity_anywhere(tmp_path: Path, value: str) -> None:
    for key in ("neurons", "firing_rate_hz", "synapses_per_neuron"):
        path = tmp_path / f"{key}.yaml"
        text = (
            "brainflops: 1\nname: x\ntitle: x\npopulations:\n  p:\n    neurons: 1e9\n"
            "    firing_rate_hz: 1\n    synapses_per_neuron: 1e3\n"
            "    cost: {model: synaptic, flops_per_event: 1}\n"
        ).replace(f"{key}: ", f"{key}: {value} #", 1)
        path.write_text(text)
        result = run("validate", str(path))
        assert_refused(result, f"{path}:")
        assert any(w in result.stderr for w in ("finite", "must be", "expected a number"))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("machines:\n  - &m {name: a}\n  - *m\n", ":2:5: YAML anchors"),
        ("machines: !!python/object/apply:os.system [x]\n", ":1:11: YAML tag"),
        ("- name: a\n", ":1:1: the document is a list"),
        ("machines:\n  - name: a\n    name: b\n", ":3:5: duplicate key 'name'"),
        (
            "machines:\n  - {name: a, list_date: '2025-06', hpl_rmax_flops: .nan, sources: {}}\n",
            ":2:53: machines.0.hpl_rmax_flops: Input should be a finite number",
        ),
        (
            "machines:\n  - {name: a, list_date: 2025, sources: {}}\n",
            ":2:26: machines.0.list_date: Input should be a valid string",
        ),
        ("", ":1:1: the file is empty"),
    ],
)
def test_machines_file_with_the_same_faults(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "machines.yaml"
    path.write_text(text)
    assert_refused(run("machines", "--machines", str(path)), f"{path}{fragment}")
    assert_refused(run("compare", "moravec-1998", "--machines", str(path)), f"{path}{fragment}")


def test_machines_file_binary_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"\xff\xfe\x00")
    assert_refused(run("machines", "--machines", str(path)), f"{path}:1:1: not UTF-8")
    assert_refused(run("machines", "--machines", str(tmp_path / "none.yaml")), "No such file")
    assert_refused(run("machines", "--machines", str(tmp_path)), "is a directory")


def test_extends_outside_readable_files(tmp_path: Path) -> None:
    child = tmp_path / "c.yaml"
    child.write_text("brainflops: 1\nname: c\ntitle: c\nextends: /dev/null/nothing.yaml\n")
    assert_refused(run("validate", str(child)), f"{child}:4:10: extends: parent")
    fifo_target = tmp_path / "b.yaml"
    fifo_target.write_bytes(b"\x00\x01binary")
    child.write_text("brainflops: 1\nname: c\ntitle: c\nextends: b.yaml\n")
    assert_refused(run("validate", str(child)), f"{fifo_target}:")
