"""The body of ``POST /v1/simulations`` and its ready examples (examples/acme-population.yaml)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import Field, Strict, WithJsonSchema

from app import services
from app.engine.plan.simulate import MAX_RUNS

from .examples import acme_scheme
from .inputs import SchemeSource, _Input, _ref

__all__ = ["SimulationRequest", "simulation_examples"]

#: The population, as in docs/plan-design.md; validated by the engine (its own messages).
PopulationDocument = Annotated[
    dict[str, Any], WithJsonSchema({"allOf": [{"$ref": "#/components/schemas/Population"}]})
]


class SimulationRequest(_Input):
    """A scheme (inline or stored), a population, how many runs and the generator's seed."""

    scheme: SchemeSource = Field(
        description="A whole scheme document, `{key, version}` or `{key, on}` (see calculate)."
    )
    population: PopulationDocument
    runs: Annotated[int, Strict()] = Field(1000, ge=1, le=MAX_RUNS, description="Runs.")
    seed: Annotated[int, Strict()] = Field(
        1, ge=0, le=2**63 - 1, description="Seed of numpy's PCG64: the same seed, the same figures."
    )

    def source(self) -> dict[str, Any] | services.SchemeRef:
        return self.scheme if isinstance(self.scheme, dict) else _ref(self.scheme)


def _history() -> list[int]:
    """examples/acme-history.csv's amounts (the shipped copy), for an inline empirical."""
    text = resources.files("app.api").joinpath("examples", "acme-history.csv").read_text("utf-8")
    return [int(float(line.split(",")[1])) for line in text.splitlines()[1:] if line.strip()]


@cache
def simulation_examples() -> dict[str, dict[str, Any]]:
    from app.io.read.documents import parse_document

    from .examples import _plain

    raw = resources.files("app.api").joinpath("examples", "acme-population.yaml").read_text("utf-8")
    population = _plain(parse_document(raw, "yaml", positions=False).data)
    key_account = population["teams"]["development"]["roles"]["key_account"]
    key_account["attainment"]["growth_revenue"] = {
        "distribution": "empirical",
        "amounts": _history(),
    }
    return {
        "acme": {
            "summary": "examples/acme-population.yaml under the inline acme scheme, 1 000 runs",
            "value": {"scheme": acme_scheme(), "population": population, "runs": 1000, "seed": 1},
        }
    }
