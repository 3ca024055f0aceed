"""No secret of a store's URL ever shows: the secret-scanning test (issue 16).

Each secret is given in every form a store takes it (URL userinfo, ``?password=``,
``?sslpassword=``, a ``key=value`` string bare or quoted), and the store is opened and
used in every way that can fail: a closed port, a missing socket directory, a malformed
URL, an unknown option, an unknown scheme, and against the real test PostgreSQL a wrong
password, a role that may not log in, a missing database and a dropped table after a
successful open. Everything that can show text is scanned: each error's message and
``args``, the ``str``, ``repr`` and traceback of every exception in its
``__cause__``/``__context__`` chain, ``store.url``, ``repr(store)`` and every log record
(all loggers, at DEBUG).

A secret may also be a substring of text that is not secret (``127`` of the host,
``alliance`` of a database name): each scenario is therefore also run with a neutral
secret, and the secret, plain or percent-encoded, must not occur more often with itself
than with the neutral one. Any leak adds an occurrence.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

psycopg = pytest.importorskip("psycopg")

from alliance.errors import StoreError, ValidationError  # noqa: E402
from alliance.storage import open_store  # noqa: E402
from alliance.storage.postgres import PostgresStore  # noqa: E402

CLINIC = "c-1"
ROLE = "alliance_secret_probe"
NEUTRAL = "Nq7Vx0Kw"
SECRETS = [
    "Zq9-s3cret",  # plain
    "pä55wörd✓ß",  # unicode
    "50%off%2F%zz",  # percent signs, one a valid escape, one not
    "p@ss:w/rd?#&=+",  # every URL delimiter
    "se cret 'q' \\x",  # spaces, quotes and a backslash: key=value escapes
    "alliance",  # a substring of the database names and of the logger names
    "127",  # a substring of the host
    "alice",  # the user name
]


def _closed_port() -> int:
    with socket.socket() as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def enc(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def dsn_quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def dsn_bare(text: str) -> str:
    return "".join("\\" + ch if ch.isspace() or ch in "'\\" else ch for ch in text)


def forms(host: str, port: int, db: str, user: str, secret: str) -> dict[str, str]:
    """The URL or key=value string giving *secret*, in every form, for one server."""
    base = f"{host}:{port}/{enc(db)}"
    return {
        "userinfo": f"postgresql://{enc(user)}:{enc(secret)}@{base}?connect_timeout=2",
        "query password": f"postgresql://{enc(user)}@{base}?password={enc(secret)}",
        "query sslpassword": f"postgres://{enc(user)}@{base}?sslpassword={enc(secret)}",
        "key=value bare": f"host={host} port={port} dbname={db} user={user} "
        f"password={dsn_bare(secret)} connect_timeout=2",
        "key=value quoted": f"host={host} port={port} dbname={db} user={user} "
        f"password = {dsn_quoted(secret)}",
    }


# --- scanning -------------------------------------------------------------------------


class Scan:
    """Every text the scenarios produced."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def error(self, exc: BaseException) -> None:
        """One text: *exc*'s traceback, and every link of its chain in every form."""
        texts = ["".join(traceback.format_exception(exc))]
        seen: set[int] = set()
        todo = [exc]
        while todo:
            link = todo.pop()
            if id(link) in seen:
                continue
            seen.add(id(link))
            texts += [str(link), repr(link), repr(link.args)]
            texts += [f"{value}\n{value!r}" for value in vars(link).values()]
            texts += [str(note) for note in getattr(link, "__notes__", [])]
            todo += [e for e in (link.__cause__, link.__context__) if e is not None]
        self.texts.append("\n".join(texts))

    def store(self, store: Any) -> None:
        self.texts.append(f"{store.url}\n{store!r}\n{store}")

    def expect_error(self, kind: type[BaseException], call: Callable[[], object]) -> None:
        try:
            outcome = call()
        except kind as exc:
            self.error(exc)
            return
        with contextlib.suppress(Exception):
            outcome.close()  # type: ignore[attr-defined]
        pytest.fail(f"expected {kind.__name__}, got {outcome!r}")

    def logs(self, caplog: pytest.LogCaptureFixture) -> None:
        formatter = logging.Formatter()
        self.texts.append("\n".join(formatter.format(record) for record in caplog.records))
        caplog.clear()


def leaked_forms(secret: str) -> set[str]:
    return {
        f
        for f in (
            secret,
            enc(secret),
            urllib.parse.quote(secret),
            urllib.parse.quote_plus(secret),
            dsn_quoted(secret)[1:-1],
            dsn_bare(secret),
        )
        if f
    }


def assert_no_leak(scan: Scan, neutral: Scan, secret: str) -> None:
    assert len(scan.texts) == len(neutral.texts)
    for form in leaked_forms(secret):
        for text, reference in zip(scan.texts, neutral.texts, strict=True):
            assert text.count(form) <= reference.count(form), (
                f"{form!r} shows in:\n{text}\n(with a neutral secret:\n{reference})"
            )


def opener(url: str) -> Callable[[], object]:
    """Open *url* as a host would: a URL through open_store, key=value directly."""
    if "://" in url:
        return lambda: open_store(url, clinic_id=CLINIC)
    return lambda: PostgresStore(url, CLINIC, timeout=1)


# --- without a server: refused connections, malformed URLs, unknown schemes ------------


def offline(secret: str, port: int, socket_dir: Path) -> Scan:
    scan = Scan()
    for name, url in forms("127.0.0.1", port, "clinic", "alice", secret).items():
        # A closed port: libpq's "connection refused", chained.
        scan.expect_error(StoreError, opener(url))
        # An unknown option: libpq's own parse refuses it.
        bad = url + (" bad_option=1" if "://" not in url else "&bad_option=1")
        scan.expect_error(ValidationError, opener(bad))
        # A bad connect_timeout.
        slow = url + (" connect_timeout=soon" if "://" not in url else "&connect_timeout=soon")
        scan.expect_error((ValidationError, StoreError), opener(slow))  # type: ignore[arg-type]
        if "://" in url:
            # An unknown scheme, and a malformed host: '[' never closed.
            scan.expect_error(StoreError, opener("mongodb" + url[url.index("://") :]))
            broken = url.replace("127.0.0.1", "[::1", 1)
            scan.expect_error(ValidationError, opener(broken))
            scan.expect_error(ValidationError, lambda u=broken: PostgresStore(u, CLINIC))
        else:
            # A key=value string given to open_store (not a URL), and one never closed.
            scan.expect_error(StoreError, lambda u=url: open_store(u, clinic_id=CLINIC))
            scan.expect_error(ValidationError, opener(url + " sslpassword='" + secret))
        # A socket directory that does not exist.
        local = (
            url.replace("127.0.0.1", "", 1) + f"&host={enc(str(socket_dir))}"
            if "://" in url
            else url.replace("host=127.0.0.1", f"host={socket_dir}")
        )
        scan.expect_error(StoreError, opener(local))
        assert name
    # A password holding a raw '@' or an invalid percent-escape.
    raw = f"postgresql://alice:{secret}@127.0.0.1:{port}/clinic"
    scan.expect_error((ValidationError, StoreError), opener(raw))  # type: ignore[arg-type]
    scan.expect_error(ValidationError, opener(f"postgresql://alice:{enc(secret)}%zz@h/db"))
    # SQLite and the unknown scheme of a key=value-less URL.
    scan.expect_error(ValidationError, opener(f"sqlite:///x.db?password={enc(secret)}"))
    scan.expect_error(ValidationError, opener(f"sqlite://alice:{enc(secret)}@h/x.db"))
    return scan


@pytest.mark.parametrize("secret", SECRETS)
def test_no_secret_shows_when_opening_fails(
    secret: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    port = _closed_port()
    scans = []
    for each in (secret, NEUTRAL):
        scan = offline(each, port, tmp_path / "no-such-socket-dir")
        scan.logs(caplog)
        scans.append(scan)
    assert_no_leak(scans[0], scans[1], secret)


# --- against the real server: wrong passwords, refused logins, failures after opening --


@pytest.fixture
def probe(postgres_url: str) -> Iterator[tuple[psycopg.Connection[Any], dict[str, str]]]:
    """A login role on the test server, and whether it must give a password.

    The throwaway test server trusts every login; when its pg_hba.conf is ours to
    change (a server this test session started), a line asking this role alone for
    a password is put first, and taken out afterwards.
    """
    parts = urllib.parse.urlsplit(postgres_url)
    info = {"host": parts.hostname or "127.0.0.1", "port": str(parts.port or 5432)}
    info["db"] = parts.path.lstrip("/")
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"DROP ROLE IF EXISTS {ROLE}")
        admin.execute(f"CREATE ROLE {ROLE} LOGIN")
        admin.execute(f"GRANT ALL ON SCHEMA public TO {ROLE}")
        hba = Path(admin.execute("SHOW hba_file").fetchone()[0])
        original = None
        if hba.parent.parent.name.startswith("alliance-pg-") and hba.exists():
            original = hba.read_text()
            hba.write_text(
                f"host all {ROLE} 127.0.0.1/32 scram-sha-256\n"
                f"local all {ROLE} scram-sha-256\n" + original
            )
            admin.execute("SELECT pg_reload_conf()")
        info["checked"] = "yes" if original is not None else ""
        try:
            yield admin, info
        finally:
            if original is not None:
                hba.write_text(original)
                admin.execute("SELECT pg_reload_conf()")
            admin.execute(f"REASSIGN OWNED BY {ROLE} TO CURRENT_USER")
            admin.execute(f"DROP OWNED BY {ROLE}")
            admin.execute(f"DROP ROLE {ROLE}")


def online(admin: psycopg.Connection[Any], info: dict[str, str], secret: str, caplog: Any) -> Scan:
    scan = Scan()
    host, port, db = info["host"], int(info["port"]), info["db"]

    def password(text: str) -> None:
        admin.execute(
            psycopg.sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                psycopg.sql.Identifier(ROLE), psycopg.sql.Literal(text)
            )
        )

    for name, url in forms(host, port, db, ROLE, secret).items():
        if name == "query sslpassword":  # no TLS here: sslpassword is never sent
            continue
        if info["checked"]:
            password(secret + "-not-this")  # the given one is wrong
            scan.expect_error(StoreError, opener(url))
            password(secret)
        # A role that may not log in, and a database that does not exist.
        admin.execute(f"ALTER ROLE {ROLE} NOLOGIN")
        scan.expect_error(StoreError, opener(url))
        admin.execute(f"ALTER ROLE {ROLE} LOGIN")
        missing = url.replace(db, db + "_missing", 1)
        scan.expect_error(StoreError, opener(missing))
        # The right password: the store opens, and names its URL masked.
        store = opener(url)()
        try:
            scan.store(store)
            admin.execute("DROP TABLE alliance_events CASCADE")
            scan.expect_error(StoreError, lambda s=store: s.load("p-1"))  # type: ignore[attr-defined]
        finally:
            store.close()  # type: ignore[attr-defined]
        admin.execute(f"DROP OWNED BY {ROLE}")
        admin.execute(f"GRANT ALL ON SCHEMA public TO {ROLE}")
        scan.expect_error(StoreError, lambda s=store: s.load("p-1"))  # type: ignore[attr-defined]
    scan.logs(caplog)
    return scan


# The hardest four against the server (each opens some 30 connections): every delimiter,
# key=value escapes, unicode, and a substring of the host.
@pytest.mark.parametrize("secret", [SECRETS[1], SECRETS[3], SECRETS[4], SECRETS[6]])
def test_no_secret_shows_against_the_real_server(
    secret: str,
    probe: tuple[psycopg.Connection[Any], dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin, info = probe
    caplog.set_level(logging.DEBUG)
    scan = online(admin, info, secret, caplog)
    neutral = online(admin, info, NEUTRAL, caplog)
    assert_no_leak(scan, neutral, secret)


def test_the_wrong_password_is_refused_by_the_server(
    probe: tuple[psycopg.Connection[Any], dict[str, str]],
) -> None:
    """The scan above really met password checks (on a server this session started)."""
    admin, info = probe
    if not info["checked"]:
        pytest.skip("the test server's pg_hba.conf is not ours to change")
    admin.execute(f"ALTER ROLE {ROLE} PASSWORD 'right-one'")
    url = forms(info["host"], int(info["port"]), info["db"], ROLE, "wrong-one")["userinfo"]
    with pytest.raises(StoreError) as refused:
        open_store(url, clinic_id=CLINIC)
    assert "password authentication failed" in refused.value.reason
    assert "wrong-one" not in "".join(traceback.format_exception(refused.value))


# --- the masked URL, exactly: secrets that are parts of other parts ---------------------

# At least four characters: a shorter secret ("O") stands in the library's own words
# ("OperationalError"), where counting its occurrences cannot tell a leak from a word.
secrets_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=4,
    max_size=12,
).filter(lambda s: s not in "***")
parts_text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=6)


@given(secret=secrets_text, user=parts_text, host=parts_text, db=parts_text)
def test_the_masked_url_is_the_url_with_each_secret_as_stars(
    secret: str, user: str, host: str, db: str
) -> None:
    host = enc(host) or "h"
    rest = f"{host}/{enc(db)}"
    cases = {
        f"nosuch://{enc(user)}:{enc(secret)}@{rest}": f"nosuch://{enc(user)}:***@{rest}",
        f"nosuch://{enc(user)}@{rest}?a=1&password={enc(secret)}&b=2": (
            f"nosuch://{enc(user)}@{rest}?a=1&password=***&b=2"
        ),
        f"nosuch://{rest}?sslpassword={enc(secret)}": f"nosuch://{rest}?sslpassword=***",
        f"host={host} password={dsn_quoted(secret)} user={dsn_quoted(user)}": (
            f"host={host} password=*** user={dsn_quoted(user)}"
        ),
        f"host={host} password={dsn_bare(secret)}": f"host={host} password=***",
    }
    for url, masked in cases.items():
        with pytest.raises(StoreError) as info:
            open_store(url, clinic_id=CLINIC)
        assert info.value.url == masked
        assert str(info.value).startswith(masked + ": no storage backend")


def malformed(secret: str) -> list[str]:
    return [
        f"postgresql://alice:{enc(secret)}@[::1/db",
        f"postgresql://alice:{enc(secret)}%zz@h/db",
        f"postgresql://alice@h/db?password={enc(secret)}&no_such_option=1",
        f"host=h password={dsn_quoted(secret)} no_such_option=1",
        f"host=h password='{secret.replace(chr(39), '')}",
    ]


@given(secret=secrets_text)
def test_a_malformed_postgresql_url_names_the_problem_without_the_secret(secret: str) -> None:
    scans = []
    for each in (secret, NEUTRAL):
        scan = Scan()
        for url in malformed(each):
            with pytest.raises(ValidationError) as info:
                PostgresStore(url, CLINIC)
            assert info.value.field == "url"
            assert "not a PostgreSQL URL or key=value string" in info.value.reason
            scan.error(info.value)
        scans.append(scan)
    assert_no_leak(scans[0], scans[1], secret)
