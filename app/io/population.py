"""Population files (docs/plan-design.md "The population file"): YAML or JSON, every problem
at its file and line, and the CSVs of past credited amounts an empirical distribution names.

:func:`load_population` is what ``compcalc simulate`` (and any command simulating a
population) reads a file with; :class:`PopulationFileError` carries the lines to print.
"""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path as FilePath

from app.engine import Scheme, format_path
from app.engine.plan.population import (
    Empirical,
    Population,
    PopulationError,
    PopulationProblem,
    check_population,
    parse_population,
)

from .read.documents import DocumentError, load_document
from .read.files import FileProblem, decode_utf8, read_limited
from .read.numbers import parse_number
from .read.positions import Positions

__all__ = ["PopulationFileError", "load_population", "problem_line"]


class PopulationFileError(Exception):
    """A population file that cannot be simulated: ``lines`` are ``file:line: error CODE: …``."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0] if lines else "invalid population file")
        self.lines = lines


def problem_line(path: str, positions: Positions, problem: PopulationProblem) -> str:
    """``file:line:column: error CODE: message (at departments.sales.roles.rep)``."""
    found = positions.find(problem.path, key=problem.code == "UNKNOWN_KEY")
    where = path if found is None else f"{path}:{found[0]}:{found[1]}"
    at = f" (at {format_path(problem.path)})" if problem.path else ""
    return f"{where}: error {problem.code}: {problem.message}{at}"


def _amounts(csv_path: str, column: str, max_bytes: int) -> tuple[Decimal, ...]:
    """Every amount of ``column`` (its cells that are not blank) of a CSV file."""
    try:
        text = decode_utf8(read_limited(csv_path, max_bytes, "COMPCALC_MAX_ROSTER_BYTES"))
    except FileProblem as exc:
        raise PopulationFileError([f"{csv_path}: error {exc.code}: {exc}"]) from None
    first = text.split("\n", 1)[0]
    semicolon = first.count(";") > first.count(",")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=";" if semicolon else ",")
    try:
        header = [cell.strip().lower() for cell in next(rows)]
    except (StopIteration, csv.Error):
        raise PopulationFileError([f"{csv_path}: error EMPTY_FILE: the file is empty"]) from None
    if column.lower() not in header:
        known = ", ".join(header)
        message = f"{csv_path}:1: error MISSING_COLUMN: no column {column!r} (columns: {known})"
        raise PopulationFileError([message])
    index, amounts, problems = header.index(column.lower()), [], []
    for line, row in enumerate(rows, start=2):
        cell = row[index].strip() if index < len(row) else ""
        if not cell:
            continue
        try:
            amount = parse_number(cell, decimal_comma=semicolon)
        except ValueError as exc:
            problems.append(f"{csv_path}:{line}: error INVALID_NUMBER: {exc} (column {column})")
            continue
        if amount < 0:
            problems.append(
                f"{csv_path}:{line}: error NEGATIVE_CREDIT: {cell} is negative (column {column})"
            )
        amounts.append(amount)
    if problems:
        raise PopulationFileError(problems)
    return tuple(amounts)


def _read_empirical(data: Population, base: FilePath, max_bytes: int) -> Population:
    """``data`` with each empirical ``file`` read into its ``amounts``."""
    departments = {}
    for d_name, dept in data.teams.items():
        roles = {}
        for r_name, role in dept.roles.items():
            attainment = {}
            for measure, dist in role.attainment.items():
                if isinstance(dist, Empirical) and dist.file is not None:
                    target = os.fspath(base / dist.file)
                    amounts = _amounts(target, dist.column or measure, max_bytes)
                    dist = dist.model_copy(update={"amounts": amounts})
                attainment[measure] = dist
            roles[r_name] = role.model_copy(update={"attainment": attainment})
        departments[d_name] = dept.model_copy(update={"roles": roles})
    return data.model_copy(update={"teams": departments})


def load_population(path: str, scheme: Scheme, *, max_bytes: int) -> Population:
    """The population of the file at ``path``, checked against ``scheme``; an empirical
    distribution's ``file`` is read relative to the population file.

    Raises :class:`PopulationFileError` with every problem at its line: nothing is simulated
    from a population that is wrong anywhere.
    """
    from .schemes.formats import load_error_line

    try:
        document = load_document(path, max_bytes=max_bytes, setting="COMPCALC_MAX_SCHEME_BYTES")
    except DocumentError as exc:
        raise PopulationFileError([load_error_line(exc)]) from None
    try:
        population = parse_population(document.data)
        population = _read_empirical(population, FilePath(path).parent, max_bytes)
        check_population(scheme, population)
    except PopulationError as exc:
        lines = [problem_line(path, document.positions, p) for p in exc.problems]
        raise PopulationFileError(lines) from None
    return population
