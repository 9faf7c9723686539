"""Hostile input, run as a real process under a time and memory bound.

Each case must end with exit code 2, a located message and no traceback, within 20 s and
1 GiB of address space. The bounds are generous (most cases end in well under a second,
see benchmarks/bench_hostile.py): the point is that they are bounded at all, so that a
quadratic loop or an endless read fails here instead of hanging a user's CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import bounded
from tests.conftest import FIXTURES, ROOT, fresh_prefix, invoke

LIMIT_BYTES = 1024**3
LIMIT_SECONDS = 20


CHILD = (
    "import resource, runpy, sys\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({LIMIT_BYTES}, {LIMIT_BYTES}))\n"
    "sys.argv = ['brainflops', *sys.argv[1:]]\n"
    "runpy.run_module('brainflops', run_name='__main__')\n"
)
"""The child limits its own address space before brainflops starts (no preexec_fn)."""


def process(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """A bounded process in the repository; stdout and stderr captured unless redirected."""
    if "stdout" not in kwargs and "stderr" not in kwargs:
        kwargs["capture_output"] = True
    return subprocess.run(
        argv, text=True, timeout=LIMIT_SECONDS, check=False, **{"cwd": ROOT, **kwargs}
    )


def run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """The CLI as a process of its own with its address space limited: forked from a
    server that imported brainflops once (tests/bounded.py), or, given another folder,
    environment or stream, a fresh process limited by CHILD."""
    if set(kwargs) - {"cwd"}:
        return process([sys.executable, "-c", CHILD, *args], **kwargs)
    return bounded.run(list(args), Path(kwargs.get("cwd", ROOT)), LIMIT_BYTES, LIMIT_SECONDS)


def assert_refused(result: subprocess.CompletedProcess[str], fragment: str, code: int = 2) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr[-2000:])
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
        (  # an 8-bit figure below BF16 is INT8 or an error, never FP8
            "machines:\n  - {name: a, kind: ai, list_date: '2026-01', bf16_dense_flops: 2.5e15,"
            " fp8_dense_flops: 1.78e15,\n     sources: {bf16_dense_flops: x, fp8_dense_flops: y}}",
            ":2:5: machines.0: fp8_dense_flops (1.78e+15) is below bf16_dense_flops (2.5e+15)",
        ),
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


# --- the hostile matrix: each case was a hang, an exhausted memory or a traceback ----------

SCENARIO = (
    "brainflops: 1\nname: x\ntitle: x\npopulations:\n  p:\n    neurons: 1e9\n"
    "    firing_rate_hz: 1\n    synapses_per_neuron: 1e3\n"
    "    cost: {model: synaptic, flops_per_event: 1}\n"
)
FUNCTIONAL = "brainflops: 1\nname: x\ntitle: x\nmethod: functional\nfunctional:\n"


def _file(tmp: Path, text: str, name: str = "s.yaml") -> str:
    path = tmp / name
    path.write_text(text)
    return str(path)


def _fifo(tmp: Path, name: str = "f.yaml") -> Path:
    path = tmp / name
    os.mkfifo(path)
    return path


def _folder_with_fifo(tmp: Path) -> str:
    folder = tmp / "scenarios"
    folder.mkdir()
    (folder / "a.yaml").write_text((ROOT / "scenarios" / "moravec-1998.yaml").read_text())
    _fifo(folder, "b.yaml")
    return str(folder)


def _many_factors(tmp: Path) -> str:
    other = "".join(f"    f{i}: 1\n" for i in range(20_000))
    return _file(tmp, SCENARIO + "factors:\n  other:\n" + other)


def _many_unknown_keys(tmp: Path, count: int = 30_000) -> str:
    return _file(tmp, SCENARIO + "".join(f"unknown_{i}: 1\n" for i in range(count)))


def _thirty_thousand_populations(tmp: Path) -> str:
    """3.7 MB, under the file size limit: parsed whole, it took 14 s to be refused."""
    pops = "".join(
        f"  p{i}: {{neurons: 1e6 to 1e7, firing_rate_hz: 1, synapses_per_neuron: 1e3, "
        "cost: {model: synaptic, flops_per_event: 1}}\n"
        for i in range(30_000)
    )
    return _file(tmp, "brainflops: 1\nname: x\ntitle: x\npopulations:\n" + pops)


def _nodes_in_small_collections(tmp: Path) -> str:
    """900 unknown keys of 100 numbers each: no collection over its limit, 90,000 values."""
    values = ", ".join("1" for _ in range(100))
    return _file(tmp, SCENARIO + "".join(f"u{i}: [{values}]\n" for i in range(900)))


def _many_populations(tmp: Path) -> str:
    pops = "".join(
        f"  p{i}:\n    neurons: '1e6 to 1e7'\n    firing_rate_hz: '0.5 to 2'\n"
        f"    synapses_per_neuron: 1e3\n    cost: {{model: synaptic, flops_per_event: '1 to 9'}}\n"
        for i in range(100)
    )
    # compute, the synaptic events and memory, none a multiple of another: three arrays of
    # 5e7 samples (1.2 GB) where the child may use 1 GiB
    return _file(
        tmp,
        "brainflops: 1\nname: x\ntitle: x\nmemory: {bytes_per_synapse: 4}\npopulations:\n" + pops,
    )


def _machines(tmp: Path, machine: str, green500: str = "") -> str:
    return _file(tmp, f"machines:\n  - {machine}\n{green500}", "m.yaml")


ONE_DATE_GREEN500 = "green500:\n" + "".join(
    f"  - {{list_date: '2020-06', system: s{i}, gflops_per_w: {20 + i}, source: x}}\n"
    for i in range(3)
)
TINY = "{name: tiny, list_date: '2020-06', hpl_rmax_flops: 1e-300, sources: {hpl_rmax_flops: x}}"
PLAIN = "{name: plain, list_date: '2020-06', hpl_rmax_flops: 1e18, sources: {hpl_rmax_flops: x}}"
INJECTED = (
    '{name: "evil | x\\n# Injected", list_date: "2020-06", hpl_rmax_flops: 1e18, '
    "sources: {hpl_rmax_flops: x}}"
)

Case = tuple[str, Any, str]
"""(id, a function of the temp folder giving the arguments, a fragment of the message)."""

CASES: list[Case] = [
    # special files: size 0 by stat, endless or blocking when read
    ("dev-zero", lambda t: ["estimate", "/dev/zero"], "/dev/zero: is not a regular file"),
    ("dev-urandom", lambda t: ["validate", "/dev/urandom"], "is not a regular file"),
    ("fifo-argument", lambda t: ["validate", str(_fifo(t))], "f.yaml: is not a regular file"),
    ("fifo-in-folder", lambda t: ["check", _folder_with_fifo(t)], "b.yaml: is not a regular"),
    ("fifo-in-report", lambda t: ["report", _folder_with_fifo(t), "-o", str(t / "r")], "b.yaml"),
    ("machines-dev-zero", lambda t: ["machines", "--machines", "/dev/zero"], "not a regular"),
    (
        "machines-fifo",
        lambda t: ["compare", "moravec-1998", "--machines", str(_fifo(t, "m.yaml"))],
        "m.yaml: is not a regular file",
    ),
    # a regex that backtracked quadratically: 20,000 digits and a letter
    (
        "quantity-regex",
        lambda t: ["validate", _file(t, FUNCTIONAL + f"  reference_flops: '{'1' * 20_000}x'\n")],
        "a quantity string of 20,001 characters; the limit is 200",
    ),
    (
        "quantity-regex-under-cap",
        lambda t: ["validate", _file(t, FUNCTIONAL + f"  reference_flops: '{'1' * 190} to x'\n")],
        "expected a number, a range",
    ),
    # quadratic loops and unbounded sizes (a collection too large stops the parse at its
    # first entry too many)
    (
        "20000-factors",
        lambda t: ["estimate", _many_factors(t)],
        # SCENARIO's 9 lines, `factors:`, `other:`, then f0 on line 12: f100 on line 112
        "s.yaml:112:5: factors.other: more than 100 entries (the limit is 100)",
    ),
    (
        "30000-unknown-keys",
        lambda t: ["validate", _many_unknown_keys(t)],
        # 4 keys of SCENARIO's 9 lines, then unknown_0 on line 10: the 1,001st key is
        # unknown_996, on line 1,006
        "s.yaml:1006:1: the document: more than 1,000 entries",
    ),
    ("900-unknown-keys", lambda t: ["validate", _many_unknown_keys(t, 900)], "850 more problems"),
    (
        "30000-populations",
        lambda t: ["validate", _thirty_thousand_populations(t)],
        "s.yaml:105:3: populations: more than 100 entries (the limit is 100)",
    ),
    (
        "90000-values",
        lambda t: ["estimate", _nodes_in_small_collections(t)],
        "more than 50,000 keys and values (the limit is 50,000)",
    ),
    (
        "60000-segment-set",
        lambda t: ["estimate", "dettmers-2015", "--set", "a" + ".a" * 60_000 + "=1"],
        "120,003 characters; the limit is 10,000",
    ),
    (
        "deep-set-path",
        lambda t: ["estimate", "dettmers-2015", "--set", "a" + ".a" * 19 + "=1"],
        "a path of 20 keys; the limit is 16",
    ),
    (
        "populations-times-samples",
        # outputs are kept per sample, populations a chunk at a time: under the 1 GiB the
        # child may use, this run does not fit, and says so
        lambda t: ["estimate", _many_populations(t), "--samples", "50000000"],
        "not enough memory for this run; use fewer --samples",
    ),
    # values that validated, then crashed
    (
        "subnormal-temperature",
        lambda t: [
            "estimate",
            _file(
                t,
                "brainflops: 1\nname: x\ntitle: x\nmethod: limit\n"
                "limit: {temperature_k: 5e-324}\nenergy: {brain_power_w: 20}\n",
            ),
        ],
        "compute_flops is not a finite number",
    ),
    (
        "green500-one-date",
        lambda t: [
            "compare",
            "dettmers-2015",
            "--machines",
            _machines(t, PLAIN, ONE_DATE_GREEN500),
        ],
        "green500: the Green500 leaders span one list",
    ),
    (
        "20000-machines",
        lambda t: [
            "compare",
            "dettmers-2015",
            "--machines",
            _file(t, "machines:\n" + f"  - {PLAIN}\n" * 20_000, "m.yaml"),
        ],
        # `machines:` on line 1, the first on line 2: the 1,001st on line 1,002, after "  - "
        "m.yaml:1002:5: machines: more than 1,000 entries (the limit is 1,000)",
    ),
    (
        "machine-1e-300",
        lambda t: ["compare", "dettmers-2015", "--machines", _machines(t, TINY)],
        "hpl_rmax_flops: Input should be greater than or equal to 1",
    ),
    (
        "subnormal-projection-temperature",
        lambda t: [
            "compare",
            "dettmers-2015",
            "--projection",
            "x={model: power_cap, power_budget_w: 1, temperature_k: 5e-324}",
        ],
        "temperature_k: Input should be greater than or equal to 0.001",
    ),
    (
        "subnormal-bits-per-flop",
        lambda t: [
            "compare",
            "dettmers-2015",
            "--projection",
            "x={model: power_cap, power_budget_w: 1, bits_per_flop: 5e-324}",
        ],
        "bits_per_flop: Input should be greater than or equal to 0.000001",
    ),
    ("seed-negative", lambda t: ["estimate", "dettmers-2015", "--seed", "-1"], "--seed: must be"),
    (
        "hex-3600-digits",
        lambda t: ["estimate", _file(t, FUNCTIONAL + f"  reference_flops: 0x{'f' * 3600}\n")],
        "a number of 3,602 characters; the limit is 100",
    ),
    # OS errors from paths: long names, NUL bytes, symlink loops
    ("long-name", lambda t: ["estimate", str(t / ("x" * 300 + ".yaml"))], "File name too long"),
    (
        "long-name-report",
        lambda t: ["report", "moravec-1998", "-o", str(t / ("x" * 300))],
        "too long",
    ),
    (
        "long-name-extends",
        lambda t: ["validate", _file(t, SCENARIO + f"extends: {'x' * 300}.yaml\n")],
        "File name too long",
    ),
    (
        "nul-in-extends",
        lambda t: ["validate", _file(t, SCENARIO + 'extends: "a\\0b.yaml"\n')],
        "control character U+0000 is not allowed",
    ),
    ("symlink-loop", lambda t: ["estimate", _loop(t)], "symbolic links"),
    (
        "symlink-loop-extends",
        lambda t: [
            "validate",
            _file(t, SCENARIO + f"extends: {Path(_loop(t)).name}\n", "child.yaml"),
        ],
        "symbolic links",
    ),
    ("symlink-loop-report", lambda t: ["report", "moravec-1998", "-o", _loop(t)], "symbolic"),
    ("symlink-loop-machines", lambda t: ["machines", "--machines", _loop(t)], "symbolic links"),
    # outputs the scenario does not have
    (
        "sensitivity-functional",
        lambda t: ["sensitivity", "moravec-1998", "--output", "communication_bytes_per_s"],
        "gives no communication_bytes_per_s",
    ),
    (
        "sensitivity-limit",
        lambda t: ["sensitivity", "carlsmith-2020-limit", "--output", "memory_bytes"],
        "gives no memory_bytes",
    ),
    # control characters and markup that reached the terminal and the report
    (
        "escape-in-title",
        lambda t: ["estimate", _file(t, SCENARIO.replace("title: x", 'title: "\\e]0;pwned\\a"'))],
        "s.yaml:3:8: control character U+001B is not allowed",
    ),
    (
        "newline-in-machine-name",
        lambda t: [
            "report",
            "moravec-1998",
            "-o",
            str(t / "r"),
            "--machines",
            _machines(t, INJECTED),
        ],
        "machines.0.name: must be a single line of text",
    ),
    # smaller gaps
    (
        "set-extends",
        lambda t: ["estimate", "dettmers-2015", "--set", "extends=moravec-1998"],
        "extends cannot be changed with --set",
    ),
    (
        "negative-normal-factor",
        lambda t: [
            "estimate",
            _file(
                t, SCENARIO + "factors: {dendritic_spikes: {low: 0.1, high: 10, dist: normal}}\n"
            ),
        ],
        "s.yaml:10:29: factors.dendritic_spikes: a normal range drew values <= 0",
    ),
    # round 2 (issue 12): units, conversions and expectations
    (
        "conversion-overflow",
        lambda t: [
            "compare",
            _file(
                t,
                "brainflops: 1\nname: x\ntitle: x\nsource_unit: teps\nmethod: stated\n"
                "conversion: {flop_per_unit: 1e300, source: x}\nstated: {compute: 1e300}\n",
            ),
        ],
        "compute_flops is not a finite number",
    ),
    (
        "huge-where",
        lambda t: [
            "check",
            _file(
                t,
                "brainflops: 1\nname: x\ntitle: x\nmethod: stated\nstated: {compute: 1}\n"
                f"expect:\n  compute_flops: {{at_most: 2, where: '{'w' * 1_000_000}'}}\n",
            ),
        ],
        "expect.compute_flops.where: Value should have at most 300 items",
    ),
    (
        "unit-without-conversion",
        lambda t: ["check", _file(t, SCENARIO + "source_unit: bit_erasures\n")],
        "source_unit 'bit_erasures' needs a conversion",
    ),
    # round 2 (issue 13): machines from chips, precisions, the training view
    (
        "chips-not-a-count",
        lambda t: [
            "compare",
            "cotra-2020",
            "--machines",
            _machines(
                t, "{name: x, list_date: '2026-01', chip: h100-sxm, chips: true, sources: {}}"
            ),
        ],
        "chip: needs chips: N",
    ),
    (
        "chips-past-a-billion",
        lambda t: [
            "machines",
            "--machines",
            _machines(t, "{name: x, list_date: '2026-01', chip: b200, chips: 1e30, sources: {}}"),
        ],
        "chip: needs chips: N",
    ),
    (
        "unknown-chip",
        lambda t: [
            "machines",
            "--machines",
            _machines(
                t, "{name: x, list_date: '2026-01', chip: '../../etc', chips: 1, sources: {}}"
            ),
        ],
        "unknown chip '../../etc'",
    ),
    (
        "precision-bits-odd",
        lambda t: ["compare", "cotra-2020", "--set", "precision_bits=12"],
        "precision_bits",
    ),
    (
        "lifetime-overflow",
        lambda t: ["compare", "wbe-2008-level10", "--set", "training.seconds=1e300"],
        "lifetime_flop is not a finite number",
    ),
    # round 2 (issue 14): shared quantities, correlations, mixtures, sweeps
    (
        "var-cycle",
        lambda t: ["estimate", _file(t, SCENARIO + "vars:\n  x: {var: x}\n")],
        "vars.x",
    ),
    (
        "mixture-of-itself",
        lambda t: [
            "estimate",
            _file(
                t,
                "brainflops: 1\nname: x\ntitle: x\nmethod: mixture\n"
                "components: [{scenario: s.yaml, weight: 1}]\n",
            ),
        ],
        "a mixture cycle",
    ),
    (
        "mixture-of-a-fifo",
        lambda t: [
            "estimate",
            _file(
                t,
                "brainflops: 1\nname: x\ntitle: x\nmethod: mixture\n"
                f"components: [{{scenario: {_fifo(t)}, weight: 1}}]\n",
            ),
        ],
        "is not a regular file",
    ),
    (
        "sweep-huge-grid",
        lambda t: [
            "sweep",
            "carlsmith-2020",
            "--vary",
            "factors.other.a=" + ",".join(["1"] * 1000),
            "--vary",
            "factors.other.b=" + ",".join(["1"] * 1000),
        ],
        "a grid of 1,000,000 points",
    ),
    (
        "sweep-overflow",
        lambda t: ["sweep", "carlsmith-2020", "--vary", "factors.other.a=1e300"],
        "not a finite number",
    ),
    # forecasts: windows that are not numbers, or hold too few lists to fit a walk
    ("backtest-window-nan", lambda t: ["backtest", "--window", "nan"], "a window of nan years"),
    ("backtest-window-inf", lambda t: ["backtest", "--window", "inf"], "a window of inf years"),
    ("backtest-window-tiny", lambda t: ["backtest", "--window", "1e-300"], "give 1 to 100"),
    ("backtest-series", lambda t: ["backtest", "--series", "../etc"], "unknown series"),
    (
        "walk-of-one-list",
        lambda t: ["compare", "moravec-1998", "--projection", "x={model: trend, from: 2026-06}"],
        "projection x: a trend needs at least 3 lists",
    ),
    # data imports: a list cut short, not UTF-8, not a workbook, an endless device
    (
        "import-cut-short",
        lambda t: [
            "data",
            "import",
            "top500",
            _list_file(t, "l.csv", b"1,A,S,C,3e6\n2,B,S,C,2e6\n"),
            "--list",
            "2026-11",
        ],
        "l.csv: the list has 2 systems; a TOP500 list has 500",
    ),
    (
        "import-not-utf8",
        lambda t: [
            "data",
            "import",
            "top500",
            _list_file(t, "l.csv", b"1,Z\xfcrich,S,C,3e6\n"),
            "--list",
            "2026-11",
        ],
        "l.csv:2: not UTF-8 text",
    ),
    (
        "import-not-a-workbook",
        lambda t: ["data", "import", "top500", _list_file(t, "l.xlsx", b"PK\x03\x04")],
        "l.xlsx: not a readable Excel .xlsx file",
    ),
    (
        "import-dev-zero",
        lambda t: ["data", "import", "top500", "/dev/zero", "--list", "2026-11"],
        "/dev/zero: is not a regular file",
    ),
    # the explorer's page: never over a user's file, a link, a device or a folder
    (
        "explore-over-a-users-file",
        lambda t: ["explore", "dettmers-2015", "-o", _users_file(t, "notes.html", "<p>mine</p>")],
        "notes.html: exists and is not a page brainflops wrote; nothing was changed",
    ),
    (
        "explore-through-a-link",
        lambda t: ["explore", "dettmers-2015", "-o", _link(t, "page.html")],
        "page.html: is a symbolic link: brainflops never writes through one",
    ),
    (
        "explore-into-a-folder",
        lambda t: ["explore", "dettmers-2015", "-o", str(t)],
        "is a directory, expected a file",
    ),
    (
        "explore-onto-a-device",
        lambda t: ["explore", "dettmers-2015", "-o", "/dev/null"],
        "/dev/null: is not a regular file",
    ),
    (
        "explore-overflowing",
        lambda t: [
            "explore",
            "dettmers-2015",
            "-o",
            str(t / "x.html"),
            "--set",
            "training.seconds=1e300",
        ],
        "lifetime_flop is not a finite number",
    ),
    (
        "export-model-bad-index",
        lambda t: ["export-model", "aiimpacts-2015-survey", "--set", "components.99.weight=1"],
        "components has 5 items: index 99 is not 0 to 4",
    ),
    (
        "ai-walk-of-two-points",
        lambda t: [
            "compare",
            "moravec-1998",
            "--projection",
            "x={model: trend, series: ai, from: 2025-06}",
        ],
        "projection x: a trend needs at least 3 lists",
    ),
]


def _list_file(tmp: Path, name: str, body: bytes) -> str:
    """A TOP500 list file with the site's header and `body` under it."""
    path = tmp / name
    path.write_bytes(b"Rank,Name,Site,Country,Rmax [TFlop/s]\n" + body)
    return str(path)


def _users_file(tmp: Path, name: str, text: str) -> str:
    path = tmp / name
    path.write_text(text)
    return str(path)


def _link(tmp: Path, name: str) -> str:
    """A link to a file of the user's (which must stay as it is)."""
    target = Path(_users_file(tmp, "target.html", "<p>mine</p>"))
    link = tmp / name
    link.symlink_to(target)
    return str(link)


def _loop(tmp: Path) -> str:
    loop = tmp / "loop.yaml"
    if not loop.is_symlink():
        loop.symlink_to(loop)
    return str(loop)


@pytest.mark.parametrize(("args", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_case_is_refused_quickly(tmp_path: Path, args: Any, fragment: str) -> None:
    assert_refused(run(*args(tmp_path)), fragment)


@pytest.mark.slow
def test_nothing_of_the_user_is_lost_when_report_targets_their_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "project").mkdir(parents=True)
    (home / "project" / "thesis.tex").write_text("years of work\n")
    for target in (home, home / "project", Path()):
        result = run("report", "moravec-1998", "-o", str(target), cwd=home / "project")
        assert_refused(result, "holds files brainflops did not write")
    assert (home / "project" / "thesis.tex").read_text() == "years of work\n"
    assert sorted(p.name for p in home.rglob("*")) == ["project", "thesis.tex"]


@pytest.mark.parametrize(
    "damage",
    [b"", b"\n", b"0" * 10_000_000, b"x" * 64 + b"\n" + b"\x80\x05garbage", b"\xff" * 4096],
    ids=["empty", "blank line", "10 MB without a line", "garbage pickle", "binary"],
)
def test_a_damaged_kept_validator_is_built_and_kept_again(
    bytecode_prefix: Path, tmp_path: Path, damage: bytes
) -> None:
    """The scenario's validator kept beside the bytecode (brainflops/model/prebuilt.py): a
    damaged one costs a command nothing but the build, and is replaced by a good one."""
    prefix = fresh_prefix(bytecode_prefix, tmp_path)
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONDONTWRITEBYTECODE": ""}
    (kept,) = prefix.rglob("scenario.*.validator")
    kept.write_bytes(damage)
    again = process([sys.executable, "-c", CHILD, "estimate", "dettmers-2015", "--json"], env=env)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    from brainflops.model.prebuilt import read_kept

    assert read_kept(kept) is not None


# --- broken output streams ------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly() -> None:
    for args in (["machines"], ["list"], ["estimate", "dettmers-2015", "--json"]):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()
        code = child.wait(timeout=LIMIT_SECONDS)
        assert code == 141, (args, code)  # as a tool ended by SIGPIPE; not 1, a failed check
        assert child.stderr.read() == b""
        child.stderr.close()


def test_closed_and_full_stdout_are_one_line_errors() -> None:
    closed = 'exec "$0" -c "$1" list >&-'  # the shell starts brainflops with stdout closed
    bash = shutil.which("bash") or "/bin/bash"
    result = process([bash, "-c", closed, sys.executable, CHILD], stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr == "brainflops: cannot write the output: stdout is closed\n"
    with Path("/dev/full").open("w") as full:
        result = run("estimate", "dettmers-2015", "--json", stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr == "brainflops: cannot write the output: No space left on device\n"


def test_an_ascii_terminal_gets_replacement_characters_not_a_traceback() -> None:
    result = run("compare", "dettmers-2015", env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Bottleneck" in result.stdout


def test_an_internal_error_is_one_line_and_exit_3(tmp_path: Path) -> None:
    code = (
        "import brainflops.engine.run as e\n"
        "def broken(*a, **k):\n"
        "    raise ZeroDivisionError('a bug')\n"
        "e.estimate = broken\n"
        "import brainflops.cli as c\n"
        "import sys\n"
        "sys.argv = ['brainflops', 'estimate', 'dettmers-2015']\n"
        "c.main()\n"
    )
    result = process([sys.executable, "-c", code])
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("internal error: ZeroDivisionError: a bug (brainflops ")
    assert "command: brainflops estimate dettmers-2015" in result.stderr
    debug = process([sys.executable, "-c", code], env={**os.environ, "BRAINFLOPS_DEBUG": "1"})
    assert "Traceback" in debug.stderr


# --- float64's ends: every positive finite number is a valid input ---------------------
# Each case was an internal error (exit 3) or a numpy warning on stderr, found by setting
# each number of each bundled scenario to 5e-324, 1e-300, 1e300 and 1.7e308 in turn.
ENDS = [
    # (scenario, the line's start, the number, the command)
    ("aiimpacts-2015-flops", "  compute:", "5e-324", "compare"),  # runs ÷ 4.9e-315 FLOP
    ("cotra-2020", "  compute:", "5e-324", "diff"),  # a Shapley factor of e^792
    ("carlsmith-2020", "    neurons:", "1e-300", "diff"),  # a ratio of draws past 1.8e308
    ("carlsmith-2020", "  brain_power_w:", "5e-324", "estimate"),  # 1e15 FLOP/s ÷ 5e-324 W
    ("moravec-1998", "  memory_bytes: 1e14", "1.7e308", "compare"),  # memory × HPL per byte
    # (1.5e308 + 1.7e308) / 2 was inf: every draw inf, compute 0, nothing to bin
    (
        "carlsmith-2020-limit",
        "  temperature_k:",
        "{low: 1.5e308, high: 1.7e308, dist: normal}",
        "sensitivity",
    ),
]


@pytest.mark.parametrize(("name", "start", "number", "command"), ENDS)
def test_numbers_at_float64s_ends_give_an_answer_or_an_input_error(
    tmp_path: Path, name: str, start: str, number: str, command: str
) -> None:
    lines = (ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith(start)]
    lines[at] = f"{lines[at].split(':')[0]}: {number}"
    path = _file(tmp_path, "\n".join(lines) + "\n", f"{name}.yaml")
    args = [command, path, *(["dettmers-2015"] if command == "diff" else [])]
    for shown in ([], ["--json"]):
        result = invoke(*args, *shown, "-n", "2000")  # warnings are errors under pytest
        assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
        assert "Traceback" not in result.stderr
        if result.exit_code == 2:
            assert result.stderr.startswith(f"{path}: ") and "not a finite number" in result.stderr
        else:
            assert result.stderr == ""
