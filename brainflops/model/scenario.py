"""The scenario format, version 1 (docs/format.md)."""

# The models' annotations are evaluated as each class is defined (no `from __future__
# import annotations`): pydantic would compile and evaluate each from its text, at every
# start of the command line. Forward references are quoted.

from functools import cache
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationInfo,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema

from brainflops.model.projections import ProjectionSpec
from brainflops.model.quantity import (
    Frozen,
    NonNegative,
    Number,
    OneLine,
    Positive,
    PositiveValue,
    Range,
    VarRef,
    describe,
)

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

OUTPUTS = (
    "compute_flops",
    "memory_bytes",
    "events_per_s",
    "communication_bytes_per_s",
    "memory_traffic_bytes_per_s",
    "flops_per_joule",
    "lifetime_flop",
)
"""The outputs of every scenario, in display order; their names are the JSON contract."""


class Source(Frozen):
    citation: OneLine
    url: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2200)
    doi: str | None = Field(default=None, pattern=r"^10\.\d{4,9}/\S+$", max_length=200)
    mirror: str | None = Field(
        default=None, description="another copy, e.g. a repository record when `url` is closed"
    )


class SynapticCost(Frozen):
    """compute = events × flops_per_event + neurons × flops_per_neuron_s."""

    model: Literal["synaptic"]
    flops_per_event: Positive
    flops_per_neuron_s: NonNegative = 0.0


class ConvolutionCost(Frozen):
    """compute = events × time_steps × prod(kernel) × flops_per_mac (Dettmers 2015)."""

    model: Literal["convolution"]
    kernel: list[Annotated[int, Field(gt=0, le=10**9)]] = Field(min_length=1, max_length=8)
    time_steps: Positive
    flops_per_mac: Positive = 2.0


class TimestepCost(Frozen):
    """Time-stepped simulation touches every neuron and synapse at every step.

    compute = steps_per_s × neurons × (flops_per_neuron_step + synapses × flops_per_synapse_step)
    """

    model: Literal["timestep"]
    steps_per_s: Positive
    flops_per_neuron_step: NonNegative = 0.0
    flops_per_synapse_step: NonNegative = 0.0


class EventCost(Frozen):
    """compute = spikes × flops_per_spike + events × flops_per_event."""

    model: Literal["event"]
    flops_per_spike: NonNegative = 0.0
    flops_per_event: NonNegative = 0.0


class PerNeuronCost(Frozen):
    """compute = neurons × flops_per_neuron_s."""

    model: Literal["per_neuron"]
    flops_per_neuron_s: Positive


Cost = Annotated[
    SynapticCost | ConvolutionCost | TimestepCost | EventCost | PerNeuronCost,
    Field(discriminator="model"),
]

_NEEDS = {
    "synaptic": ("synapses_per_neuron", "firing_rate_hz"),
    "convolution": ("synapses_per_neuron", "firing_rate_hz"),
    "timestep": ("synapses_per_neuron",),
    "event": ("synapses_per_neuron", "firing_rate_hz"),
    "per_neuron": (),
}


class Population(Frozen):
    """A group of neurons that share a cost model; outputs are summed over populations."""

    neurons: Positive
    synapses_per_neuron: Positive | None = Field(
        default=None, description="synaptic inputs per neuron (fan-in)"
    )
    firing_rate_hz: Positive | None = None
    cost: Cost

    @model_validator(mode="after")
    def _has_inputs(self) -> Self:
        missing = [f for f in _NEEDS[self.cost.model] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"cost model {self.cost.model!r} needs {', '.join(missing)}")
        return self


class FactorSpec(Frozen):
    """A factor that multiplies compute, memory and communication separately."""

    compute: NonNegative = 1.0
    memory: NonNegative = 1.0
    communication: NonNegative = 1.0


def _factor_kind(value: Any) -> str:
    if isinstance(value, FactorSpec):
        return "split"
    if isinstance(value, dict) and value.keys() & {"compute", "memory", "communication"}:
        return "split"
    return "compute"


Factor = Annotated[
    Annotated[NonNegative, Tag("compute")] | Annotated[FactorSpec, Tag("split")],
    Discriminator(_factor_kind),
]
"""A number (applies to compute only) or `{compute, memory, communication}`."""


class Factors(Frozen):
    dendritic_spikes: Factor = 1.0
    spine_dynamics: Factor = 1.0
    neural_backprop: Factor = 1.0
    genome_change: Factor = 1.0
    other: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)], Factor] = Field(
        default={}, max_length=100
    )

    def named(self) -> dict[str, float | Range | VarRef | FactorSpec]:
        """Every factor by its dotted path below `factors`."""
        out: dict[str, float | Range | VarRef | FactorSpec] = {
            "dendritic_spikes": self.dendritic_spikes,
            "spine_dynamics": self.spine_dynamics,
            "neural_backprop": self.neural_backprop,
            "genome_change": self.genome_change,
        }
        out.update({f"other.{k}": v for k, v in self.other.items()})
        return out


class Memory(Frozen):
    bytes_per_synapse: NonNegative | None = None
    bytes_per_neuron: NonNegative = 0.0


class Communication(Frozen):
    bytes_per_spike: Positive
    fanout: Literal["synapses"] | Positive = Field(
        default="synapses",
        description="'synapses' (one message per synaptic event) or messages per spike",
    )


class Energy(Frozen):
    brain_power_w: Positive


class Training(Frozen):
    """The training view (Cotra 2020): one lifetime of the brain's compute, in FLOP."""

    seconds: Positive = Field(
        default=1e9, description="seconds of a life (Cotra: ~1e9 s, to about age 32)"
    )


class Functional(Frozen):
    """compute = reference_flops × scale (e.g. Moravec: retina × 1e5)."""

    reference_flops: Positive
    scale: Positive = 1.0
    memory_bytes: Positive | None = None
    events_per_s: Positive | None = None


class Stated(Frozen):
    """A figure the source states without a model beneath it (compute in `source_unit`/s)."""

    compute: Positive = Field(description="per second, in the scenario's source_unit")
    memory_bytes: Positive | None = None
    events_per_s: Positive | None = None


SourceUnit = Literal["flop", "instructions", "operations", "calculations", "teps", "bit_erasures"]
"""What the source counted; only FLOP is compared with machines without a conversion."""

UNIT_PER_S: dict[str, str] = {
    "flop": "FLOP/s",
    "instructions": "instructions/s",
    "operations": "operations/s",
    "calculations": "calculations/s",
    "teps": "TEPS",
    "bit_erasures": "bit erasures/s",
}
"""How each source unit reads as a rate."""

UNIT_ONE: dict[str, str] = {
    "flop": "FLOP",
    "instructions": "instruction",
    "operations": "operation",
    "calculations": "calculation",
    "teps": "traversed edge",
    "bit_erasures": "bit erasure",
}
"""One of each source unit, for "N FLOP per ..."."""


class Conversion(Frozen):
    """FLOP per unit the source counted: compute_flops = the source's figure × flop_per_unit.

    Never implied: the factor and where it comes from are part of the scenario.
    """

    flop_per_unit: Positive
    source: OneLine = Field(max_length=300, description="who gives this factor, and how")
    url: str | None = None

    def describe(self, unit: str) -> str:
        """`0.303 FLOP per instruction: AI Impacts, ...`, for the terminal and the report."""
        return f"{describe(self.flop_per_unit)} FLOP per {UNIT_ONE[unit]}: {self.source}"


class Published(Frozen):
    """The source's own headline compute figure, in its own unit per second, as printed.

    One of: `value` (a point), `low` and `high` (a range), `at_least` or `at_most` (a bound).
    """

    value: Number | None = Field(default=None, gt=0)
    low: Number | None = Field(default=None, gt=0)
    high: Number | None = Field(default=None, gt=0)
    at_least: Number | None = Field(default=None, gt=0)
    at_most: Number | None = Field(default=None, gt=0)
    where: OneLine | None = Field(default=None, max_length=300)

    @property
    def kind(self) -> Literal["point", "range", "bound"]:
        if self.value is not None:
            return "point"
        return "range" if self.low is not None else "bound"

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        forms = [
            name
            for name, given in (
                ("value", self.value is not None),
                ("low/high", self.low is not None or self.high is not None),
                ("at_least", self.at_least is not None),
                ("at_most", self.at_most is not None),
            )
            if given
        ]
        if len(forms) != 1:
            raise ValueError(
                "give exactly one of value (a point), low and high (a range), at_least or "
                f"at_most (a bound); got {' and '.join(forms) or 'none'}"
            )
        if (self.low is None) != (self.high is None) or (
            self.low is not None and self.high is not None and not self.low < self.high
        ):
            raise ValueError("a range needs both low and high, with low < high")
        return self

    def describe(self, unit: str) -> str:
        """As printed: `1e14 instructions/s`, `1e13 – 1e17 FLOP/s`, `at most 1e15 FLOP/s`."""
        rate = UNIT_PER_S[unit]

        def num(x: float | None) -> str:
            return f"{x:.3g}".replace("e+", "e")

        if self.value is not None:
            return f"{num(self.value)} {rate}"
        if self.low is not None and self.high is not None:
            return f"{num(self.low)} – {num(self.high)} {rate}"
        if self.at_least is not None:
            return f"at least {num(self.at_least)} {rate}"
        return f"at most {num(self.at_most)} {rate}"


class Limit(Frozen):
    """compute = brain_power_w / (k_B · temperature_k · ln 2 · bits_per_flop)."""

    temperature_k: Positive = 310.0
    bits_per_flop: Positive = 1.0


class ExpectOutput(Frozen):
    """What a source published for one output; `brainflops check` holds the estimate to it.

    Three forms: a point (`value` with `rel_tol` or `log10_tol`, checked against the median),
    an interval (`p5` and `p95` with `log10_tol`: both ends of the 90% interval must be
    within the tolerance) and a bound (`at_least` or `at_most`, checked against the
    median). An interval may also bound its median. `derived: true` says the figure is
    brainflops' arithmetic on the source's inputs, not a figure the source printed; `where`
    says where in the source it is.
    """

    value: Number | None = Field(default=None, gt=0)
    rel_tol: Number | None = Field(default=None, gt=0)
    log10_tol: Number | None = Field(default=None, gt=0)
    within: list[Annotated[Number, Field(gt=0)]] | None = Field(
        default=None, min_length=2, max_length=2
    )
    p5: Number | None = Field(default=None, gt=0)
    p95: Number | None = Field(default=None, gt=0)
    at_least: Number | None = Field(default=None, gt=0)
    at_most: Number | None = Field(default=None, gt=0)
    derived: bool = Field(
        default=False, description="brainflops' arithmetic on the source's inputs, not printed"
    )
    where: OneLine | None = Field(
        default=None, max_length=300, description="page, section, table or quote"
    )

    @property
    def kind(self) -> Literal["point", "interval", "bound"]:
        if self.value is not None:
            return "point"
        return "interval" if self.p5 is not None else "bound"

    @property
    def bounded(self) -> bool:
        return self.at_least is not None or self.at_most is not None

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        interval = self.p5 is not None or self.p95 is not None
        if self.at_least is not None and self.at_most is not None:
            raise ValueError("give at_least or at_most, not both (use p5 and p95 for a range)")
        if (self.value is not None) + interval + self.bounded != 1 and not (
            interval and self.bounded and self.value is None
        ):
            raise ValueError(
                "give exactly one of value (a point), p5 and p95 (an interval, optionally "
                "with a bound on the median) or at_least/at_most (a bound)"
            )
        if self.value is not None:
            if (self.rel_tol is None) == (self.log10_tol is None):
                raise ValueError("a point needs exactly one of rel_tol or log10_tol")
            if self.within is not None and not self.within[0] < self.within[1]:
                raise ValueError("within: needs [low, high] with low < high")
            return self
        if self.within is not None:
            raise ValueError("within: belongs to a point (value); an interval checks both ends")
        if interval:
            if self.p5 is None or self.p95 is None or not self.p5 < self.p95:
                raise ValueError("an interval needs both p5 and p95, with p5 < p95")
            if self.log10_tol is None or self.rel_tol is not None:
                raise ValueError("an interval needs log10_tol (decades allowed at each end)")
            return self
        if self.rel_tol is not None or self.log10_tol is not None:
            raise ValueError("a bound (at_least, at_most) takes no tolerance")
        return self


class ExpectYear(Frozen):
    year: Number = Field(ge=1900, le=3000)
    abs_tol: Number = Field(default=1.0, ge=0)
    derived: bool = False
    where: OneLine | None = Field(default=None, max_length=300)


class Expect(Frozen):
    compute_flops: ExpectOutput | None = None
    memory_bytes: ExpectOutput | None = None
    events_per_s: ExpectOutput | None = None
    communication_bytes_per_s: ExpectOutput | None = None
    memory_traffic_bytes_per_s: ExpectOutput | None = None
    flops_per_joule: ExpectOutput | None = None
    lifetime_flop: ExpectOutput | None = None
    projections: dict[str, ExpectYear] = {}


class Component(Frozen):
    """One scenario of a mixture, with its weight (weights are normalised)."""

    scenario: str = Field(min_length=1, max_length=300, description="a bundled name or a path")
    weight: Number = Field(gt=0, le=1e6)


SweepPath = Annotated[str, Field(max_length=300)]
SweepValues = Annotated[list[Any], Field(min_length=1, max_length=50)]


class Scenario(Frozen):
    """A brain-compute scenario. See docs/format.md."""

    _loaded: tuple["Scenario", ...] = PrivateAttr(default=())
    """A mixture's component scenarios, once the loader has read them."""

    @property
    def loaded_components(self) -> tuple["Scenario", ...]:
        if self.method == "mixture" and len(self._loaded) != len(self.components):
            raise ValueError("a mixture's components are read by the loader (brainflops.load)")
        return self._loaded

    brainflops: Literal[1] = Field(description="format version")
    name: str = Field(pattern=SLUG, max_length=80)
    title: OneLine = Field(max_length=200)
    description: str = ""
    source: Source | None = None
    extends: str | None = Field(default=None, description="a bundled name or a relative path")
    method: Literal["mechanistic", "functional", "limit", "stated", "mixture"] = "mechanistic"
    components: list[Component] = Field(
        default_factory=list,
        max_length=50,
        description="method mixture: [{scenario: REF, weight: W}]; each sample draws one",
    )
    vars: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)], PositiveValue
    ] = Field(
        default_factory=dict,
        max_length=100,
        description="shared quantities: `{var: NAME}` anywhere a quantity goes draws this one",
    )
    correlations: list[
        tuple[
            Annotated[str, Field(min_length=1, max_length=300)],
            Annotated[str, Field(min_length=1, max_length=300)],
            Annotated[Number, Field(gt=-1, lt=1)],
        ]
    ] = Field(
        default_factory=list,
        max_length=100,
        description="[[PATH_A, PATH_B, RHO]]: a Gaussian copula on the quantities' normal scores",
    )
    source_unit: SourceUnit = Field(
        default="flop", description="what the source counted: flop, instructions, operations, ..."
    )
    conversion: Conversion | None = Field(
        default=None, description="FLOP per source unit, with its source (needed unless flop)"
    )
    published: Published | None = Field(
        default=None, description="the source's own compute figure, in source_unit per second"
    )
    populations: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)], Population
    ] = Field(default_factory=dict, max_length=100)
    functional: Functional | None = None
    limit: Limit | None = None
    stated: Stated | None = None
    # built unvalidated (no validator at import), and afresh: a shared one would be deep-copied
    factors: Factors = Field(default_factory=Factors.model_construct)
    memory: Memory = Memory.model_construct()
    communication: Communication | None = None
    energy: Energy | None = None
    training: Training = Field(
        default=Training.model_construct(),
        description="lifetime_flop = compute_flops × training.seconds",
    )
    precision_bits: Literal[8, 16, 32, 64] | None = Field(
        default=None,
        description="the precision the brain's operations need: compare only at this or wider",
    )
    projections: dict[
        Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)],
        ProjectionSpec,
    ] = Field(default_factory=dict)
    expect: Expect = Field(default_factory=Expect.model_construct)
    sweeps: dict[
        Annotated[str, Field(pattern=SLUG, max_length=40)],
        Annotated[
            dict[
                Annotated[str, Field(max_length=300)],
                Annotated[list[Any], Field(min_length=1, max_length=50)],
            ],
            Field(min_length=1, max_length=2),
        ],
    ] = Field(
        default_factory=dict,
        max_length=10,
        description="named grids for the report: {NAME: {PATH: [values]}} (one or two paths)",
    )

    @model_validator(mode="after")
    def _vars_used(self, info: ValidationInfo) -> Self:
        # the loader's context collects the vars used as they are validated; without it,
        # the whole scenario is walked for them
        told = (info.context or {}).get("used")
        used = told if isinstance(told, set) else {name for _, name in var_refs(self)}
        unknown = sorted(used - set(self.vars))
        if unknown:
            raise ValueError(f"unknown var {unknown[0]!r} (declare it under vars:)")
        unused = sorted(set(self.vars) - used)
        if unused:
            raise ValueError(f"vars.{unused[0]}: declared but never used")
        return self

    @model_validator(mode="after")
    def _method_inputs(self) -> Self:
        blocks = {
            "functional": self.functional,
            "limit": self.limit,
            "stated": self.stated,
            "mixture": self.components or None,
        }
        others = [
            name for name, block in blocks.items() if block is not None and name != self.method
        ]
        if self.method == "mechanistic":
            if not self.populations:
                raise ValueError("method 'mechanistic' needs at least one entry in populations")
        elif self.populations:
            raise ValueError(f"method {self.method!r} takes no populations")
        elif self.method == "mixture" and not self.components:
            raise ValueError("method 'mixture' needs components: [{scenario: REF, weight: W}]")
        elif blocks[self.method] is None:
            raise ValueError(f"method {self.method!r} needs a {self.method} block")
        if others:
            raise ValueError(f"the {' and '.join(others)} block belongs to its own method")
        if self.method == "mixture" and (self.source_unit != "flop" or self.conversion):
            raise ValueError("a mixture counts what its components count: no source_unit")
        if self.method == "limit" and self.energy is None:
            raise ValueError("method 'limit' needs energy.brain_power_w")
        if self.source_unit == "flop" and self.conversion is not None:
            raise ValueError("conversion: the source already counts FLOP (source_unit: flop)")
        if self.source_unit != "flop" and self.conversion is None:
            raise ValueError(
                f"source_unit {self.source_unit!r} needs a conversion: "
                '{flop_per_unit: N, source: "who gives this factor"}'
            )
        return self


NO_QUANTITIES = frozenset(
    {"vars", "expect", "published", "source", "projections", "sweeps", "components", "correlations"}
)
"""Fields of a model that hold no quantity, so no `{var: NAME}`: not walked."""


@cache
def _walked(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model class that may hold a quantity."""
    return tuple(
        name
        for name, info in model.model_fields.items()
        if name not in NO_QUANTITIES and info.annotation not in (str, int, bool)
    )


def var_refs(model: Any, path: str = "") -> list[tuple[str, str]]:
    """Every `{var: NAME}` below a model, as (dotted path, NAME)."""
    if isinstance(model, VarRef):
        return [(path, model.var)]
    found: list[tuple[str, str]] = []
    if isinstance(model, dict):
        items: Any = model.items()
    elif isinstance(model, BaseModel):
        items = ((k, getattr(model, k)) for k in _walked(type(model)))
    else:
        return found
    for key, value in items:
        if value is None or isinstance(value, str | int | float):  # a leaf: no var below
            continue
        found += var_refs(value, f"{path}.{key}" if path else str(key))
    return found


class _FactoryDefaults(GenerateJsonSchema):
    """A default made by a factory is shown as the value it makes. The models' empty dicts,
    lists and blocks holding them are made afresh for each scenario: pydantic would
    otherwise deep-copy a shared default, a tenth of a small scenario's validation."""

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            return factory()  # type: ignore[call-arg]
        return super().get_default_value(schema)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, with the `$schema` key editors expect."""
    schema = Scenario.model_json_schema(schema_generator=_FactoryDefaults)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
