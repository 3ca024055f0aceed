"""Key providers for the CLI's encryption tests, importable as ``cli_keys:NAME``."""

from __future__ import annotations

from alliance.storage.encryption import MemoryKeyProvider

KEYS = MemoryKeyProvider()
"""One provider for the whole test process, so that one command's keys open another's."""

NOT_KEYS = "a string"
