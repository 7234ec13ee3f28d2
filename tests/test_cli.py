"""The operator CLI: every command, its errors as one line and an exit code, nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safepassage.cli import app

ENV = {"SAFEPASSAGE_ENV": "test", "SAFEPASSAGE_KDF": "test", "SAFEPASSAGE_DATABASE_URL": ""}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def passfile(tmp_path: Path) -> Path:
    path = tmp_path / "operator.txt"
    path.write_text("lantern orchard copper willow\n")
    return path


def _init(runner: CliRunner, data: Path, passfile: Path, *extra: str) -> str:
    result = runner.invoke(
        app,
        ["init", "--data-dir", str(data), "--passphrase-file", str(passfile), *extra],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_init_with_supplied_passphrase_never_echoes_it(
    runner: CliRunner, tmp_path: Path, passfile: Path
) -> None:
    output = _init(runner, tmp_path / "data", passfile)
    assert "lantern" not in output
    assert "First coordinator's passphrase" in output
    assert (tmp_path / "data" / "safepassage.db").exists()


def test_init_generates_diceware_shown_once(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["init", "--data-dir", str(tmp_path / "d"), "--operators", "3", "--threshold", "2"],
        env=ENV,
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "operator " in line and ":" in line]
    assert len(lines) == 3
    assert "2 of 3" in result.output


def test_second_init_is_refused_and_the_store_still_opens(
    runner: CliRunner, tmp_path: Path, passfile: Path
) -> None:
    data = tmp_path / "data"
    _init(runner, data, passfile)
    before = (data / "safepassage.db").read_bytes()
    result = runner.invoke(
        app, ["init", "--data-dir", str(data), "--passphrase-file", str(passfile)], env=ENV
    )
    assert result.exit_code == 6
    assert result.output.strip().count("\n") == 0
    assert (data / "safepassage.db").read_bytes() == before
    ok = runner.invoke(
        app, ["purge", "--data-dir", str(data), "--passphrase-file", str(passfile)], env=ENV
    )
    assert ok.exit_code == 0, ok.output


def test_purge_with_a_wrong_passphrase(runner: CliRunner, tmp_path: Path, passfile: Path) -> None:
    data = tmp_path / "data"
    _init(runner, data, passfile)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase\n")
    result = runner.invoke(
        app, ["purge", "--data-dir", str(data), "--passphrase-file", str(wrong)], env=ENV
    )
    assert result.exit_code == 3
    assert result.output.strip() == "error: those passphrases do not unlock this store"


def test_missing_and_corrupt_stores(runner: CliRunner, tmp_path: Path, passfile: Path) -> None:
    missing = runner.invoke(
        app,
        ["purge", "--data-dir", str(tmp_path / "none"), "--passphrase-file", str(passfile)],
        env=ENV,
    )
    assert missing.exit_code == 4
    assert missing.output.startswith("error: ")
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "safepassage.db").write_bytes(b"this is not a database" * 200)
    result = runner.invoke(
        app, ["purge", "--data-dir", str(corrupt), "--passphrase-file", str(passfile)], env=ENV
    )
    assert result.exit_code == 5
    assert len(result.output.strip().splitlines()) == 1
    assert (corrupt / "safepassage.db").read_bytes() == b"this is not a database" * 200


def test_burn_asks_for_confirmation_then_destroys_the_keys(
    runner: CliRunner, tmp_path: Path, passfile: Path
) -> None:
    data = tmp_path / "data"
    _init(runner, data, passfile)
    refused = runner.invoke(app, ["burn", "--data-dir", str(data)], env=ENV)
    assert refused.exit_code == 2
    purge = ["purge", "--data-dir", str(data), "--passphrase-file", str(passfile)]
    assert runner.invoke(app, purge, env=ENV).exit_code == 0
    burned = runner.invoke(app, ["burn", "--data-dir", str(data), "--yes"], env=ENV)
    assert burned.exit_code == 0, burned.output
    after = runner.invoke(app, purge, env=ENV)
    assert after.exit_code == 5
    assert "burned or damaged" in after.output


def test_lock_folds_the_log_into_the_database(
    runner: CliRunner, tmp_path: Path, passfile: Path
) -> None:
    data = tmp_path / "data"
    _init(runner, data, passfile)
    result = runner.invoke(app, ["lock", "--data-dir", str(data)], env=ENV)
    assert result.exit_code == 0
    assert sorted(p.name for p in data.iterdir()) == ["safepassage.db"]


def test_production_refuses_the_cheap_profile(runner: CliRunner, tmp_path: Path) -> None:
    env = {**ENV, "SAFEPASSAGE_ENV": "production"}
    result = runner.invoke(app, ["init", "--data-dir", str(tmp_path / "d")], env=env)
    assert result.exit_code == 8
    assert "refuses the cheap key-derivation profile" in result.output
    assert not (tmp_path / "d").exists()


def test_threshold_above_operators_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    args = ["init", "--data-dir", str(tmp_path / "d"), "--operators", "2", "--threshold", "3"]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 2
    assert not (tmp_path / "d").exists()


def test_passphrases_from_an_inherited_descriptor(tmp_path: Path) -> None:
    """The real entry point, in a child process, reading passphrases from a pipe."""
    exe = str(Path(sys.executable).with_name("safepassage"))
    env = {**os.environ, **ENV}
    data = str(tmp_path / "data")
    read_end, write_end = os.pipe()
    os.write(write_end, b"first operator phrase\nsecond operator phrase\n")
    os.close(write_end)
    init = subprocess.run(
        [exe, "init", "--data-dir", data, "--operators", "2", "--threshold", "2",
         "--passphrase-fd", str(read_end)],
        pass_fds=(read_end,), env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    os.close(read_end)
    assert init.returncode == 0, init.stderr
    assert "operator phrase" not in init.stdout + init.stderr
    read_end, write_end = os.pipe()
    os.write(write_end, b"second operator phrase\nfirst operator phrase\n")
    os.close(write_end)
    purge = subprocess.run(
        [exe, "purge", "--data-dir", data, "--operators-needed", "2",
         "--passphrase-fd", str(read_end)],
        pass_fds=(read_end,), env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    os.close(read_end)
    assert purge.returncode == 0, purge.stderr


def test_demo_runs_without_input_and_finds_nothing_on_disk(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["demo", "--data-dir", str(tmp_path / "demo")], env=ENV)
    assert result.exit_code == 0, result.output
    assert "0 found" in result.output
    assert "cannot open" in result.output
    assert "reads it" in result.output
