"""brainflops: auditable estimates of the brain's compute, memory and bandwidth.

    import brainflops as bf
    est = bf.estimate("dettmers-2015")
    est.stats["compute_flops"].median      # 1.075e21

The package root stays light (no numpy, no pydantic): `load`, `estimate`, `compare`,
`diff`, `sensitivity`, `sweep` and `backtest` are imported from `brainflops.api` on first
use (PEP 562), so `import brainflops` and `brainflops --help` start fast. docs/api.md has
the details.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brainflops.version import __version__

_API = (
    "Estimate",
    "backtest",
    "compare",
    "data_import",
    "data_reset",
    "data_status",
    "diff",
    "estimate",
    "explore",
    "export_model",
    "load",
    "sensitivity",
    "sweep",
)

if TYPE_CHECKING:
    from brainflops.api import (
        Estimate as Estimate,
    )
    from brainflops.api import (
        backtest as backtest,
    )
    from brainflops.api import (
        compare as compare,
    )
    from brainflops.api import (
        data_import as data_import,
    )
    from brainflops.api import (
        data_reset as data_reset,
    )
    from brainflops.api import (
        data_status as data_status,
    )
    from brainflops.api import (
        diff as diff,
    )
    from brainflops.api import (
        estimate as estimate,
    )
    from brainflops.api import (
        explore as explore,
    )
    from brainflops.api import (
        export_model as export_model,
    )
    from brainflops.api import (
        load as load,
    )
    from brainflops.api import (
        sensitivity as sensitivity,
    )
    from brainflops.api import (
        sweep as sweep,
    )


def __getattr__(name: str) -> Any:
    if name in _API:
        from brainflops import api

        return getattr(api, name)
    raise AttributeError(f"module 'brainflops' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


__all__ = [  # noqa: RUF022 (the version, then the API in _API's order)
    "__version__",
    "Estimate",
    "backtest",
    "compare",
    "data_import",
    "data_reset",
    "data_status",
    "diff",
    "estimate",
    "explore",
    "export_model",
    "load",
    "sensitivity",
    "sweep",
]
