"""The dependency rule, enforced: import-linter contracts plus two direct scans."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "safepassage"
SOLVERS = {"pyvrp", "ortools", "highspy"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_import_linter_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, cwd=SRC.parents[1], check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    assert "KEPT" in result.stdout


def test_domain_imports_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__", "safepassage"}
    for path in (SRC / "domain").rglob("*.py"):
        outside = _imports(path) - allowed
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_only_one_module_imports_a_solver() -> None:
    importers = sorted(
        str(path.relative_to(SRC)) for path in SRC.rglob("*.py") if _imports(path) & SOLVERS
    )
    assert len(importers) <= 1, importers


def test_no_work_at_import_time() -> None:
    """No engine, key or client is created as a module global."""
    suspicious = {"create_engine", "make_engine", "random_key", "generate", "Client"}
    for path in SRC.rglob("*.py"):
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                func = node.value.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                assert name not in suspicious, f"{path.name} calls {name} at import time"
