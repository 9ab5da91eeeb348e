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

from tracker import dataversion, plaindata

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

    with dataversion.one_write():  # the body, its figures and its pieces: one write
        return dataversion.cached(f"page:{name}", key, build, units=key["scope"])


def rendered_pieces(request, template_name: str, contexts: list[dict], keys: list) -> list[str]:
    """Each context rendered with ``template_name`` — a piece of a page that is a function of what it shows, given
    as its key (``keys``, one per context): read from the figures cache by that content and the language, rendered
    only when new. After a write in one unit, only that unit's pieces are rendered again."""
    language = get_language()
    items = {i: [template_name, language, key] for i, key in enumerate(keys)}

    def render(missing: list[int]) -> dict[int, str]:
        return {i: render_to_string(template_name, contexts[i], request) for i in missing}

    html = dataversion.cached_by_content("piece", items, render)
    return [mark_safe(html[i]) for i in range(len(contexts))]  # noqa: S308 — our own rendering


def rendered_tables(request, tables: dict[str, Table], *, key: Any = None) -> dict[str, SafeString]:
    """Each table's HTML as ``{% render_table %}`` writes it, rendered only when what it shows is new.

    A table is a function of its class, its rows, its paging and sorting, the request's known parameters (its
    sorting and paging links keep them), the language and ``key`` (what else the view gave the tables, such as the
    query string behind a link): those are its key in the figures cache. After a write, the tables whose rows
    did not change (most of a dashboard's) come from the cache in the one query that reads them all."""
    language, parameters = get_language(), _known_parameters(request)
    items = {name: ["table", language, parameters, key, _table_key(table)] for name, table in tables.items()}

    def render(missing: list[str]) -> dict[str, str]:
        return {name: tables[name].as_html(request) for name in missing}

    html = dataversion.cached_by_content("piece", items, render)
    return {name: mark_safe(html[name]) for name in tables}  # noqa: S308 — our own rendering


def _table_key(table: Table) -> list:
    """What a table's HTML depends on besides the request and the language: its class, its columns and their
    headings, its paging and sorting, and a digest of its rows (pickled: equal bytes, equal rows)."""
    page = getattr(table, "page", None)
    rows = plaindata.dumps(list(table.data.data) if isinstance(table.data.data, list) else table.data.data)
    return [
        f"{type(table).__module__}.{type(table).__qualname__}",
        table.prefix,
        [(column.name, str(column.header)) for column in table.columns],
        list(table.order_by or ()),
        [page.number, table.paginator.per_page] if page is not None else None,
        hashlib.blake2b(rows, digest_size=20).hexdigest(),
    ]


KNOWN = re.compile(r"^(unit|period|start|end|legal_basis|instrument|kind|overdispersion|root|(\w+-)?(page|sort))$")


def _known_parameters(request) -> list:
    return sorted((name, values[0][:40]) for name, values in request.GET.lists() if KNOWN.match(name) and values)


def render_body(request, body: dict, *, title: str, charts: bool = True, status: int = 200):
    """The page around a cached body."""
    context = {"page_title": title, "body": mark_safe(body["html"]), "charts": charts}  # noqa: S308 — our render
    return render(request, "includes/_cached_page.html", context, status=status)
