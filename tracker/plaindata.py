"""Cached values as plain data: model instances are turned into :class:`InstanceData` before a value goes into
the cache, and rebuilt after it comes out (tracker/dataversion.py).

A pickled model instance ties a cache entry to the model class as the code defined it when it was stored, and
unpickling one runs that class's code. So the cache holds only dicts, lists, tuples, strings, numbers, dates and
dataclasses of those; an instance inside a cached value (a comparison's instrument, root and breadcrumbs) becomes
its model's label and its attribute values, together with the related instances it had loaded. Rebuilding costs no
query. Prefetched relations are not kept: reading one after a cache hit queries it again (correct, one query more).

:func:`dehydrate` returns the plain value and a *map of holes*: where in the value instances were replaced
(``None`` when nowhere), so that :func:`rehydrate` visits only those places instead of walking the whole value.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import decimal
import uuid
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.query import QuerySet

# Values that hold nothing inside: returned as they are without looking further.
ATOMS = (str, bytes, int, float, bool, type(None), datetime.date, datetime.time, decimal.Decimal, uuid.UUID)
INSTANCE = True  # the hole of a replaced instance (a container's hole is a dict: place → hole)


@dataclasses.dataclass(frozen=True)
class InstanceData:
    """A model instance as plain data."""

    model: str  # app_label.ModelName
    db: str | None
    values: dict  # attribute → plain value: the fields loaded, and annotations
    holes: Any  # where ``values`` had instances (a set attribute such as a list of units)
    related: dict  # the related instances it had loaded (select_related, or read once): name → InstanceData | None


def dehydrate(value: Any) -> tuple[Any, Any]:
    """``value`` with every model instance replaced by its :class:`InstanceData`, and the map of holes.

    The value itself is not changed: a container that held an instance is copied. Querysets are refused (a cached
    value must be evaluated, plain data)."""
    if isinstance(value, ATOMS):
        return value, None
    if isinstance(value, Model):
        return _instance_data(value), INSTANCE
    if isinstance(value, QuerySet):
        raise TypeError("a cached value must not hold a queryset: store a list of plain values")
    if isinstance(value, dict):
        return _dehydrate_items(value, value.items(), dict)
    if isinstance(value, list):
        return _dehydrate_items(value, enumerate(value), list)
    if isinstance(value, tuple):
        plain, holes = _dehydrate_items(value, enumerate(value), list)
        if holes is None:
            return value, None
        return (type(value)(*plain) if hasattr(value, "_fields") else tuple(plain)), holes
    if isinstance(value, set | frozenset):
        if any(dehydrate(item)[1] is not None for item in value):
            raise TypeError("a cached value must not hold model instances in a set")
        return value, None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        holes, out = {}, None
        for f in dataclasses.fields(value):
            plain, hole = dehydrate(getattr(value, f.name))
            if hole is not None:
                out = out if out is not None else copy.copy(value)
                object.__setattr__(out, f.name, plain)
                holes[f.name] = hole
        return (out if out is not None else value), (holes or None)
    return value, None


def _dehydrate_items(value, items, kind) -> tuple[Any, Any]:
    holes, out = {}, None
    for place, item in items:
        plain, hole = dehydrate(item)
        if hole is not None:
            out = out if out is not None else kind(value)
            out[place] = plain
            holes[place] = hole
    return (out if out is not None else value), (holes or None)


def _instance_data(obj: Model) -> InstanceData:
    values = {name: v for name, v in obj.__dict__.items() if not name.startswith("_")}
    plain, holes = dehydrate(values)
    related = {
        name: (_instance_data(rel) if isinstance(rel, Model) else None) for name, rel in obj._state.fields_cache.items()
    }
    return InstanceData(obj._meta.label, obj._state.db, plain, holes, related)


def rehydrate(value: Any, holes: Any) -> Any:
    """The value with its instances rebuilt from ``holes`` (from :func:`dehydrate`). Changes ``value`` in place:
    pass a fresh copy, as a cache read gives."""
    if holes is None:
        return value
    if holes is INSTANCE:
        return _instance(value)
    if isinstance(value, tuple):
        items = list(value)
        for place, hole in holes.items():
            items[place] = rehydrate(items[place], hole)
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict | list):
        for place, hole in holes.items():
            value[place] = rehydrate(value[place], hole)
        return value
    for name, hole in holes.items():  # a dataclass
        object.__setattr__(value, name, rehydrate(getattr(value, name), hole))
    return value


def _instance(data: InstanceData) -> Model:
    model = apps.get_model(data.model)
    obj = model.__new__(model)  # as unpickling does: no __init__, no signals, no query
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = data.db
    obj.__dict__.update(rehydrate(dict(data.values), data.holes))
    for name, rel in data.related.items():
        obj._state.fields_cache[name] = _instance(rel) if rel is not None else None
    return obj


def model_instances(value: Any) -> list[Model]:
    """Every model instance anywhere in ``value`` (for tests: a cached entry must hold none)."""
    found: list[Model] = []
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if isinstance(item, ATOMS) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Model):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif hasattr(item, "__dict__"):
            stack.extend(vars(item).values())
        elif hasattr(item, "__slots__"):
            stack.extend(getattr(item, s) for s in item.__slots__ if hasattr(item, s))
    return found
