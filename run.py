#!/usr/bin/env python3
"""The project's one entry for people and CI: sets itself up, then runs what is asked.

    python3 run.py demo    the demo on the embedded SQLite store
    python3 run.py test    everything CI checks: ruff, mypy --strict, import contracts, pytest
    python3 run.py bench   the benchmarks (see benchmarks/RESULTS.md)

Each command creates `.venv/` in the checkout on first use and installs the project into it;
it reinstalls only when pyproject.toml changes. Only Python 3.11+ and pip are needed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def _setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit("safepassage needs Python 3.11 or newer.")
    if not PY.exists():
        print("Creating .venv/ ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == want:
        return
    print("Installing safepassage and its test tools into .venv/ ...", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
    stamp.write_text(want)


def _run(*cmd: str) -> int:
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT).returncode


def test(extra: list[str]) -> int:
    steps = [
        [str(BIN / "ruff"), "check", "src", "tests", "benchmarks", "run.py"],
        [str(BIN / "ruff"), "format", "--check", "src", "tests", "benchmarks", "run.py"],
        [str(BIN / "mypy")],
        [str(PY), "-m", "pytest", "--cov", "--cov-report=term", *extra],
    ]
    for step in steps:
        rc = _run(*step)
        if rc:
            return rc
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "check", "bench"}:
        print(__doc__)
        return 2
    _setup()
    command, extra = argv[0], argv[1:]
    if command in {"test", "check"}:
        return test(extra)
    if command == "bench":
        return _run(str(PY), str(ROOT / "benchmarks" / "run_all.py"), *extra)
    return _run(str(BIN / "safepassage"), "demo", *extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
