"""The rendered body of the dashboards, cached on the data version: fresh after every write, shared by every app
server (in the figures cache with the aggregates: a database table or Redis, tracker/dataversion.py), and cheap
to serve.

The aggregates behind the pages were already cached, but turning them into ~700 table cells and the charts' JSON
took most of a request. A page's own template extends ``base_template|default:"base.html"``: rendered with
``includes/_content_only.html`` as its base it yields just its body, which is stored under the current data
version together with anything the view needs on every request (the citizens to write to the audit log), as plain
data (a string and ids). A hit costs one query on the database cache; the page around the body (menu, messages,
the logout form with its CSRF token) is rendered per request by ``includes/_cached_page.html``.

The key holds everything the body depends on besides the data: the language, today's date (periods are relative
to it), the units the user may choose between, and the query string.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django_tables2 import Table

from tracker import cache, dataversion

BODY_ONLY = "includes/_content_only.html"


def Lazy(build: Callable[[], object]) -> SimpleLazyObject:  # noqa: N802 — reads as a type in the views
    """A value built only when it is read, i.e. only when the cached body is missing."""
    return SimpleLazyObject(build)


def cached_body(
    request,
    *,
    name: str,
    template_name: str,
    scope: Iterable[int],
    context: Callable[[], dict],
    extra: Callable[[], dict] | None = None,
    parameters: dict | None = None,
) -> dict:
    """``{"html": the body, **extra()}`` for this request's page at the current data version of ``scope``.

    ``parameters``: what the body depends on, as the view validated it. Without it the query string counts,
    but only its known parameters (the filter's fields and the tables' paging and sorting), each value cut
    short — so a client cannot grow the cache by sending ever new query strings."""
    key = {
        "language": get_language(),
        "today": timezone.localdate(),
        "scope": sorted(set(scope)),
        "query": parameters if parameters is not None else _known_parameters(request),
    }

    def build() -> dict:
        html = render_to_string(template_name, {**context(), "base_template": BODY_ONLY}, request)
        # A form token is per session: a body holding one must never be shared.
        if "csrfmiddlewaretoken" in html:
            raise RuntimeError(f"{template_name}: a cached body must not contain a POST form")
        return {"html": html, **(extra() if extra else {})}

    with cache.one_write():  # the body, its figures and its pieces: one write
        return dataversion.cached(f"page:{name}", key, build, units=key["scope"])


Piece = tuple[Callable[[], str], Any]  # how to render a piece of a page, and what its HTML is a function of


def rendered(pieces: dict[Any, Piece]) -> dict[Any, SafeString]:
    """Pieces of a page (``{name: (render, key)}``), each a function of what it shows, given as its key: read from
    the figures cache by that key and the language — all in one query —, rendered only when new. So after a write,
    only the pieces whose content changed are rendered again."""
    language = get_language()
    items = {name: [language, key] for name, (_render, key) in pieces.items()}
    html = dataversion.cached_by_content("piece", items, lambda missing: {n: pieces[n][0]() for n in missing})
    return {name: mark_safe(html[name]) for name in pieces}  # noqa: S308 — our own rendering


def template_piece(request, template_name: str, context: dict, key: Any) -> Piece:
    """``context`` rendered with ``template_name``, whose HTML is a function of ``key``."""
    return (lambda: render_to_string(template_name, context, request)), [template_name, key]


def table_piece(request, table_class: type[Table], rows: list, make: Callable[[], Table], *, key: Any = None) -> Piece:
    """A table's HTML as ``{% render_table %}`` writes it; ``make()`` builds the table (only when it is rendered).

    A table is a function of its class (its columns), its rows, the request's known parameters (its sorting, its
    page, and the links that keep them), the language and ``key`` (what else the view gave the table, such as the
    query string behind a link). The rows are keyed by a digest of their pickle: equal bytes, equal rows (plain
    ``pickle``: the digest is never unpickled, and it runs in C where ``plaindata`` calls back for every row)."""
    digest = hashlib.blake2b(pickle.dumps(list(rows), pickle.HIGHEST_PROTOCOL), digest_size=20).hexdigest()
    cls = f"{table_class.__module__}.{table_class.__qualname__}"
    return (lambda: make().as_html(request)), ["table", cls, _known_parameters(request), key, digest]


def rendered_pieces(request, template_name: str, contexts: list[dict], keys: list) -> list[SafeString]:
    """Each context rendered with ``template_name``, each a function of its key (``keys``, one per context)."""
    pieces = zip(contexts, keys, strict=True)
    html = rendered({i: template_piece(request, template_name, c, k) for i, (c, k) in enumerate(pieces)})
    return [html[i] for i in range(len(contexts))]


KNOWN = re.compile(r"^(unit|period|start|end|legal_basis|instrument|kind|overdispersion|root|(\w+-)?(page|sort))$")


def _known_parameters(request) -> list:
    return sorted((name, values[0][:40]) for name, values in request.GET.lists() if KNOWN.match(name) and values)


def render_body(request, body: dict, *, title: str, charts: bool = True, status: int = 200):
    """The page around a cached body."""
    context = {"page_title": title, "body": mark_safe(body["html"]), "charts": charts}  # noqa: S308 — our render
    return render(request, "includes/_cached_page.html", context, status=status)
