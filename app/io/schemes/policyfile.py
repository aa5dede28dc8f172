"""The organisation policy file of a rules repository: where it is, what it says.

``compcalc-policy.yaml`` (or ``.yml``, ``.json``) at the root of the rules repository holds
the company's policy (docs/rules.md "Policy"). A scheme file is checked against the nearest
one found walking up from its directory, stopping at the repository root (the directory that
holds ``.git``); ``--policy FILE`` names one for every file instead. With none, the article's
defaults apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from app.engine import Finding, SchemeError
from app.engine.policy import DEFAULT_POLICY, PolicyContext, parse_policy
from app.io.read.documents import DocumentError, load_document
from app.io.read.positions import locate

__all__ = [
    "POLICY_NAMES",
    "PolicyFileError",
    "PolicyRef",
    "PolicyResolver",
    "default_policy",
    "find_policy",
    "load_policy",
]

POLICY_NAMES: Final = ("compcalc-policy.yaml", "compcalc-policy.yml", "compcalc-policy.json")


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """Which policy a scheme was checked against: its file (None: the defaults) and hash."""

    source: str | None
    hash: str

    @classmethod
    def of(cls, context: PolicyContext) -> PolicyRef:
        return cls(context.source, context.hash)

    def as_dict(self) -> dict[str, object]:
        return {"source": self.source, "hash": self.hash, "default": self.source is None}


class PolicyFileError(Exception):
    """A policy file that cannot be used: unreadable (``load_error``) or not a valid policy
    (``findings``, located)."""

    def __init__(
        self,
        path: str,
        findings: list[Finding] | None = None,
        load_error: DocumentError | None = None,
    ) -> None:
        self.path = path
        self.findings = findings or []
        self.load_error = load_error
        super().__init__(f"{path}: the organisation policy cannot be used")


def find_policy(path: str | Path) -> Path | None:
    """The policy file that applies to the file at ``path``: the nearest compcalc-policy.*
    in its directory or a parent, up to the repository root (a directory holding .git)."""
    here = Path(path).resolve()
    start = here if here.is_dir() else here.parent
    for directory in (start, *start.parents):
        for name in POLICY_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        if (directory / ".git").exists():
            return None
    return None


def default_policy(today: date) -> PolicyContext:
    """The article's rules, when there is no policy file."""
    return PolicyContext(DEFAULT_POLICY, today)


def load_policy(
    path: str, *, max_bytes: int, today: date, shown: str | None = None
) -> PolicyContext:
    """The policy in the file at ``path``, each of its values located (``file:line``).

    ``shown`` is how messages name the file (the path as given, by default).
    Raises :class:`PolicyFileError`."""
    name = shown or path
    try:
        document = load_document(path, max_bytes=max_bytes, setting="COMPCALC_MAX_SCHEME_BYTES")
    except DocumentError as exc:
        raise PolicyFileError(path, load_error=exc) from None
    try:
        policy = parse_policy(document.data)
    except SchemeError as exc:
        raise PolicyFileError(path, locate(exc.findings, document.positions)) from None
    where = {p: f"{name}:{line}" for p, (line, _column) in document.positions.values.items()}
    return PolicyContext(policy, today, name, where)


class PolicyResolver:
    """The policy of each scheme file of one ``compcalc validate`` run, each file read once.

    ``given`` (``--policy FILE``) applies to every file; otherwise each file's nearest
    policy file (:func:`find_policy`), or the defaults."""

    def __init__(self, given: str | None, *, max_bytes: int, today: date) -> None:
        self._given = given
        self._max_bytes = max_bytes
        self._today = today
        self._loaded: dict[str, PolicyContext | PolicyFileError] = {}

    def path_for(self, scheme_path: str) -> str | None:
        """The policy file that applies to ``scheme_path`` (None: the defaults)."""
        if self._given is not None:
            return self._given
        found = find_policy(scheme_path)
        return None if found is None else _shown(found)

    def context(self, policy_path: str | None) -> PolicyContext | PolicyFileError:
        """The policy in ``policy_path`` (read once), or why it cannot be used."""
        if policy_path is None:
            return default_policy(self._today)
        if policy_path not in self._loaded:
            try:
                self._loaded[policy_path] = load_policy(
                    policy_path, max_bytes=self._max_bytes, today=self._today
                )
            except PolicyFileError as exc:
                self._loaded[policy_path] = exc
        return self._loaded[policy_path]

    def failed(self) -> list[str]:
        """The policy files read so far that could not be used."""
        return [p for p, c in self._loaded.items() if isinstance(c, PolicyFileError)]


def _shown(path: Path) -> str:
    """``path`` relative to the current directory when it is under it (as reports name files)."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
