"""The engine is the pure core: it must not import any shell (web, database, files, CLI).

Keeping app/engine free of I/O frameworks is what lets it be tested fast, reused from the CLI
and the API alike, and reasoned about as plain functions. The check reads source with ``ast``
instead of importing it, so it also catches imports inside functions and under TYPE_CHECKING.
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
