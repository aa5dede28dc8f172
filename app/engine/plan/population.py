"""A simulated population: headcount per role and an attainment distribution per measure.

The document (YAML or JSON, docs/plan-design.md "The population file")::

    month: 2027-03                    # optional: the scheme's first whole month otherwise
    teams:                            # per department of the scheme
      sales:
        correlation: 0.3              # optional Gaussian copula within the department
        roles:
          rep:
            headcount: 5
            attainment:
              new_revenue: {distribution: lognormal, mean: 1.0, spread: 0.35}

:func:`parse_population` checks its shape, :func:`check_population` it against a scheme;
both raise :class:`PopulationError` with every problem and the path of its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..calendar import Period
from ..findings import Path
from ..roster import role_measures
from ..scheme import Measure, Scheme

__all__ = [
    "MAX_HEADCOUNT",
    "Beta",
    "Distribution",
    "Empirical",
    "LogNormal",
    "Normal",
    "Population",
    "PopulationError",
    "PopulationProblem",
    "check_population",
    "parse_population",
    "simulated_period",
]

#: The most people of one role in a population.
MAX_HEADCOUNT: Final = 100_000
#: Attainment is at most 10 (1000%), as everywhere in the rule language.
MAX_ATTAINMENT: Final = 10.0


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Normal(_Model):
    """Attainment ~ Normal(mean, spread), negative draws counted as 0."""

    distribution: Literal["normal"]
    mean: float = Field(ge=0, le=MAX_ATTAINMENT)
    spread: float = Field(ge=0, le=MAX_ATTAINMENT)


class LogNormal(_Model):
    """Attainment lognormal with this mean and standard deviation (of the attainment itself)."""

    distribution: Literal["lognormal"]
    mean: float = Field(gt=0, le=MAX_ATTAINMENT)
    spread: float = Field(ge=0, le=MAX_ATTAINMENT)


class Beta(_Model):
    """Attainment = scale × Beta(alpha, beta)."""

    distribution: Literal["beta"]
    alpha: float = Field(gt=0, le=1000)
    beta: float = Field(gt=0, le=1000)
    scale: float = Field(default=1.0, gt=0, le=MAX_ATTAINMENT)


class Empirical(_Model):
    """Past periods' credited amounts, drawn from with equal weight.

    ``file`` (a CSV beside the population file, one amount per row in ``column``, default
    the measure's name) is read by the file loader into ``amounts``; the engine uses only
    ``amounts``.
    """

    distribution: Literal["empirical"]
    file: str | None = Field(default=None, min_length=1, max_length=1000)
    column: str | None = Field(default=None, min_length=1, max_length=100)
    amounts: tuple[Annotated[Decimal, Field(ge=0, le=Decimal(10) ** 13)], ...] = ()


Distribution = Annotated[Normal | LogNormal | Beta | Empirical, Field(discriminator="distribution")]


class RolePopulation(_Model):
    headcount: int = Field(ge=0, le=MAX_HEADCOUNT, strict=True)
    attainment: dict[str, Distribution] = Field(default_factory=dict)


class DepartmentPopulation(_Model):
    correlation: float = Field(default=0.0, ge=-1, le=1)
    roles: dict[str, RolePopulation]


class Population(_Model):
    month: str | None = Field(default=None, pattern=r"^[0-9]{4}-[0-9]{2}$")
    teams: dict[str, DepartmentPopulation] = Field(min_length=1)

    @field_validator("month")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None:
            Period.parse(value)  # ValueError: a message pydantic reports at /month
        return value

    @property
    def employees(self) -> int:
        """How many people one run simulates."""
        return sum(r.headcount for d in self.teams.values() for r in d.roles.values())


@dataclass(frozen=True, slots=True)
class PopulationProblem:
    """One problem of a population document: where (a path into it), a code and a message."""

    path: Path
    code: str
    message: str


class PopulationError(ValueError):
    """Every problem of a population; nothing is simulated."""

    def __init__(self, problems: list[PopulationProblem]) -> None:
        super().__init__(problems[0].message if problems else "invalid population")
        self.problems = problems


_TAGS: Final = frozenset({"normal", "lognormal", "beta", "empirical"})


def _message(error: Any, path: Path) -> tuple[str, str]:
    kind = str(error["type"])
    name = path[-1] if path else "population"
    if kind == "missing":
        return "MISSING_PARAMETER", f"required key {name!r} is missing"
    if kind == "union_tag_not_found":
        return "MISSING_PARAMETER", (
            "required key 'distribution' is missing (normal, lognormal, beta or empirical)"
        )
    if kind == "union_tag_invalid":
        return "UNKNOWN_DISTRIBUTION", "distribution must be normal, lognormal, beta or empirical"
    if kind == "extra_forbidden":
        return "UNKNOWN_KEY", f"unknown key {name!r}"
    code = "NEGATIVE_VALUE" if kind in {"greater_than_equal", "greater_than"} else "INVALID_VALUE"
    if name == "correlation":
        code = "CORRELATION_RANGE"
    bounds = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤"}
    ctx = error.get("ctx") or {}
    if kind in bounds and ctx:
        limit = f"{next(iter(ctx.values())):g}"
        return code, f"{name} must be {bounds[kind]} {limit}, not {error['input']}"
    return code, f"{name}: {str(error['msg']).removeprefix('Value error, ')}"


def parse_population(data: object) -> Population:
    """The population ``data`` describes, or :class:`PopulationError` with every problem."""
    try:
        return Population.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = tuple(p for p in error["loc"] if not (isinstance(p, str) and p in _TAGS))
            if error["type"] == "missing" and path and path[-1] == "teams":
                path = path[:-1]
            code, message = _message(error, path)
            problems.append(PopulationProblem(path, code, message))
        raise PopulationError(problems) from None


def simulated_period(scheme: Scheme, population: Population) -> Period:
    """The month simulated: the population's ``month``, else the scheme's first whole
    month (the month of ``effective_from`` when that is its first day, else the next)."""
    if population.month is not None:
        return Period.parse(population.month)
    start = scheme.effective_from
    year, month = start.year, start.month
    if start.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return Period(year, month)


def _department_problems(
    scheme: Scheme, name: str, department: DepartmentPopulation
) -> list[PopulationProblem]:
    problems = []
    dept = scheme.departments[name]
    where: Path = ("teams", name, "roles")
    for role_name, role_pop in department.roles.items():
        role = dept.roles.get(role_name)
        if role is None:
            known = ", ".join(dept.roles)
            message = f"role {role_name!r} is not a role of {name} ({known})"
            problems.append(PopulationProblem((*where, role_name), "UNKNOWN_ROLE", message))
            continue
        needed = role_measures(role)
        at: Path = (*where, role_name, "attainment")
        for measure, dist in role_pop.attainment.items():
            if measure not in needed:
                wanted = ", ".join(sorted(needed)) or "none"
                message = (
                    f"{name}.{role_name} is paid on no measure {measure!r} (its measures: {wanted})"
                )
                problems.append(PopulationProblem((*at, measure), "UNKNOWN_MEASURE", message))
            elif isinstance(dist, Empirical) and not dist.amounts:
                message = f"{measure}: an empirical distribution needs at least one amount"
                problems.append(PopulationProblem((*at, measure), "MISSING_PARAMETER", message))
            elif not isinstance(dist, Empirical) and not role.target.get(Measure(measure)):
                message = (
                    f"{name}.{role_name} has no target for {measure}: attainment cannot be "
                    "turned into revenue; give an empirical distribution of amounts"
                )
                problems.append(PopulationProblem((*at, measure), "NO_TARGET", message))
        if role_pop.headcount:
            for measure in sorted(needed - set(role_pop.attainment)):
                message = f"{name}.{role_name} needs an attainment distribution for {measure}"
                problems.append(PopulationProblem(at, "MISSING_MEASURE", message))
    return problems


def check_population(scheme: Scheme, population: Population) -> Period:
    """The simulated month, or :class:`PopulationError`: a department, role or measure the
    scheme does not have, a measure without a distribution, a month outside the scheme's
    dates, a correlation no covariance matrix can have, nobody to simulate."""
    problems: list[PopulationProblem] = []
    for name, department in population.teams.items():
        if name not in scheme.departments:
            known = ", ".join(scheme.departments)
            message = f"department {name!r} is not in the scheme ({known})"
            problems.append(PopulationProblem(("teams", name), "UNKNOWN_DEPARTMENT", message))
            continue
        problems += _department_problems(scheme, name, department)
        size = sum(r.headcount for r in department.roles.values())
        if size > 1 and department.correlation < -1 / (size - 1):
            message = (
                f"correlation {department.correlation:g} is impossible among {size} people: "
                f"at least {-1 / (size - 1):.4g} (−1/(n−1)) when all are correlated alike"
            )
            path: Path = ("teams", name, "correlation")
            problems.append(PopulationProblem(path, "CORRELATION_RANGE", message))
    if population.employees == 0:
        nobody = PopulationProblem(("teams",), "EMPTY_POPULATION", "nobody to simulate")
        problems.append(nobody)
    period = simulated_period(scheme, population)
    if period.first_day < scheme.effective_from or (
        scheme.effective_to is not None and period.last_day > scheme.effective_to
    ):
        message = f"{period} is not wholly inside the scheme's effective dates"
        problems.append(PopulationProblem(("month",), "PERIOD_NOT_EFFECTIVE", message))
    if problems:
        raise PopulationError(problems)
    return period
