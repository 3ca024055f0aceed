"""``read_model_only(store)``: a SQL store seen only through the
:class:`alliance.storage.ReadModelStore` protocol, as a vendor's store with a read model
would be, so that reports take the protocol's path (``goal_facts``), not the SQL stores'
own (``progress_figures``)."""

from __future__ import annotations

from typing import Any

import alliance as al


class _ReadModelOnly:
    def __init__(self, inner: al.Store) -> None:
        self._inner = inner


def _delegated(name: str) -> property:
    return property(lambda self: getattr(self._inner, name))


# Each member of the protocol is an attribute of the class, not a __getattr__ fallback:
# from Python 3.12, isinstance() against a runtime protocol looks members up statically.
for _name in dir(al.storage.ReadModelStore):
    if not _name.startswith("_"):
        setattr(_ReadModelOnly, _name, _delegated(_name))


def read_model_only(store: al.Store) -> Any:
    """``store`` with the :class:`~alliance.storage.ReadModelStore` members and no
    others."""
    wrapped = _ReadModelOnly(store)
    assert isinstance(wrapped, al.storage.ReadModelStore)
    assert not hasattr(wrapped, "progress_figures")
    return wrapped
