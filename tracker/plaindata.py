"""Cached values as plain data: a value goes into the cache pickled with every model instance replaced by an
:class:`InstanceData` — its model's label and its attribute values, together with the related instances it had
loaded — and comes out with the instances rebuilt from them, at no query (tracker/dataversion.py).

A pickled model instance ties a cache entry to the model class as the code defined it when it was stored, and
unpickling one runs that class's code. So an entry never names a model class: :func:`dumps` pickles with a
``reducer_override`` that turns each instance into ``_instance(InstanceData)``, and :func:`loads` is plain
unpickling, which calls ``_instance`` to rebuild it (as unpickling does: no ``__init__``, no signals). The entry
holds dicts, lists, tuples, strings, numbers, dates, our dataclasses and ``InstanceData``. Querysets are refused (a
cached value must be evaluated, plain data). Prefetched relations are not kept: reading one after a cache hit
queries it again (correct, one query more).

The pickler finds the instances itself (it visits every object anyway), so a large value costs no walk in Python.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.query import QuerySet


@dataclasses.dataclass(frozen=True)
class InstanceData:
    """A model instance as plain data."""

    model: str  # app_label.ModelName
    db: str | None
    values: dict  # attribute → value: the fields loaded, and annotations (instances in it are pickled the same way)
    related: dict  # the related instances it had loaded (select_related, or read once): name → InstanceData | None


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Model):
            return _instance, (_instance_data(obj),)
        if isinstance(obj, QuerySet):
            raise TypeError("a cached value must not hold a queryset: store a list of plain values")
        return NotImplemented


def dumps(value: Any) -> bytes:
    """``value`` pickled with every model instance as its :class:`InstanceData`; the value is not changed."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def loads(data: bytes) -> Any:
    """The value :func:`dumps` pickled, its instances rebuilt."""
    return pickle.loads(data)  # noqa: S301 — our own cache entries


def _instance_data(obj: Model) -> InstanceData:
    values = {name: v for name, v in obj.__dict__.items() if not name.startswith("_")}
    related = {
        name: (_instance_data(rel) if isinstance(rel, Model) else None) for name, rel in obj._state.fields_cache.items()
    }
    return InstanceData(obj._meta.label, obj._state.db, values, related)


def _instance(data: InstanceData) -> Model:
    model = apps.get_model(data.model)
    obj = model.__new__(model)  # as unpickling does: no __init__, no signals, no query
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = data.db
    obj.__dict__.update(data.values)
    for name, rel in data.related.items():
        obj._state.fields_cache[name] = _instance(rel) if rel is not None else None
    return obj
