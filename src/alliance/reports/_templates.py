"""The reports' HTML templates (Jinja2, autoescaped) and their gettext callables."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from alliance._i18n import Language

_TEMPLATES = Path(__file__).parent / "templates"


def bdi(text: str, lang: str | None = None) -> markupsafe.Markup:
    """*text* someone wrote (a name, a description), isolated from the page's direction:
    an English name stays readable in an Arabic sentence; with *lang*, marked as written
    in that language."""
    if lang is None:
        return markupsafe.Markup("<bdi>{}</bdi>").format(text)
    return markupsafe.Markup('<bdi lang="{}">{}</bdi>').format(lang, text)


@functools.cache
def environment(templates: Path | None) -> jinja2.Environment:
    """The template environment: the clinic's *templates* first, then the shipped ones
    (also reachable as ``alliance/<name>`` to extend them)."""
    shipped = jinja2.FileSystemLoader(_TEMPLATES)
    loaders: list[jinja2.BaseLoader] = [jinja2.PrefixLoader({"alliance": shipped})]
    if templates is not None:
        loaders.insert(0, jinja2.FileSystemLoader(templates))
    loaders.append(shipped)
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
    environment.filters["bdi"] = bdi
    return environment


def gettext_for(lang: Language) -> dict[str, Callable[..., str]]:
    """``gettext``, ``ngettext`` and ``_`` for a template, as Jinja's new-style gettext
    does it: the translation is markup, so the values put in it are escaped."""

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, message: str, **variables: Any) -> str:
        text = lang.gettext(message)
        if context.eval_ctx.autoescape:
            text = markupsafe.Markup(text)
        return text % variables if variables else text

    @jinja2.pass_context
    def ngettext(
        context: jinja2.runtime.Context, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        text = lang.ngettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = markupsafe.Markup(text)
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext, "_": gettext}
