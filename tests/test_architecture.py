"""Layers point one way: engine ← io ← services ← api / cli, and the database only from
the services.

The engine is the pure core: it must not import any shell (web, database, files, CLI).
Keeping app/engine free of I/O frameworks is what lets it be tested fast, reused from the CLI
and the API alike, and reasoned about as plain functions. Above it, each layer may import
only the layers below it (:data:`ALLOWED`), so a change to the wire schema cannot reach what
the services store, and the database is reached only through the services. The checks read
source with ``ast`` instead of importing it, so they also catch imports inside functions and
under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ENGINE_PACKAGE = "app.engine"

FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "httpx",
    "yaml",
    "uvicorn",
    "psycopg",
    "app.api",
    "app.db",
    "app.io",
    "app.cli",
    "app.main",
    "app.settings",
)


#: Which of the app's packages each layer may import (its own included). ``app.main`` is the
#: composition root: it builds the app from the settings, the database and the routers.
ALLOWED: dict[str, frozenset[str]] = {
    "app.engine": frozenset({"app.engine"}),
    "app.i18n": frozenset({"app.i18n"}),  # languages and message catalogs (stdlib gettext)
    "app.io": frozenset({"app.engine", "app.i18n", "app.io"}),
    "app.schemetest": frozenset({"app.engine", "app.io", "app.schemetest"}),
    "app.settings": frozenset({"app.settings"}),
    "app.db": frozenset({"app.db", "app.settings"}),
    "app.services": frozenset({"app.engine", "app.io", "app.db", "app.settings", "app.services"}),
    "app.api": frozenset({"app.engine", "app.io", "app.services", "app.settings", "app.api"})
    | {"app.i18n"},
    "app.cli": frozenset({"app.engine", "app.io", "app.schemetest", "app.services", "app.main"})
    | {"app.settings", "app.cli", "app.i18n"},
    "app.main": frozenset({"app.api", "app.db", "app.services", "app.settings", "app.main"}),
}
#: Frameworks a layer must not import, besides the app's packages it may not.
FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "app.io": ("fastapi", "starlette", "sqlalchemy", "alembic", "httpx", "uvicorn", "psycopg"),
    "app.schemetest": ("fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn", "psycopg"),
    "app.services": ("fastapi", "starlette", "uvicorn", "httpx"),
    "app.db": ("fastapi", "starlette", "httpx"),
}


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    module: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.module}"


def _module_name(path: Path, package_root: Path, package: str) -> str:
    parts = list(path.relative_to(package_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([package, *parts])


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, list[str]]]:
    """Yield, per import, its line and the absolute module names it may load.

    ``from app import io`` may load ``app`` or the submodule ``app.io``, so both are candidates;
    the first forbidden candidate is the one reported.
    """
    # The package a relative import is resolved against: the module itself for __init__.py.
    current_package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, [alias.name]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = current_package.split(".")
                base = ".".join(base_parts[: len(base_parts) - (node.level - 1)])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            yield node.lineno, [target, *(f"{target}.{alias.name}" for alias in node.names)]


def _is_forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


def find_violations(package_root: Path, package: str = ENGINE_PACKAGE) -> list[Violation]:
    """Every forbidden import under ``package_root``, which holds the package ``package``."""
    violations: list[Violation] = []
    for path in sorted(package_root.rglob("*.py")):
        module = _module_name(path, package_root, package)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, candidates in _imports(tree, module, path.name == "__init__.py"):
            forbidden = [name for name in candidates if _is_forbidden(name)]
            if forbidden:
                violations.append(Violation(path, line, forbidden[0]))
    return sorted(violations, key=lambda v: (str(v.path), v.line, v.module))


def test_engine_imports_no_shell(repo_root: Path) -> None:
    engine_root = repo_root / "app" / "engine"
    if not engine_root.is_dir():
        pytest.skip("app/engine does not exist yet")
    assert any(engine_root.rglob("*.py")), "app/engine holds no Python files"

    violations = find_violations(engine_root)

    assert not violations, "app/engine must stay pure:\n" + "\n".join(map(str, violations))


def test_checker_reports_each_forbidden_import_with_its_line(tmp_path: Path) -> None:
    root = tmp_path / "engine"
    (root / "rules").mkdir(parents=True)
    (root / "__init__.py").write_text("from . import rules\nfrom .. import db\n")
    (root / "rules" / "__init__.py").write_text("")
    (root / "rules" / "model.py").write_text(
        "import json\n"
        "import decimal, fastapi.params\n"
        "from pydantic import BaseModel\n"
        "from sqlalchemy.orm import Session\n"
        "from ...settings import get_settings\n"
        "from app.engine.money import Money\n"
        "from app import io\n"
        "def load() -> None:\n"
        "    import yaml\n"
    )

    found = [(v.path.relative_to(root).as_posix(), v.line, v.module) for v in find_violations(root)]

    assert found == [
        ("__init__.py", 2, "app.db"),
        ("rules/model.py", 2, "fastapi.params"),
        ("rules/model.py", 4, "sqlalchemy.orm"),
        ("rules/model.py", 5, "app.settings"),
        ("rules/model.py", 7, "app.io"),
        ("rules/model.py", 9, "yaml"),
    ]


def test_checker_accepts_stdlib_pydantic_and_engine_imports(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text(
        "from __future__ import annotations\n"
        "import datetime\n"
        "from decimal import Decimal\n"
        "from pydantic import BaseModel\n"
        "from app.engine.money import Money\n"
        "from . import money\n"
        "import app.engine.calendar\n"
        "import yamlish\n"  # a prefix of a forbidden name is not that name
    )

    assert find_violations(tmp_path) == []


def _layer(module: str) -> str | None:
    """The layer (a key of :data:`ALLOWED`) that ``module`` belongs to."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else None


def _app_package(name: str) -> str | None:
    """The app package an imported name lies in (``app.io.payrolljson`` → ``app.io``)."""
    parts = name.split(".")
    if parts[0] != "app" or len(parts) < 2:
        return None
    return ".".join(parts[:2])


def layer_violations(app_root: Path, package: str = "app") -> list[Violation]:
    """Every import under ``app_root`` (the package ``package``) that its layer may not make."""
    violations: list[Violation] = []
    for path in sorted(app_root.rglob("*.py")):
        module = _module_name(path, app_root, package)
        layer = _layer(module)
        if layer is None:
            continue  # app/__init__.py: the version only
        allowed = ALLOWED.get(layer)
        assert allowed is not None, f"{path}: {layer} has no row in ALLOWED"
        frameworks = FRAMEWORKS.get(layer, ())
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, candidates in _imports(tree, module, path.name == "__init__.py"):
            target = candidates[0]
            named = [c for c in candidates if _app_package(c) is not None]
            # ``from app import services`` names app.services, not just app.
            packages = {p for p in map(_app_package, named) if p is not None}
            if target == "app" and not packages:
                continue
            for found in sorted(packages - allowed - {"app.__init__"}):
                if found in ALLOWED:
                    violations.append(Violation(path, line, found))
            if any(target == f or target.startswith(f + ".") for f in frameworks):
                violations.append(Violation(path, line, target))
    return violations


def test_layers_import_only_the_layers_below(repo_root: Path) -> None:
    violations = layer_violations(repo_root / "app")

    assert not violations, "imports across the layers (see ALLOWED):\n" + "\n".join(
        map(str, violations)
    )


def test_every_package_of_the_app_has_a_row(repo_root: Path) -> None:
    packages = {
        f"app.{p.stem}"
        for p in (repo_root / "app").iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"
    } - {"app.__init__"}

    assert packages == set(ALLOWED)


def test_layer_checker_reports_imports_that_point_up(tmp_path: Path) -> None:
    root = tmp_path / "app"
    for package in ("services", "io", "api", "engine"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "services" / "payroll.py").write_text(
        "from app.api import render\n"
        "from app.io.payrolljson import render as ok\n"
        "from app.db.session import Database\n"
        "import fastapi\n"
    )
    (root / "io" / "out.py").write_text("from ..services import types\nfrom app.engine import x\n")
    (root / "api" / "runs.py").write_text("from app import services, db\nfrom app.io import y\n")
    (root / "engine" / "calc.py").write_text("from app.io import documents\n")

    found = [
        (v.path.relative_to(root).as_posix(), v.line, v.module) for v in layer_violations(root)
    ]

    assert found == [
        ("api/runs.py", 1, "app.db"),
        ("engine/calc.py", 1, "app.io"),
        ("io/out.py", 1, "app.services"),
        ("services/payroll.py", 1, "app.api"),
        ("services/payroll.py", 4, "fastapi"),
    ]
