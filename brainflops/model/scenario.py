"""The scenario format, version 1 (docs/format.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from brainflops.model.projections import ProjectionSpec
from brainflops.model.quantity import Frozen, NonNegative, Number, OneLine, Positive, Range

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

OUTPUTS = (
    "compute_flops",
    "memory_bytes",
    "events_per_s",
    "communication_bytes_per_s",
    "memory_traffic_bytes_per_s",
    "flops_per_joule",
)
"""The outputs of every scenario, in display order; their names are the JSON contract."""


class Source(Frozen):
    citation: OneLine
    url: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2200)


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
    def _has_inputs(self) -> Population:
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

    def named(self) -> dict[str, float | Range | FactorSpec]:
        """Every factor by its dotted path below `factors`."""
        out: dict[str, float | Range | FactorSpec] = {
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


class Functional(Frozen):
    """compute = reference_flops × scale (e.g. Moravec: retina × 1e5)."""

    reference_flops: Positive
    scale: Positive = 1.0
    memory_bytes: Positive | None = None
    events_per_s: Positive | None = None


class Limit(Frozen):
    """compute = brain_power_w / (k_B · temperature_k · ln 2 · bits_per_flop)."""

    temperature_k: Positive = 310.0
    bits_per_flop: Positive = 1.0


class ExpectOutput(Frozen):
    """What a source published for one output; `brainflops check` compares the median.

    `within: [low, high]` also requires the 90% interval to lie inside a published range.
    """

    value: Number = Field(gt=0)
    rel_tol: Number | None = Field(default=None, gt=0)
    log10_tol: Number | None = Field(default=None, gt=0)
    within: list[Annotated[Number, Field(gt=0)]] | None = Field(
        default=None, min_length=2, max_length=2
    )

    @model_validator(mode="after")
    def _one_tolerance(self) -> ExpectOutput:
        if (self.rel_tol is None) == (self.log10_tol is None):
            raise ValueError("give exactly one of rel_tol or log10_tol")
        if self.within is not None and not self.within[0] < self.within[1]:
            raise ValueError("within: needs [low, high] with low < high")
        return self


class ExpectYear(Frozen):
    year: Number = Field(ge=1900, le=3000)
    abs_tol: Number = Field(default=1.0, ge=0)


class Expect(Frozen):
    compute_flops: ExpectOutput | None = None
    memory_bytes: ExpectOutput | None = None
    events_per_s: ExpectOutput | None = None
    communication_bytes_per_s: ExpectOutput | None = None
    memory_traffic_bytes_per_s: ExpectOutput | None = None
    flops_per_joule: ExpectOutput | None = None
    projections: dict[str, ExpectYear] = {}


class Scenario(Frozen):
    """A brain-compute scenario. See docs/format.md."""

    brainflops: Literal[1] = Field(description="format version")
    name: str = Field(pattern=SLUG, max_length=80)
    title: OneLine = Field(max_length=200)
    description: str = ""
    source: Source | None = None
    extends: str | None = Field(default=None, description="a bundled name or a relative path")
    method: Literal["mechanistic", "functional", "limit"] = "mechanistic"
    populations: dict[
        Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)], Population
    ] = Field(default={}, max_length=100)
    functional: Functional | None = None
    limit: Limit | None = None
    factors: Factors = Factors()
    memory: Memory = Memory()
    communication: Communication | None = None
    energy: Energy | None = None
    projections: dict[
        Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=64)],
        ProjectionSpec,
    ] = {}
    expect: Expect = Expect()

    @model_validator(mode="after")
    def _method_inputs(self) -> Scenario:
        if self.method == "mechanistic":
            if not self.populations:
                raise ValueError("method 'mechanistic' needs at least one entry in populations")
            if self.functional or self.limit:
                raise ValueError("functional and limit blocks belong to their own methods")
        elif self.method == "functional":
            if self.functional is None or self.populations:
                raise ValueError("method 'functional' needs a functional block and no populations")
        elif self.limit is None or self.energy is None or self.populations:
            raise ValueError(
                "method 'limit' needs a limit block, energy.brain_power_w and no populations"
            )
        return self


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, with the `$schema` key editors expect."""
    schema = Scenario.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
