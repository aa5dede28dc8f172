"""Validating scheme files: load, parse, check, break-even; every finding located.

Exit codes of ``compcalc validate`` follow from the reports: 2 when any file could not be
read as a document, else 1 when any finding is an error, else 0 (warnings are fine).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from app.engine import (
    BreakEven,
    Finding,
    Scheme,
    SchemeError,
    break_even,
    check_scheme,
    parse_scheme,
    scheme_hash,
)
from app.engine.policy import PolicyContext, apply_policy
from app.io.read.documents import DocumentError, load_document
from app.io.read.positions import Positions, locate

from .policyfile import PolicyFileError, PolicyRef, default_policy, load_policy

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

__all__ = [
    "SCHEME_SUFFIXES",
    "CollectError",
    "FileReport",
    "LoadedScheme",
    "SchemeFileError",
    "check_document",
    "collect_files",
    "collect_paths",
    "exit_code",
    "load_scheme",
    "validate_file",
    "validate_policy_file",
]

SCHEME_SUFFIXES = (".yaml", ".yml", ".json")


class CollectError(Exception):
    """A path given on the command line that names no scheme file."""


def collect_files(paths: Iterable[str]) -> list[str]:
    """Files named in ``paths``; a directory stands for every scheme file under it.

    Files under a directory are sorted; hidden files and directories (``.git``,
    ``.github``) are skipped, symbolic links to directories are not followed.  A path
    that does not exist is kept so that its report says so.
    """
    return collect_paths(paths, SCHEME_SUFFIXES, CollectError, key=lambda p: Path(p).parts)


def collect_paths(
    paths: Iterable[str],
    suffixes: tuple[str, ...],
    error: Callable[[str], Exception],
    *,
    key: Callable[[str], SupportsRichComparison] = str,
) -> list[str]:
    """Files named in ``paths``; a directory stands for every file under it whose name ends
    with one of ``suffixes`` (any case), sorted by ``key``, hidden files and directories
    skipped.  A directory with no such file raises ``error`` with a message naming it."""
    found: list[str] = []
    for given in paths:
        if not os.path.isdir(given):
            found.append(given)
            continue
        under: list[str] = []
        for root, dirs, files in os.walk(given):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            under.extend(
                os.path.join(root, name)
                for name in files
                if not name.startswith(".") and name.lower().endswith(suffixes)
            )
        if not under:
            patterns = [f"*{suffix}" for suffix in suffixes]
            names = " or ".join(filter(None, [", ".join(patterns[:-1]), patterns[-1]]))
            raise error(f"{given}: no {names} files in this directory")
        found.extend(sorted(under, key=key))
    return found


@dataclass(frozen=True, slots=True)
class LoadedScheme:
    """A parsed scheme and where its values are written, to locate later findings."""

    path: str
    scheme: Scheme
    positions: Positions

    def locate(self, findings: Iterable[Finding]) -> list[Finding]:
        return locate(findings, self.positions)


@dataclass(frozen=True, slots=True)
class FileReport:
    """What validating one file found."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    load_error: DocumentError | None = None
    break_even: list[BreakEven] | None = None
    scheme_hash: str | None = None
    #: What the file is: ``scheme``, ``scheme test``, ``roster``, ``deals``, ``policy`` or
    #: ``skipped`` (none of these, so not checked; see :mod:`app.io.schemes.repository`).
    kind: str = "scheme"
    #: The organisation policy a scheme was checked against (None: not checked).
    policy: PolicyRef | None = None

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings) + (self.load_error is not None)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def valid(self) -> bool:
        return self.errors == 0


class SchemeFileError(Exception):
    """A scheme file that could not be loaded or parsed (located findings attached)."""

    def __init__(self, path: str, findings: Sequence[Finding]) -> None:
        self.path = path
        self.findings = list(findings)
        super().__init__(f"{path}: {len(self.findings)} problems")


def _empty() -> Finding:
    return Finding(
        "NOT_A_MAPPING", "error", (), "the document is empty; a scheme is a mapping of keys"
    )


def load_scheme(path: str, *, max_bytes: int, setting: str = "") -> LoadedScheme:
    """Load and parse one scheme file.

    Raises :class:`DocumentError` (unreadable) or :class:`SchemeFileError` (a document
    that is not a valid scheme; its findings carry line and column).
    """
    document = load_document(path, max_bytes=max_bytes, setting=setting)
    if document.data is None:
        raise SchemeFileError(path, [_empty().at(1, 1)])
    try:
        scheme = parse_scheme(document.data)
    except SchemeError as exc:
        raise SchemeFileError(path, locate(exc.findings, document.positions)) from None
    return LoadedScheme(path, scheme, document.positions)


def validate_file(
    path: str, *, max_bytes: int, setting: str = "", policy: PolicyContext | None = None
) -> FileReport:
    """Load, parse and check one scheme file against ``policy`` (the organisation policy;
    the article's defaults when None); nothing stops at the first problem."""
    try:
        document = load_document(path, max_bytes=max_bytes, setting=setting)
    except DocumentError as exc:
        return FileReport(path, load_error=exc)
    if document.data is None:
        return FileReport(path, [_empty().at(1, 1)])
    try:
        scheme = parse_scheme(document.data)
    except SchemeError as exc:
        return FileReport(path, locate(exc.findings, document.positions))
    context = policy or default_policy(date.today())
    return check_document(path, scheme, document.positions, context)


def check_document(
    name: str, scheme: Scheme, positions: Positions, policy: PolicyContext
) -> FileReport:
    """The report on a parsed scheme: what it may not weaken of ``policy``, the article's
    checks under the effective policy, and the break-even points."""
    effective, weakened = apply_policy(scheme, policy)
    findings = locate([*weakened, *check_scheme(effective)], positions)
    structural = any(f.data.get("kind") == "structure" for f in findings)
    points = None if structural else break_even(effective)
    ref = PolicyRef.of(policy)
    return FileReport(name, findings, None, points, scheme_hash(scheme), policy=ref)


def validate_policy_file(path: str, *, max_bytes: int) -> FileReport:
    """The report on an organisation policy file: whether it can be used, and its hash."""
    try:
        context = load_policy(path, max_bytes=max_bytes, today=date.today())
    except PolicyFileError as exc:
        return FileReport(path, exc.findings, exc.load_error, kind="policy")
    return FileReport(path, kind="policy", policy=PolicyRef.of(context))


def exit_code(reports: Sequence[FileReport]) -> int:
    if any(r.load_error is not None for r in reports):
        return 2
    return 1 if any(r.errors for r in reports) else 0
