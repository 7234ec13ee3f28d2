"""The cold-disk scan: a seized store reveals no name, place, phone, plate or codename.

A store is filled with over 500 fictional canary strings (in cell names, codenames and
record bodies of several kinds), some records are rewritten, some deleted, some purged;
then every byte the seizure would get is searched for every canary in UTF-8, UTF-16LE,
base64 (three alignments), hex and URL encoding. The scanner is itself tested on planted
plaintext, so a broken scanner cannot pass vacuously.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from seizure import OPERATOR, Hit, data_files, encodings, passphrase, scan, table_bytes

from safepassage import bootstrap
from safepassage.clocks import FakeClock
from safepassage.config import Settings
from safepassage.crypto import aead
from safepassage.domain.record_header import STANDING, NewRecord, RecordHeader
from safepassage.services import members
from safepassage.services.records import Records
from safepassage.store import dialects

# -- fictional canaries ------------------------------------------------------------------

_GIVEN = [
    "Daw Khin", "U Zaw", "Ma Thida", "Ko Aung", "Naw Paw", "Saw Ler", "Priya", "Farida",
    "Oksana", "Tetiana", "Bohdan", "Ahmad Zia", "Mariam", "Halima", "Yusuf", "Nasrin",
    "Thandiwe", "Esperanza", "Joaquin", "Amani",
]  # fmt: skip
_FAMILY = [
    "Aye Myint", "Min Htet", "Thandar Soe", "Ko Ko Lwin", "Raghunathan", "Noorzai",
    "Melnychuk", "Hrytsenko", "Kovalchuk", "Sultani", "Hashemi", "Okonkwo", "Mbeki",
    "Quispe Mamani", "Villalobos", "Wanjiru", "Tesfaye", "Haddad", "Karimova",
]  # fmt: skip
_TOWN_A = ["Kyauk", "Myit", "Taung", "Pyin", "Hlaing", "Zhovt", "Bila", "Kandar", "Sari", "Mazra"]
_TOWN_B = ["thaya", "kone", "gyi", "nyaung", "ivka", "horod", "abad", "pul", "anzor", "eira"]
_SPOT = ["Ferry", "Junction", "Crossing", "Market", "Monastery", "Ridge Road", "Bus Stand"]
_STREETS = ["Tamarind Lane", "Banyan Street", "Sunflower Row", "Chinar Alley", "Acacia Close"]
_BIRDS = ["Heron", "Kestrel", "Hoopoe", "Bulbul", "Myna", "Drongo", "Egret", "Shrike", "Ibis"]
_COLOURS = ["Grey", "Amber", "Cobalt", "Saffron", "Jade", "Rust", "Ochre", "Indigo"]


def _unique(rng: random.Random, make: Callable[[random.Random], str], count: int) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < count:
        found[make(rng)] = None
    return list(found)


def canaries(seed: int = 4471) -> dict[str, list[str]]:
    """Over 500 fictional, realistic-looking strings by category, the same on every run."""
    rng = random.Random(seed)
    digits = lambda n: "".join(str(rng.randrange(10)) for _ in range(n))  # noqa: E731
    return {
        "person": _unique(rng, lambda r: f"{r.choice(_GIVEN)} {r.choice(_FAMILY)}", 120),
        "place": _unique(
            rng,
            lambda r: (
                f"{r.choice(_TOWN_A)}{r.choice(_TOWN_B)} {r.choice(_SPOT)}"
                if r.random() < 0.6
                else f"{r.randrange(2, 220)} {r.choice(_STREETS)}, {r.choice(_TOWN_A)}"
                f"{r.choice(_TOWN_B)}"
            ),
            110,
        ),
        "phone": _unique(
            rng,
            lambda r: r.choice(
                [
                    f"+95 9 {digits(3)} {digits(3)} {digits(3)}",
                    f"+91 {digits(5)} {digits(5)}",
                    f"+380 67 {digits(3)} {digits(2)} {digits(2)}",
                    f"+93 70 {digits(3)} {digits(4)}",
                    f"+959{digits(9)}",
                ]
            ),
            110,
        ),
        "plate": _unique(
            rng,
            lambda r: r.choice(
                [
                    f"MZ-{digits(4)}",
                    f"YGN {r.randrange(1, 9)}K-{digits(4)}",
                    f"KA {digits(2)} MN {digits(4)}",
                    f"AA {digits(4)} KX",
                ]
            ),
            100,
        ),
        "codename": _unique(
            rng, lambda r: f"{r.choice(_COLOURS)} {r.choice(_BIRDS)} {r.randrange(10, 99)}", 80
        ),
    }


def _all(groups: dict[str, list[str]]) -> list[str]:
    return [text for texts in groups.values() for text in texts]


# -- the scanner itself ------------------------------------------------------------------


def _plant(text: str, encoding: str) -> bytes:
    """`text` embedded in a larger document, the whole document then encoded."""
    before, after = "Notes: pick up ", " at dawn; party of 3."
    document = f"{before}{text}{after}"
    if encoding == "utf-8":
        return document.encode()
    if encoding == "utf-16le":
        return b"\xff\xfe" + document.encode("utf-16-le")
    if encoding.startswith("base64/"):
        lead = int(encoding.split("/")[1])
        body = ("x" * lead + text + after).encode()
        return b"data=" + base64.b64encode(body) + b"\n"
    if encoding == "hex":
        return b"0x" + document.encode().hex().encode()
    if encoding == "HEX":
        return document.encode().hex().upper().encode()
    if encoding == "url":
        return b"/search?q=" + urllib.parse.quote(document, safe="").encode()
    raise AssertionError(encoding)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-16le", "base64/0", "base64/1", "base64/2", "hex", "HEX", "url"]
)
@pytest.mark.parametrize("text", ["Daw Khin Aye Myint", "+95 9 421 555 018", "YGN 7K-3391"])
def test_the_scanner_finds_a_planted_canary(tmp_path: Path, text: str, encoding: str) -> None:
    (tmp_path / "db-wal").write_bytes(aead.random_key() * 50 + _plant(text, encoding) + b"\x00")
    (tmp_path / "clean").write_bytes(aead.random_key() * 50)
    hits = scan(data_files(tmp_path), [text, "Kestrel Grey 41"])
    assert hits, f"the scanner missed {text!r} in {encoding}"
    assert {hit.where for hit in hits} == {"db-wal"}
    assert {hit.text for hit in hits} == {text}


def test_every_canary_has_every_encoding() -> None:
    for text in _all(canaries()):
        forms = encodings(text)
        assert {"utf-8", "utf-16le", "hex", "HEX", "url", "base64/0", "base64/1", "base64/2"} <= (
            set(forms)
        ), text
        assert all(len(form) >= 6 for form in forms.values()), text


# -- the store ---------------------------------------------------------------------------

KINDS = ["case", "journey", "place", "vehicle", "handoff", "stay"]


def _fill(runtime: bootstrap.Runtime, groups: dict[str, list[str]]) -> tuple[list[str], dt.date]:
    """Write every canary into the store; return the member passphrases and the purge day."""
    rng = random.Random(99)
    ctx = runtime.context
    vault = runtime.vault
    today = ctx.clock.now().date()
    codenames = groups["codename"]
    founders, member_passphrases = codenames[:6], []
    cell_keys = []
    for index, codename in enumerate(founders):
        cell_name = f"{groups['place'][index]} cell"
        secret = passphrase(100 + index)
        member_passphrases.append(secret)
        cell_id, _ = members.found_cell(ctx, cell_name, codename, secret)
        cell_keys.append(Records(vault).public_key(cell_id))

    # Everything else goes into record bodies, 2 to 5 canaries per record.
    pool = [text for text in _all(groups) if text not in founders]
    rng.shuffle(pool)
    pool_copy = list(pool)
    batch = []
    while pool:
        count = rng.randint(2, 5)
        texts, pool = pool[:count], pool[count:]
        kind = rng.choice(KINDS)
        expires = rng.choice([today + dt.timedelta(days=d) for d in range(1, 10)] + [STANDING])
        header = RecordHeader(
            kind=kind,
            expires=expires,
            recipients=tuple(rng.sample(cell_keys, rng.randint(1, 3))),
            attrs={"status": "planned"},
        )
        body = json.dumps({"kind": kind, "notes": texts, "party": rng.randint(1, 6)}).encode()
        batch.append(NewRecord(header, body))
    ids = vault.write_many(batch)
    written = list(zip(ids, (r.header for r in batch), strict=True))

    # Positive control: every canary really is in the store, readable with members' keys.
    keyring = [
        pair
        for codename, secret in zip(founders, member_passphrases, strict=True)
        for pair in members.open_session(ctx, codename, secret).keyring
    ]
    plaintext = b"\n".join(vault.try_read_many(list(ids), keyring).values())
    for record_id, _ in written:
        assert record_id in vault.index
    missing = [t for t in pool_copy if json.dumps(t)[1:-1].encode() not in plaintext]
    assert not missing, f"{len(missing)} canaries did not reach the store"

    # Rewrite some records in place (new bodies, same ids) and delete others.
    rewrites = []
    for rid, header in written[:40]:
        note = f"moved: {rng.choice(groups['person'])} now at {rng.choice(groups['place'])}"
        rewrites.append(NewRecord(header, json.dumps({"note": note}).encode(), record_id=rid))
    vault.write_many(rewrites)
    vault.delete([rid for rid, _ in written[40:70]])
    for rid, header in written[70:80]:
        vault.remove_recipient(rid, header.recipients[0])
    return member_passphrases, today + dt.timedelta(days=4)


def _assert_no_hits(hits: list[Hit], where: str) -> None:
    assert not hits, f"{len(hits)} canaries readable {where}: " + "; ".join(
        f"{h.text!r} as {h.encoding} in {h.where}" for h in hits[:10]
    )


def test_cold_disk_scan_finds_nothing(
    runtime: bootstrap.Runtime, store_settings: Settings, clock: FakeClock
) -> None:
    groups = canaries()
    planted = _all(groups)
    assert len(planted) >= 500
    assert len(set(planted)) == len(planted)
    member_passphrases, purge_day = _fill(runtime, groups)

    secrets = [*planted, OPERATOR, *member_passphrases]
    is_sqlite = store_settings.database_url is None
    if is_sqlite:
        # A power cut while running: the files as they are now, WAL included.
        files = data_files(store_settings.data_dir)
        assert f"{dialects.SQLITE_FILE}-wal" in files
        _assert_no_hits(scan(files, secrets), "while running")

    clock.advance(dt.timedelta(days=4))
    report = runtime.purge(purge_day)
    assert report.epochs_destroyed >= 1
    assert report.records_deleted >= 10
    runtime.lock()

    if is_sqlite:
        files = data_files(store_settings.data_dir)
        allowed = {dialects.SQLITE_FILE} | {f"{dialects.SQLITE_FILE}-{s}" for s in ("wal", "shm")}
        assert set(files) <= allowed | {f"{dialects.SQLITE_FILE}-journal"}, set(files)
        assert sum(len(data) for data in files.values()) > 100_000
        _assert_no_hits(scan(files, secrets), "in the locked data directory")
    else:
        engine = bootstrap.engine_for(store_settings)
        rows = table_bytes(engine)
        assert sum(len(data) for data in rows.values()) > 100_000
        _assert_no_hits(scan(rows, secrets), "in the rows of the locked database")
