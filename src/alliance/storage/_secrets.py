"""Secrets in store URLs (private): finding them, masking them, scrubbing them from text.

A store is named by a URL (``postgresql://user:secret@host/db?sslpassword=...``) or, for
PostgreSQL, a libpq ``key=value`` string (``host=h password='se cret'``). :func:`mask`
finds every secret either can carry and gives the text to show (each secret replaced by
:data:`MASK`, in place) with the secrets themselves, in every form a message may quote
them (as written, percent-decoded, percent-encoded, unescaped), so that
:meth:`Masked.scrub` can take them out of any text, and :meth:`Masked.clean` out of an
exception and its whole ``__cause__``/``__context__`` chain.

Secret-bearing names: userinfo's password, and any URL query parameter or ``key=value``
key whose name contains ``pass``, ``pwd``, ``secret``, ``token``, ``credential`` or
``api``/``access``/``private`` ``key`` (libpq's ``password`` and ``sslpassword``
included).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable

import attrs

MASK = "***"
"""What a secret is replaced by."""

_SECRET_NAME = re.compile(
    r"pass|pwd|secret|token|credential|(api|access|private)[-_]?key", re.IGNORECASE
)
_URL_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# One query (or fragment) parameter: the separator before it, its name and its value.
_PARAM = re.compile(r"(?P<sep>[?&#])(?P<name>[^=&#?]*)=(?P<value>[^&#]*)")
# A secret-bearing key in a key=value string whose syntax is broken: mask to the end.
_DSN_FALLBACK = re.compile(r"(?P<key>[^\s=]+)(?P<eq>\s*=\s*)(?P<value>.*)", re.DOTALL)


def is_secret_name(name: str) -> bool:
    """Whether a URL parameter or ``key=value`` key of this name carries a secret."""
    return bool(_SECRET_NAME.search(urllib.parse.unquote(name)))


def scheme(url: str) -> str:
    """The scheme of *url* (``""`` for none): never raises, whatever the text."""
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else ""


def _forms(secret: str) -> set[str]:
    """*secret* as written and as a message may quote it: decoded and encoded."""
    decoded = {secret, urllib.parse.unquote(secret), urllib.parse.unquote_plus(secret)}
    forms = set(decoded)
    for text in decoded:
        forms |= {urllib.parse.quote(text, safe=""), urllib.parse.quote(text)}
        forms.add(urllib.parse.quote_plus(text))
    return {form for form in forms if form}


@attrs.frozen
class Masked:
    """A URL with its secrets masked (:attr:`text`), and the secrets to scrub elsewhere."""

    text: str
    secrets: tuple[str, ...] = ()  # every form of every secret, longest first

    def with_secrets(self, secrets: Iterable[str]) -> Masked:
        """The same, scrubbing *secrets* (and their forms) too."""
        found = set(self.secrets)
        for secret in secrets:
            found |= _forms(secret)
        return Masked(self.text, _ordered(found))

    def leaks(self, text: str) -> bool:
        """Whether *text* holds one of the secrets."""
        return any(secret in text for secret in self.secrets)

    def scrub(self, text: str) -> str:
        """*text* with every secret replaced by :data:`MASK` (in one pass)."""
        if not self.secrets:
            return text
        pattern = "|".join(re.escape(secret) for secret in self.secrets)
        return re.sub(pattern, MASK, text)

    def clean(self, exc: BaseException) -> BaseException:
        """Scrub the secrets out of *exc* and every exception chained to it, in place.

        Each link's ``args`` (which give its ``str`` and ``repr`` for psycopg's, sqlite3's
        and most exceptions), ``__notes__`` and text attributes (``StoreError.url``,
        ``.reason``) are scrubbed; an attribute of another type whose ``repr`` shows a
        secret (psycopg's failed connection, ``_pgconn``, lists the password) is set
        to ``None``. A link whose text still holds
        a secret after that (its ``__str__`` reads something else) is replaced in the
        chain by a :class:`ScrubbedError` carrying its scrubbed text; so is *exc* itself,
        and the returned exception is the one to chain from.
        """
        seen: set[int] = set()
        return self._clean(exc, seen)

    def _clean(self, exc: BaseException, seen: set[int]) -> BaseException:
        if id(exc) in seen:
            return exc
        seen.add(id(exc))
        if self.secrets:
            exc.args = tuple(self._scrub_arg(arg) for arg in exc.args)
            notes = getattr(exc, "__notes__", None)
            if isinstance(notes, list):
                exc.__notes__ = [self.scrub(str(note)) for note in notes]
            for name, value in list(getattr(exc, "__dict__", {}).items()):
                if isinstance(value, str) and self.leaks(value):  # StoreError.url, .reason
                    setattr(exc, name, self.scrub(value))
                elif not isinstance(value, str) and self.leaks(_repr(value)):
                    # psycopg's failed connection (``_pgconn``) shows its conninfo.
                    setattr(exc, name, None)
        if exc.__cause__ is not None:
            exc.__cause__ = self._clean(exc.__cause__, seen)
        if exc.__context__ is not None:
            exc.__context__ = self._clean(exc.__context__, seen)
        if self.leaks(_text(exc)):
            stand_in = ScrubbedError(f"{type(exc).__qualname__}: {self.scrub(str(exc))}")
            stand_in.__cause__ = exc.__cause__
            stand_in.__suppress_context__ = True
            return stand_in
        return exc

    def _scrub_arg(self, arg: object) -> object:
        if isinstance(arg, str):
            return self.scrub(arg)
        if self.leaks(repr(arg)) or self.leaks(str(arg)):
            return self.scrub(str(arg))
        return arg


class ScrubbedError(Exception):
    """Stands in, in an exception chain, for an exception whose text held a secret that
    could not be scrubbed from it in place; its message is that text, scrubbed."""


def _text(exc: BaseException) -> str:
    try:
        return f"{exc}\n{exc!r}"
    except Exception:  # an exception whose __str__ fails shows no text to hide
        return ""


def _repr(value: object) -> str:
    try:
        return f"{value!s}\n{value!r}"
    except Exception:  # a value whose repr fails shows no text to hide
        return ""


def _ordered(secrets: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({s for s in secrets if s}, key=lambda s: (-len(s), s)))


def mask(url: str) -> Masked:
    """*url* (a URL or a ``key=value`` string) with its secrets masked, and the secrets."""
    extra: list[str] = []
    if _URL_PREFIX.match(url):
        text, secrets, extra = _mask_url(url)
    elif "=" in url:
        text, secrets = _mask_dsn(url)
    else:
        text, secrets = url, []
    # A secret found only by another reading of a malformed URL (a raw '/' in the
    # password) is not where the positional masking looked: scrub it wherever it is.
    extra = [s for s in extra if not any(s in masked for masked in secrets)]
    text = Masked(text).with_secrets(extra).scrub(text)
    return Masked(text).with_secrets([*secrets, *extra])


def mask_url(url: str) -> str:
    """*url* with any secret (password, ``?password=``, ``password=...``) as ``***``."""
    return mask(url).text


def _mask_url(url: str) -> tuple[str, list[str], list[str]]:
    """*url* masked where a URL keeps its secrets; those secrets; and the passwords other
    readings of a malformed URL find (libpq's, which ends the userinfo at the first '@')."""
    prefix = _URL_PREFIX.match(url)
    assert prefix is not None
    head, rest = prefix.group(0), url[prefix.end() :]
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    secrets: list[str] = []
    userinfo, at, host = authority.rpartition("@")
    if at:
        user, colon, password = userinfo.partition(":")
        if colon:
            secrets.append(password)
            authority = f"{user}:{MASK}@{host}"
    # libpq ends the userinfo at the first '@' or '/', so a raw '?' or '#' in a password
    # still belongs to it; and a raw '/' in a password puts its '@' after the authority.
    readings = [_first_of(rest, "@/")]
    query = rest.find("?")
    if not at and (query < 0 or rest.rfind("@") < query):
        readings.append(rest.rfind("@"))
    extra: list[str] = []
    for stop in readings:
        if stop > 0 and rest[stop] == "@":
            user, colon, password = rest[:stop].partition(":")
            if colon and "/" not in user:
                extra.append(password)

    def param(found: re.Match[str]) -> str:
        if not is_secret_name(found.group("name")):
            return found.group(0)
        secrets.append(found.group("value"))
        return f"{found.group('sep')}{found.group('name')}={MASK}"

    return head + authority + _PARAM.sub(param, tail), secrets, extra


def _first_of(text: str, chars: str) -> int:
    return min((i for i in (text.find(c) for c in chars) if i >= 0), default=-1)


def _mask_dsn(dsn: str) -> tuple[str, list[str]]:
    """Mask a libpq ``key=value`` string, read as libpq reads it: values bare or in single
    quotes, a backslash escaping the next character. A string libpq could not read
    is masked from its first secret-bearing key to its end."""
    out: list[str] = []
    secrets: list[str] = []
    i, n = 0, len(dsn)
    while i < n:
        if dsn[i].isspace():
            out.append(dsn[i])
            i += 1
            continue
        start = i
        while i < n and not dsn[i].isspace() and dsn[i] != "=":
            i += 1
        key = dsn[start:i]
        while i < n and dsn[i].isspace():
            i += 1
        if i >= n or dsn[i] != "=":
            return _mask_broken_dsn(dsn, "".join(out), start)
        i += 1
        while i < n and dsn[i].isspace():
            i += 1
        value_start = i
        chars: list[str] = []
        if i < n and dsn[i] == "'":
            i += 1
            while i < n and dsn[i] != "'":
                if dsn[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(dsn[i])
                i += 1
            if i >= n:
                return _mask_broken_dsn(dsn, "".join(out), start)
            i += 1
        else:
            while i < n and not dsn[i].isspace():
                if dsn[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(dsn[i])
                i += 1
        raw = dsn[value_start:i]
        if is_secret_name(key):
            secrets += [raw, raw.strip("'"), "".join(chars)]
            out.append(dsn[start:value_start] + MASK)
        else:
            out.append(dsn[start:i])
    return "".join(out), secrets


def _mask_broken_dsn(dsn: str, done: str, start: int) -> tuple[str, list[str]]:
    """*dsn*, unreadable from *start* on, masked from its first secret-bearing key on
    (*done* is the masked text before *start*)."""
    secrets: list[str] = []
    rest = dsn[start:]
    for found in re.finditer(r"[^\s=']+(?=\s*=)", rest):
        if is_secret_name(found.group(0)):
            tail = _DSN_FALLBACK.match(rest, found.start())
            assert tail is not None
            value = tail.group("value")
            secrets += [value, value.strip(), value.strip().strip("'")]
            return done + rest[: found.start()] + tail.group("key") + tail.group(
                "eq"
            ) + MASK, secrets
    return done + rest, secrets
