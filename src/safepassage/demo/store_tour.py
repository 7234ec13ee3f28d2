"""The store demo: two cells write and read records, then the disk is searched.

It runs on fictional data in a new data directory with the cheap key-derivation profile
(refused in production), needs no input, and leaves the directory for a person to grep.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import tempfile
import urllib.parse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from safepassage import bootstrap
from safepassage.config import Settings
from safepassage.domain.record_header import NewRecord, RecordHeader
from safepassage.services import members
from safepassage.services.records import Records

CELLS = {
    "Riverside cell": ("Heron", ["Daw Khin Aye, party of 3", "Safe house at 14 Tamarind Lane"]),
    "Hill cell": ("Kestrel", ["U Zaw Min, party of 1", "Jeep plate MZ-4471 at Lower Ferry"]),
}


def encodings(text: str) -> dict[str, bytes]:
    """The five forms a string could take on disk: what the scan searches for."""
    raw = text.encode("utf-8")
    return {
        "utf-8": raw,
        "utf-16le": text.encode("utf-16-le"),
        "base64": base64.b64encode(raw).rstrip(b"="),
        "hex": raw.hex().encode(),
        "url": urllib.parse.quote(text).encode(),
    }


def scan(directory: Path, strings: list[str]) -> list[tuple[str, str, str]]:
    """Every (file, string, encoding) found under `directory`, case-insensitive for hex."""
    hits = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        data = path.read_bytes()
        lowered = data.lower()
        for text in strings:
            for name, needle in encodings(text).items():
                haystack = lowered if name == "hex" else data
                if needle in haystack:
                    hits.append((path.name, text, name))
    return hits


def run(out: Console, data_dir: Path | None) -> None:
    directory = data_dir or Path(tempfile.mkdtemp(prefix="safepassage-demo-"))
    settings = Settings(data_dir=directory, environment="development", kdf_profile="test")
    out.print(f"[bold]safepassage store demo[/] in {directory}")
    out.print("Fictional data; the cheap key-derivation profile (production refuses it).\n")

    operator = bootstrap.generate_passphrase()
    runtime = bootstrap.initialise_store(settings, [operator], threshold=1)
    expires = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)
    passphrases: dict[str, str] = {}
    written: list[tuple[str, bytes, str]] = []
    for cell_name, (codename, notes) in CELLS.items():
        passphrases[codename] = bootstrap.generate_passphrase()
        cell_id, _ = members.found_cell(runtime.context, cell_name, codename, passphrases[codename])
        cell_key = Records(runtime.context.vault).public_key(cell_id)
        for note in notes:
            header = RecordHeader(kind="case", expires=expires, recipients=(cell_key,))
            body = json.dumps({"note": note}).encode()
            written.append((cell_name, runtime.vault.write(NewRecord(header, body)), note))
    out.print(f"Initialised the store and wrote {len(written)} records in {len(CELLS)} cells.\n")

    table = Table(title="Who can read what (each member logged in with their own passphrase)")
    table.add_column("record of")
    table.add_column("text")
    for codename in passphrases:
        table.add_column(f"as {codename}")
    sessions = [members.open_session(runtime.context, c, p) for c, p in passphrases.items()]
    for cell_name, record_id, note in written:
        cells = []
        for session in sessions:
            opened = runtime.vault.try_read_many([record_id], session.keyring)
            cells.append("[green]reads it[/]" if opened else "[red]cannot open[/]")
        table.add_row(cell_name, note, *cells)
    out.print(table)

    runtime.lock()
    strings = [note for _, _, note in written] + list(passphrases) + list(CELLS)
    hits = scan(directory, strings)
    files = ", ".join(sorted(p.name for p in directory.iterdir()))
    out.print(f"\nLocked. The data directory now holds: {files}")
    out.print(
        f"Searched every file for {len(strings)} written strings in UTF-8, UTF-16LE, base64, "
        f"hex and URL encoding: [bold]{len(hits)} found[/]."
    )
    for hit in hits:
        out.print(f"  [red]FOUND[/] {hit}")
    out.print(f"Try it yourself: grep -ri 'Tamarind' {directory}")
    if hits:
        raise SystemExit(1)
