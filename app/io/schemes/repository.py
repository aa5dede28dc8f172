"""A rules repository as ``compcalc validate`` walks it: which files it holds, and what each is.

A directory named on the command line stands for every ``.yaml``, ``.yml``, ``.json`` and
``.csv`` file under it (hidden files and directories skipped), minus the ones the
repository's configuration or ``--exclude`` leaves out. Each file is classified by its
content: a scheme, a scheme test file, a roster, a deals file, an organisation policy
(``compcalc-policy.yaml``, :mod:`app.io.schemes.policyfile`); anything else is listed as
skipped, never as an error. A file named on the command line is always checked, excluded or
not, and one that is none of these kinds is checked as a scheme (so a broken scheme says why).

The configuration is the ``[tool.compcalc]`` table of a ``pyproject.toml``, or the top level of
a ``compcalc.toml`` (which wins in the same directory), found in the current directory or the
nearest parent that holds one: ``exclude`` and ``include``, lists of paths or globs relative to
that directory (``examples/invalid/`` excludes a directory and everything under it; a glob
such as ``*.draft.yaml`` matches file names anywhere). An exclusion never applies to a
directory named on the command line, nor to what lies under it because of it: ``compcalc
validate examples/invalid/`` checks that directory though the configuration excludes it.
"""

from __future__ import annotations

import csv
import os
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any, Final

from app.io.read.documents import DocumentError, load_document

from .policyfile import POLICY_NAMES

__all__ = [
    "CONFIG_NAMES",
    "ConfigError",
    "FileKind",
    "RepositoryConfig",
    "classify",
    "find_config",
    "repository_files",
]

CONFIG_NAMES: Final = ("compcalc.toml", "pyproject.toml")
_SUFFIXES: Final = (".yaml", ".yml", ".json", ".csv")
#: Top-level keys of which a scheme has at least one (docs/rules.md).
_SCHEME_KEYS: Final = frozenset(
    {"key", "name", "currency", "effective_from", "effective_to", "period", "rounding",
     "calendar", "policy", "departments", "handoff", "key_accounts", "clawback", "draws"}
)  # fmt: skip
_TEST_KEYS: Final = frozenset({"cases"})
#: Top-level keys of an organisation policy (app.engine.policy); none is a scheme key.
_POLICY_KEYS: Final = frozenset(
    {"base_gap", "commission_order", "earnings_order", "structure", "exceptions"}
)
_DEAL_FIELDS: Final = frozenset({"client_id", "amount", "credit"})
_EMPLOYEE_FIELDS: Final = frozenset({"department", "role"})


class FileKind(StrEnum):
    SCHEME = "scheme"
    TEST = "scheme test"
    ROSTER = "roster"
    DEALS = "deals"
    POLICY = "policy"
    SKIPPED = "skipped"


class ConfigError(Exception):
    """A configuration file that cannot be read (its path and why)."""


@dataclass(frozen=True, slots=True)
class RepositoryConfig:
    """``include`` and ``exclude`` patterns, relative to ``root`` (None: no file found)."""

    root: Path
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source: str | None = None


def _patterns(table: dict[str, Any], name: str, source: str) -> tuple[str, ...]:
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{source}: {name} must be a list of paths or globs")
    return tuple(value)


def find_config(start: Path | None = None) -> RepositoryConfig:
    """The configuration of the current directory (or ``start``): the nearest directory
    upward holding a compcalc.toml, or a pyproject.toml with a [tool.compcalc] table."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        for name in CONFIG_NAMES:
            path = directory / name
            if not path.is_file():
                continue
            try:
                data = tomllib.loads(path.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{path}: cannot be read as TOML: {exc}") from None
            table = data if name == "compcalc.toml" else data.get("tool", {}).get("compcalc")
            if table is None:
                continue
            if not isinstance(table, dict):
                raise ConfigError(f"{path}: [tool.compcalc] must be a table")
            unknown = sorted(set(table) - {"include", "exclude"})
            if unknown:
                raise ConfigError(
                    f"{path}: unknown setting(s) {', '.join(unknown)}; the settings are "
                    "include and exclude"
                )
            source = str(path)
            return RepositoryConfig(
                directory, _patterns(table, "include", source), _patterns(table, "exclude", source),
                source,
            )  # fmt: skip
    return RepositoryConfig(here)


def _matches(relative: PurePosixPath, pattern: str) -> bool:
    """Whether a path (relative to the configuration's directory) matches ``pattern``: a
    directory pattern (``dir/``) matches it and what lies under it, a pattern with a ``/``
    the whole path, one without the file name anywhere."""
    text = relative.as_posix()
    if pattern.endswith("/"):
        prefix = pattern.rstrip("/")
        return text == prefix or text.startswith(prefix + "/") or fnmatchcase(text, prefix)
    if "/" in pattern:
        return fnmatchcase(text, pattern.lstrip("/"))
    return fnmatchcase(relative.name, pattern)


def _relative(path: Path, root: Path) -> PurePosixPath | None:
    try:
        return PurePosixPath(path.resolve().relative_to(root).as_posix())
    except ValueError:
        return None  # outside the repository: no pattern applies


def repository_files(
    paths: Iterable[str], config: RepositoryConfig, exclude: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    """The files to check and the ones left out by an exclusion, for ``paths``.

    ``exclude``: more patterns, relative to the current directory (``--exclude``)."""
    cwd = Path.cwd().resolve()
    chosen: list[str] = []
    excluded: list[str] = []
    for given in paths:
        if not os.path.isdir(given):
            chosen.append(given)
            continue
        named = Path(given)
        rules = [(config.root, p) for p in config.exclude] + [(cwd, p) for p in exclude]
        # An exclusion that covers the named directory itself does not apply to its walk.
        active = [
            (root, p) for root, p in rules
            if (rel := _relative(named, root)) is None or not _matches(rel, p)
        ]  # fmt: skip
        for root, dirs, files in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(_SUFFIXES):
                    continue
                path = Path(root, name)
                if any(
                    (rel := _relative(path, base)) is not None and _matches(rel, p)
                    for base, p in active
                ):
                    excluded.append(str(path))
                    continue
                rel = _relative(path, config.root)
                if config.include and not (
                    rel is not None and any(_matches(rel, p) for p in config.include)
                ):
                    excluded.append(str(path))
                    continue
                chosen.append(str(path))
    return chosen, excluded


def _csv_kind(path: str) -> FileKind:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return FileKind.ROSTER  # unreadable: the roster reader says why
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = {c.strip().lower() for c in next(csv.reader([first], delimiter=delimiter), [])}
    if header >= _DEAL_FIELDS:
        return FileKind.DEALS
    if "id" in header and header >= _EMPLOYEE_FIELDS:
        return FileKind.ROSTER
    return FileKind.SKIPPED


def _items_kind(items: list[Any]) -> FileKind | None:
    first = items[0] if items and isinstance(items[0], dict) else None
    if first is None:
        return None
    if _DEAL_FIELDS & set(first):
        return FileKind.DEALS
    if _EMPLOYEE_FIELDS & set(first):
        return FileKind.ROSTER
    if _SCHEME_KEYS & set(first):
        return FileKind.SCHEME  # a scheme written as a list item: the scheme check says so
    return None


def classify(path: str, *, max_bytes: int) -> FileKind:
    """What the file at ``path`` is, from its name and content; a YAML or JSON file that
    cannot be read is a scheme (its check reports why)."""
    if path.lower().endswith(".csv"):
        return _csv_kind(path)
    if path.lower().endswith((".test.yaml", ".test.yml", ".test.json")):
        return FileKind.TEST
    if os.path.basename(path).lower() in POLICY_NAMES:
        return FileKind.POLICY
    try:
        data = load_document(path, max_bytes=max_bytes).data
    except DocumentError:
        return FileKind.SCHEME
    if isinstance(data, dict):
        keys = set(data)
        if keys >= _TEST_KEYS:
            return FileKind.TEST
        if keys == {"employees"} or ("employees" in keys and not keys & _SCHEME_KEYS):
            return FileKind.ROSTER
        if keys == {"deals"}:
            return FileKind.DEALS
        if keys and keys <= _POLICY_KEYS:
            return FileKind.POLICY
        if keys & _SCHEME_KEYS:
            return FileKind.SCHEME
        return FileKind.SKIPPED
    if isinstance(data, list):
        return _items_kind(data) or FileKind.SKIPPED
    return FileKind.SKIPPED
