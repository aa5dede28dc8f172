"""``POST /v1/simulations``: the costing model — a population simulated under a scheme."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response

from app.services.simulations import simulate_population
from app.settings import Settings

from .body import JSON, RosterBody, decode, validate
from .deps import DatabaseDep
from .errors import secured
from .openapi import request_body
from .security import PayrollCalculate
from .siminputs import SimulationRequest

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["Payroll"])


@router.post(
    "/simulations",
    operation_id="simulate",
    summary="Simulate many periods of a population (Monte Carlo, nothing stored)",
    description=(
        "Draws `runs` periods of the population's attainments (normal, lognormal, beta or "
        "empirical per measure, correlated within a department by a Gaussian copula; numpy's "
        "PCG64 with `seed`), computes every payslip with the scheme's own rules, and answers "
        "per comparable role pair `p_sales_out_earn` (P(a random sales employee out-earns a "
        "random client employee)) and `p_sales_statistic_out_earn` (P(the sales median — or "
        "mean, by the policy — is above the client one)), each with a 95% Wilson interval; per "
        "role p10/p50/p90 of pay and attainment; per department and in total the expected and "
        "p95 payroll, the expected revenue and payroll's share of it. Amounts are strings.\n\n"
        "At most `COMPCALC_MAX_SIMULATED_PAYSLIPS` (runs × employees, 200 000 by default) a "
        "request: `422 TOO_MANY_PAYSLIPS` beyond it (larger jobs: `compcalc simulate`). A bad "
        "population answers `422 INVALID_POPULATION` with the JSON pointer of each problem."
    ),
    responses=secured(404, 413, 415, 422),
    openapi_extra=request_body("SimulationRequest", "The scheme, the population, runs, seed."),
)
def simulate(_: PayrollCalculate, body: RosterBody, db: DatabaseDep, http: Request) -> Response:
    request = validate(SimulationRequest, decode(body).data)
    settings: Settings = http.app.state.settings
    text = simulate_population(
        db,
        request.source(),
        request.population,
        runs=request.runs,
        seed=request.seed,
        max_payslips=settings.max_simulated_payslips,
        today=date.today(),
    )
    return Response(text, media_type=JSON)
