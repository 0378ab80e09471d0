"""What an alert says, rendered for each reader in the reader's language (DESIGN.md "Alerts").

An alert is stored language-neutral: its `notice` names how to render it and its `params`
hold the values (codes, references, numbers), never words. The words come from the active
translation when the alert is read: the inbox and the API in the reader's language, each
e-mail in its recipient's, the webhook in English. The English text is also stored in
`title` and `body`, for the webhook, the admin and a notice whose renderer is gone.

Two ways to write a notice (docs/architecture.md "Writing a notice"):

- Lazily translatable templates and their values, for a text that is a sentence with
  placeholders: `publish(kind=..., title=gettext_lazy("Match: %(value)s ..."), body=...,
  params={"value": ...})`. The outbox stores the templates' msgids under the notice `text`.
- A renderer registered for a notice name, for a text that needs more than substitution
  (labels of enum codes, lists, plurals, localised numbers):
  `@texts.renderer("seizures.submitted") def render(params) -> tuple[str, str]`, then
  `publish(kind=..., notice="seizures.submitted", params={...})`.

A plain `title`/`body` string (a message an officer wrote) is stored and shown as written.
This module sits below the models: it knows names and values, never a model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

Params = Mapping[str, Any]
Renderer = Callable[[Params], tuple[str, str]]

# The built-in notice of lazily translatable templates: params {"title", "body", "args"}.
TEXT = "text"

_RENDERERS: dict[str, Renderer] = {}


def register(name: str, render: Renderer) -> Renderer:
    """Register how the notice `name` is rendered; the name is stored with each alert, so it
    must not change once alerts carry it."""
    if name == TEXT:
        raise ValueError(f"the notice name {TEXT!r} is reserved")
    existing = _RENDERERS.get(name)
    if existing is not None and existing is not render:
        raise ValueError(f"a renderer is already registered for the notice {name!r}")
    _RENDERERS[name] = render
    return render


def renderer(name: str) -> Callable[[Renderer], Renderer]:
    """Decorator form of `register`."""

    def decorate(render: Renderer) -> Renderer:
        return register(name, render)

    return decorate


def is_registered(name: str) -> bool:
    return name == TEXT or name in _RENDERERS


def msgid(text: str | Promise) -> str:
    """The untranslated form of a lazily translated string (its msgid)."""
    with translation.override(None):
        return str(text)


def text_params(title: str | Promise, body: str | Promise, args: Params) -> dict[str, Any]:
    """The stored params of a notice written as lazily translatable templates."""
    return {"title": msgid(title), "body": msgid(body) if body else "", "args": dict(args)}


def _render_text(params: Params) -> tuple[str, str]:
    args = params.get("args") or {}
    title = gettext(params["title"]) % args if args else gettext(params["title"])
    body_id = params.get("body") or ""
    body = (gettext(body_id) % args if args else gettext(body_id)) if body_id else ""
    return title, body


def render(notice: str, params: Params, title: str, body: str) -> tuple[str, str]:
    """The (title, body) of an alert in the active language.

    An alert without a notice, or whose renderer is unknown or fails on its params, shows its
    stored text: an alert is never unreadable because its renderer changed.
    """
    if not notice:
        return title, body
    render_with = _render_text if notice == TEXT else _RENDERERS.get(notice)
    if render_with is None:
        logger.warning("no renderer for the alert notice %r; showing its stored text", notice)
        return title, body
    try:
        return render_with(params)
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("the alert notice %r did not render (%s); showing its stored text", notice, exc)
        return title, body


def render_in(language: str, notice: str, params: Params, title: str, body: str) -> tuple[str, str]:
    with translation.override(language):
        return render(notice, params, title, body)
