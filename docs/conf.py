"""Sphinx configuration for alliance's documentation: the Markdown pages and the API reference.

Build it strictly (warnings are errors, a broken cross-reference fails)::

    docs/build.sh      # sphinx-build -E -W --keep-going -n -b html docs docs/_build/html

Every public object is documented once, where it is defined (or, if that module is
private, in the public namespace that exports it). A reference to any other public name
of the same object (``alliance.Partnership``, ``alliance.model.Partnership``,
``alliance.events.GoalAgreed``...) is resolved to that one place by
:func:`_resolve_alias`; a reference to an ``alliance`` name that is not documented stays
broken and fails the build. References outside ``alliance`` (the standard library,
pendulum, attrs, hypothesis...) are not linked: there is no network for intersphinx.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path
from typing import Any, TypeVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.ext.napoleon import Config as NapoleonConfig
from sphinx.ext.napoleon.docstring import GoogleDocstring
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

_SRC = Path(__file__).resolve().parent.parent / "src"
if str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

import alliance  # noqa: E402

project = "alliance"
author = "The alliance developers"
copyright = "The alliance developers"
release = alliance.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.viewcode",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

html_theme = "furo"
html_title = f"alliance {release}"

# Markdown: GitHub-style anchors, for the pages' links to "page.md#a-section".
myst_heading_anchors = 6

# The API reference.
autodoc_default_options = {
    "member-order": "bysource",
    "show-inheritance": True,
}
autodoc_typehints = "signature"
autodoc_preserve_defaults = False
autodoc_mock_imports = ["psycopg", "psycopg_pool"]
autosummary_generate = False
python_maximum_signature_line_length = 88
add_module_names = True
toc_object_entries_show_parents = "hide"

# Strict: warnings are errors (-W) and every cross-reference must resolve (-n).
nitpicky = True

_log = logging.getLogger(__name__)


def _is_alliance(name: str) -> bool:
    return name == "alliance" or name.startswith("alliance.")


def _lookup(dotted: str) -> tuple[bool, Any, Any]:
    """(found, object, the object it was read from) for a dotted name, importing as needed."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except Exception:  # not a module (or not importable): try a shorter prefix
            continue
        parent: Any = None
        try:
            for part in parts[cut:]:
                parent, obj = obj, getattr(obj, part)
        except AttributeError:
            return False, None, None
        return True, obj, parent
    if len(parts) == 1 and hasattr(builtins, dotted):
        return True, getattr(builtins, dotted), builtins
    return False, None, None


def _documented(env: Any) -> dict[str, Any]:
    """The Python domain's objects by name (with the canonical aliases autodoc adds)."""
    return env.get_domain("py").objects


_INDEX: dict[int, str] = {}


def _index(env: Any) -> dict[int, str]:
    """id(object) -> the name it is documented under, for every documented object."""
    if _INDEX:
        return _INDEX
    index = _INDEX
    for name, entry in _documented(env).items():
        if entry.aliased or not _is_alliance(name):
            continue
        found, obj, _ = _lookup(name)
        if found and not isinstance(obj, (str, int, float, bool, type(None))):
            index.setdefault(id(obj), name)
    return index


def _canonical(env: Any, dotted: str) -> str | None:
    """The documented name of the object ``dotted`` names, if it is documented."""
    objects = _documented(env)
    if dotted in objects:
        return dotted
    index = _index(env)
    found, obj, _ = _lookup(dotted)
    if found and id(obj) in index:
        return index[id(obj)]
    head, _, last = dotted.rpartition(".")
    if not head:
        return None
    found_parent, parent, _ = _lookup(head)
    if not found_parent:
        return None
    if inspect.isclass(parent):
        # A member read through a class (an annotation-only one included): documented on
        # the class, or on the nearest base that documents it.
        for base in parent.__mro__:
            owner = index.get(id(base))
            if owner and f"{owner}.{last}" in objects:
                return f"{owner}.{last}"
        return None
    if found and inspect.ismodule(parent):
        # A constant re-exported by a namespace: the same name, bound to the same object,
        # where it is documented.
        matches = [
            name
            for name in objects
            if name.rpartition(".")[2] == last
            and _is_alliance(name)
            and _lookup(name)[0]
            and _lookup(name)[1] is obj
        ]
        if len(matches) == 1:
            return matches[0]
    return None


@functools.cache
def _imports(module: str) -> dict[str, str]:
    """The names a module binds by importing (``dt`` -> ``datetime``, ``al`` ->
    ``alliance``), those under ``if TYPE_CHECKING:`` included: what its string
    annotations mean."""
    try:
        tree = ast.parse(inspect.getsource(importlib.import_module(module)))
    except (ImportError, OSError, TypeError, SyntaxError):
        return {}
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    bound[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


@functools.cache
def _aliases() -> dict[str, str]:
    """The import aliases that mean the same in every alliance module that binds them
    (``dt``, ``al``, ``st``...): for annotations inherited from a base class in another
    module (an attrs class's ``__init__`` lists its bases' fields)."""
    meanings: dict[str, set[str]] = {}
    for module in list(sys.modules):
        if _is_alliance(module):
            for alias, name in _imports(module).items():
                meanings.setdefault(alias, set()).add(name)
    return {alias: names.pop() for alias, names in meanings.items() if len(names) == 1}


def _candidates(node: Any) -> list[str]:
    """The names a reference may mean, as the Python domain reads them, and as the
    module it is written in reads its first part (an import alias)."""
    target = node["reftarget"].lstrip(".~")
    module = node.get("py:module")
    cls = node.get("py:class")
    names = []
    if module and cls:
        names.append(f"{module}.{cls}.{target}")
    if module:
        names.append(f"{module}.{target}")
    head, dot, rest = target.partition(".")
    for bound in (_imports(module) if module else {}), _aliases():
        if head in bound:
            names.append(bound[head] + dot + rest)
    names.append(target)
    return names


def _resolve_alias(app: Sphinx, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve a reference to a public alias of a documented ``alliance`` object."""
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    for name in _candidates(node):
        if not _is_alliance(name):
            continue
        canonical = _canonical(env, name)
        if canonical is None:
            continue
        return domain.resolve_xref(
            env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode
        )
    return None


def _private(name: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in name.split("."))


def _external(node: Any) -> bool:
    """A reference to something outside alliance that exists (stdlib, pendulum, attrs...):
    named in full (``pendulum.DateTime``) or as the module it is written in imports it
    (``dt.datetime`` for ``import datetime as dt``)."""
    for name in _candidates(node):
        found, obj, _ = _lookup(name)
        if not found:
            continue
        if not _is_alliance(name):
            return True
        home = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", None)
        if isinstance(home, str) and not _is_alliance(home):
            return True
    return False


def _signature_detail(node: Any) -> bool:
    """A private alliance type or a type variable in a signature (not written by hand in
    a docstring: those are roles, with ``refexplicit``): nothing public to link to."""
    if "refexplicit" in node:
        return False
    target = node["reftarget"]
    if "." not in target and any(
        isinstance(getattr(module, target, None), TypeVar)
        for name, module in list(sys.modules.items())
        if _is_alliance(name)
    ):
        return True  # a type variable of the module a re-exported function is defined in
    for name in _candidates(node):
        found, obj, _ = _lookup(name)
        if found and _is_alliance(name) and (_private(name) or isinstance(obj, TypeVar)):
            return True
    return False


def _warn_missing(app: Sphinx, domain: Any, node: Any) -> bool | None:
    """Stay quiet about existing objects outside alliance (nothing to link them to) and
    private details of signatures; anything else in ``alliance`` is a broken reference."""
    if domain is None or domain.name != "py":
        return None
    return True if _external(node) or _signature_detail(node) else None


_NAPOLEON = NapoleonConfig(napoleon_google_docstring=True, napoleon_numpy_docstring=False)


def _google_sections(  # noqa: PLR0917 (the event passes them by position)
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Read the "Attributes:", "Args:", "Returns:" and "Raises:" sections (Google style)
    of modules, classes and functions; an attribute's own docstring stays as written
    (napoleon would read "Worth knowing: a nudge" as a type and a description)."""
    if what in ("attribute", "data", "property"):
        return
    lines[:] = GoogleDocstring(lines, _NAPOLEON, None, what, name, obj, options).lines()


@functools.cache
def _attr_docs(module: str) -> dict[str, list[str]]:
    """A module's documented module-level names (a docstring after the assignment)."""
    try:
        found = ModuleAnalyzer.for_module(module).find_attr_docs()
    except Exception:  # no source to read
        return {}
    return {name: list(lines) for (scope, name), lines in found.items() if not scope}


def _data_doc(name: str, obj: Any) -> list[str] | None:
    """The docstring of a constant where it is assigned: a namespace re-exporting it from
    a private module (``alliance.fhir.FHIR_VERSIONS``) has none of its own."""
    short = name.rpartition(".")[2]
    for module, namespace in list(sys.modules.items()):
        if _is_alliance(module) and getattr(namespace, short, None) is obj:
            lines = _attr_docs(module).get(short)
            if lines:
                return lines
    return None


def _fill_data_doc(  # noqa: PLR0917 (the event passes them by position)
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """A re-exported constant gets the docstring it has where it is assigned (not the
    docstring of its type, ``dict`` or ``tuple``)."""
    module, _, short = name.rpartition(".")
    if what == "data" and short not in _attr_docs(module):
        lines[:] = _data_doc(name, obj) or []


def _public_bases(app: Sphinx, name: str, obj: Any, options: Any, bases: list[Any]) -> None:
    """Show a class's public bases: a private base (``_TransitionWorkedOn``, or a class of
    a private module, ``alliance.storage._sql.SqlStore``) is replaced by its own bases."""
    public: list[Any] = []
    pending = list(bases)
    while pending:
        base = pending.pop(0)
        where = f"{getattr(base, '__module__', '')}.{getattr(base, '__qualname__', '')}"
        if inspect.isclass(base) and _is_alliance(where) and _private(where):
            pending[:0] = [b for b in base.__bases__ if b is not object]
        elif base not in public:
            public.append(base)
    bases[:] = public or [object]


def _public_modules() -> list[Any]:
    """Every public alliance module (no part of its name starts with an underscore)."""
    names = ["alliance"] + [
        info.name
        for info in pkgutil.walk_packages(alliance.__path__, "alliance.")
        if not _private(info.name) and not info.name.endswith("__main__")
    ]
    return [sys.modules[name] for name in names if name in sys.modules]


def _check_complete(app: Sphinx, env: Any) -> None:
    """Every name in a public module's ``__all__`` is documented (once: Sphinx itself
    warns about a second description)."""
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            if name == "__version__" and module is alliance:
                continue
            if inspect.ismodule(getattr(module, name)):
                continue
            if _canonical(env, f"{module.__name__}.{name}") is None:
                _log.warning(
                    "%s.%s is public (in its __all__) but documented nowhere in the API "
                    "reference (docs/api/)",
                    module.__name__,
                    name,
                    type="alliance",
                    subtype="undocumented",
                )


class AllianceNames(SphinxDirective):
    """A table of a namespace's public names (its ``__all__``), each linked to where it is
    documented: ``.. alliance-names:: alliance.events``."""

    required_arguments = 1
    option_spec = {"exclude": directives.unchanged}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        module = importlib.import_module(self.arguments[0])
        excluded = set(self.options.get("exclude", "").split())
        names = [
            name
            for name in module.__all__
            if name not in excluded and not inspect.ismodule(getattr(module, name))
        ]
        lines = [".. autosummary::", "   :nosignatures:", ""]
        here = self.env.ref_context.get("py:module") == module.__name__
        lines += [f"   {name}" if here else f"   ~{module.__name__}.{name}" for name in names]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=""), self.content_offset, container)
        return container.children


class OtherMembers(SphinxDirective):
    """Document the names of a module's ``__all__`` that ``:members:`` leaves out: those
    its ``__getattr__`` makes, and constants assigned (and documented) in a private
    module: ``.. alliance-other-members:: module``."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        module = importlib.import_module(self.arguments[0])
        own_docs = _attr_docs(module.__name__)
        lines = []
        for name in module.__all__:
            if name not in vars(module):
                lines += [f".. autofunction:: {module.__name__}.{name}", ""]
                continue
            obj = vars(module)[name]
            if inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(obj):
                continue
            if name not in own_docs and _data_doc(name, obj):
                lines += [f".. autodata:: {module.__name__}.{name}", ""]
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=""), self.content_offset, container)
        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("alliance-names", AllianceNames)
    app.connect("missing-reference", _resolve_alias)
    app.connect("warn-missing-reference", _warn_missing)
    app.connect("autodoc-process-bases", _public_bases)
    app.connect("env-check-consistency", _check_complete)
    app.connect("env-updated", lambda app, env: _INDEX.clear())
    app.connect("autodoc-process-docstring", _google_sections)
    app.connect("autodoc-process-docstring", _fill_data_doc)
    app.add_directive("alliance-other-members", OtherMembers)
    return {"parallel_read_safe": True}
