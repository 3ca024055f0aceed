"""The entry points ``alliance`` declares to pytest and hypothesis, kept outside the
``alliance`` package so that loading them imports no ``alliance`` module.

Private: shipped in alliance's wheel beside the ``alliance`` package; nothing here is
for a host to import. Loading an entry point that lives inside ``alliance`` would run
``alliance/__init__.py``, which imports the whole library (about 50 modules): the
entry points name this package instead, and this package imports nothing at all.

- hypothesis runs :func:`hypothesis_setup_hook` (the ``hypothesis`` entry-point group)
  when it is imported, unless ``HYPOTHESIS_NO_PLUGINS`` is set. The strategies are for
  alliance's types, which no test can ask for before ``alliance`` is imported, so the
  hook registers them only once ``alliance`` is fully imported: now if it already is,
  otherwise at the end of ``alliance``'s own import (which calls :func:`alliance_imported`).
  Whichever of the two comes second registers; neither registers when hypothesis never
  ran the hook. Registering builds no strategy either
  (:mod:`alliance.testing._hypothesis_plugin`).
- pytest loads :mod:`_alliance_plugins.pytest_plugin` (the ``pytest11`` group, plugin name
  ``alliance``): its fixtures import ``alliance`` only when a test uses one.
"""

_hypothesis_asked = False
"""hypothesis has run :func:`hypothesis_setup_hook` in this process."""

_alliance_imported = False
"""``alliance/__init__.py`` has run to its end in this process."""


def hypothesis_setup_hook() -> None:
    """Register alliance's strategies with hypothesis if ``alliance`` is imported, or as
    soon as it is (called by hypothesis through its ``hypothesis`` entry-point group)."""
    global _hypothesis_asked  # noqa: PLW0603 (the state of this process, set once)
    _hypothesis_asked = True
    if _alliance_imported:
        _register()


def alliance_imported() -> None:
    """Register alliance's strategies if hypothesis has asked for them (called by
    ``alliance/__init__.py`` as the last thing it does)."""
    global _alliance_imported  # noqa: PLW0603 (the state of this process, set once)
    _alliance_imported = True
    if _hypothesis_asked:
        _register()


def _register() -> None:
    from alliance.testing._hypothesis_plugin import register  # noqa: PLC0415 (on demand)

    register()
