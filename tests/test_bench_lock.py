"""The benchmark-only lock: OpenFisca is pinned for ``bench/peers.py`` and nowhere else.

The service's runtime (requirements.lock, the image) and the development environment
(requirements-dev.lock, CI) never install it, and a package both the bench lock and the
development lock pin is pinned to the same version, so installing the bench lock on top of
the development environment changes nothing the service or the tests use.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")


def pins(name: str) -> dict[str, str]:
    """The exact pins of a lock file, by normalised package name; every line is a pin."""
    found: dict[str, str] = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _PIN.match(line.strip())
        assert match, f"{name}: not an exact pin: {line!r}"
        found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


def test_openfisca_only_in_the_bench_lock() -> None:
    assert pins("requirements-bench.lock")["openfisca-core"] == "46.0.1"
    for name in ("requirements.lock", "requirements-dev.lock"):
        assert "openfisca-core" not in pins(name), name
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("openfisca")]


def test_shared_packages_pinned_alike() -> None:
    bench, dev = pins("requirements-bench.lock"), pins("requirements-dev.lock")
    differ = {p: (v, dev[p]) for p, v in bench.items() if p in dev and dev[p] != v}
    assert not differ
