"""Plain JSON documents: the contract of DESIGN.md section 6 (json.dumps, sorted keys)."""

from __future__ import annotations

import json
import math
from typing import Any

from brainflops import __version__
from brainflops.analysis.sensitivity import Sensitivity
from brainflops.engine.evaluate import Estimate
from brainflops.model.scenario import OUTPUTS


def dumps(document: dict[str, Any]) -> str:
    """Sorted keys, two-space indent, no NaN (the library never produces one)."""
    return json.dumps(document, sort_keys=True, indent=2, allow_nan=False) + "\n"


def rounded(value: float, digits: int = 6) -> float:
    """Round to significant digits, so that output is stable across platforms' last bits."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits - 1}e}")


def header(scenario: str, samples: int, seed: int) -> dict[str, Any]:
    return {"scenario": scenario, "samples": samples, "seed": seed, "version": __version__}


def estimate_document(est: Estimate) -> dict[str, Any]:
    """`brainflops estimate --json`."""
    doc = header(est.scenario.name, est.samples, est.seed)
    for name in OUTPUTS:
        stats = est.stats[name]
        doc[name] = None if stats is None else {k: rounded(v) for k, v in stats.as_dict().items()}
    doc["exact"] = sorted(k for k, s in est.stats.items() if s is not None and s.exact)
    doc["breakdown"] = {
        "populations": {k: rounded(v) for k, v in est.compute_shares.items()},
        "factors": {k: rounded(v) for k, v in est.factor_medians().items()},
    }
    src = est.scenario.source
    doc["source"] = None if src is None else src.model_dump()
    doc["title"] = est.scenario.title
    return doc


def sensitivity_document(result: Sensitivity) -> dict[str, Any]:
    """`brainflops sensitivity --json`."""
    doc = header(result.scenario, result.samples, result.seed)
    doc.update(
        output=result.output,
        method=result.method,
        inputs=[
            {
                "name": i.name,
                "share": rounded(i.share),
                "p5": rounded(i.low),
                "p95": rounded(i.high),
            }
            for i in result.inputs
        ],
    )
    return doc
