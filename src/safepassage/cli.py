"""Operator commands: init, lock, purge, burn, demo.

Passphrases are read from a prompt, a file (`--passphrase-file`) or an inherited file
descriptor (`--passphrase-fd`), one per line, never from a command-line argument (which
other local users and shell history could see). Every failure is one line on stderr and a
non-zero exit; nothing is changed when a command fails.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import Progress

from safepassage import bootstrap
from safepassage.config import ConfigError, Settings
from safepassage.services import members

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="safepassage: the coordination server's operator commands.",
)
out = Console()
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Store directory (default: $SAFEPASSAGE_DATA_DIR)."),
]
PassFile = Annotated[
    Path | None,
    typer.Option("--passphrase-file", help="Read operator passphrases from this file."),
]
PassFd = Annotated[
    int | None,
    typer.Option("--passphrase-fd", help="Read operator passphrases from this file descriptor."),
]

EXIT_CODES: dict[type[Exception], int] = {
    bootstrap.UnlockError: 3,
    bootstrap.StoreMissing: 4,
    bootstrap.StoreCorrupt: 5,
    bootstrap.StoreExists: 6,
    bootstrap.DiskFull: 7,
    ConfigError: 8,
}
MESSAGES: dict[type[Exception], str] = {
    bootstrap.UnlockError: "those passphrases do not unlock this store",
}


class Refused(Exception):
    """A command refused before doing anything (bad input, no confirmation)."""


@contextmanager
def _errors() -> Iterator[None]:
    """Map every known failure to one line and an exit code; hide everything else."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except Refused as error:
        err.print(f"error: {error}", highlight=False)
        raise typer.Exit(2) from None
    except (bootstrap.StoreError, bootstrap.UnlockError, ConfigError) as error:
        code = next((c for t, c in EXIT_CODES.items() if isinstance(error, t)), 1)
        message = next((m for t, m in MESSAGES.items() if isinstance(error, t)), str(error))
        err.print(f"error: {message}", highlight=False)
        raise typer.Exit(code) from None
    except OSError as error:
        # Never echo the path or the data: the message names the failure only.
        err.print(f"error: {error.strerror or 'input/output failure'}", highlight=False)
        raise typer.Exit(1) from None


def _settings(data_dir: Path | None) -> Settings:
    return Settings.from_env(data_dir=data_dir)


def _read_lines(file: Path | None, fd: int | None) -> list[str] | None:
    if file is not None and fd is not None:
        raise Refused("give --passphrase-file or --passphrase-fd, not both")
    if file is not None:
        text = file.read_text("utf-8")
    elif fd is not None:
        with os.fdopen(fd, "r", encoding="utf-8", closefd=False) as stream:
            text = stream.read()
    else:
        return None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _passphrases(file: Path | None, fd: int | None, count: int, what: str) -> list[str]:
    lines = _read_lines(file, fd)
    if lines is not None:
        if len(lines) < count:
            raise Refused(f"{count} {what} needed, {len(lines)} given")
        return lines[:count]
    if not sys.stdin.isatty():
        raise Refused("no passphrase given: use --passphrase-file or --passphrase-fd")
    return [getpass.getpass(f"{what} {i + 1} of {count}: ") for i in range(count)]


def _progress(label: str) -> tuple[Progress, Callable[[int, int], None]]:
    bar = Progress(console=err, transient=True, disable=not err.is_terminal)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


@app.command()
def init(
    data_dir: DataDir = None,
    operators: Annotated[int, typer.Option(min=1, max=7, help="Number of operators.")] = 1,
    threshold: Annotated[int, typer.Option(min=1, max=7, help="Operators needed to unlock.")] = 1,
    passphrase_file: PassFile = None,
    passphrase_fd: PassFd = None,
    coordinator: Annotated[str, typer.Option(help="Codename of the first coordinator.")] = (
        "coordinator"
    ),
    coordinator_passphrase_file: Annotated[
        Path | None, typer.Option(help="Read the first coordinator's passphrase from a file.")
    ] = None,
    cell: Annotated[str, typer.Option(help="Name of the first cell.")] = "cell-1",
) -> None:
    """Create a store, its operator passphrases and the first coordinator."""
    with _errors():
        if threshold > operators:
            raise Refused("the threshold cannot exceed the number of operators")
        settings = _settings(data_dir)
        lines = _read_lines(passphrase_file, passphrase_fd)
        generated = lines is None
        if lines is None:
            lines = [bootstrap.generate_passphrase() for _ in range(operators)]
        elif len(lines) < operators:
            raise Refused(f"{operators} operator passphrases needed, {len(lines)} given")
        if len(set(lines[:operators])) != operators:
            raise Refused("each operator needs a different passphrase")
        coordinator_lines = _read_lines(coordinator_passphrase_file, None)
        coordinator_passphrase = coordinator_lines[0] if coordinator_lines else None
        coordinator_passphrase = coordinator_passphrase or bootstrap.generate_passphrase()
        with err.status("Deriving keys (this takes a while by design)..."):
            runtime = bootstrap.initialise_store(settings, lines[:operators], threshold)
            members.found_cell(runtime.context, cell, coordinator, coordinator_passphrase)
            runtime.lock()
        out.print(f"Created a store ({threshold} of {operators} operators to unlock).")
        if generated:
            shown = "\n".join(f"operator {i + 1}: {p}" for i, p in enumerate(lines[:operators]))
            out.print(Panel(shown, title="Operator passphrases: shown once, write them down"))
        if not coordinator_lines:
            out.print(
                Panel(
                    f"{coordinator}: {coordinator_passphrase}",
                    title="First coordinator's passphrase: shown once",
                )
            )


@app.command()
def lock(data_dir: DataDir = None) -> None:
    """Put the store at rest: fold the write-ahead log into the database file."""
    with _errors():
        bootstrap.flush_store(_settings(data_dir))
        out.print("The store is at rest; only the operators' passphrases can open it.")


@app.command()
def purge(
    data_dir: DataDir = None,
    passphrase_file: PassFile = None,
    passphrase_fd: PassFd = None,
    operators_needed: Annotated[
        int, typer.Option("--operators-needed", min=1, max=7, help="Passphrases to ask for.")
    ] = 1,
) -> None:
    """Destroy expired epoch keys, then delete the records they protected."""
    with _errors():
        settings = _settings(data_dir)
        phrases = _passphrases(
            passphrase_file, passphrase_fd, operators_needed, "Operator passphrase"
        )
        bar, update = _progress("Unlocking")
        with bar:
            runtime = bootstrap.unlock_store(settings, phrases, update)
            report = runtime.purge(dt.datetime.now(dt.UTC).date(), update)
            runtime.lock()
        out.print(
            f"Destroyed {report.epochs_destroyed} day key(s); "
            f"deleted {report.records_deleted} expired record(s)."
        )


@app.command()
def burn(
    data_dir: DataDir = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Destroy all key material: the whole store becomes unreadable noise, for good."""
    with _errors():
        settings = _settings(data_dir)
        if not yes:
            if not sys.stdin.isatty():
                raise Refused("burn needs confirmation: run it at a terminal or pass --yes")
            answer = typer.prompt('This cannot be undone. Type "burn" to destroy every key')
            if answer.strip().lower() != "burn":
                raise Refused("not confirmed; nothing was changed")
        bootstrap.burn_store(settings)
        out.print("Burned: the key material is gone and the store cannot be read by anyone.")


@app.command()
def demo(data_dir: DataDir = None) -> None:
    """Show the encrypted store at work, in a new temporary data directory by default."""
    from safepassage.demo import store_tour

    with _errors():
        store_tour.run(out, data_dir)


def main() -> None:
    app()
