"""Call a service from a page, and show its refusal on the form: the one pattern every view uses.

The rules live in the services (they raise Django's ``ValidationError``, naming the field where they can); a page
only parses its input with a form, calls the service and, when the service refuses, shows the refusal where the user
typed the value. The API turns the same ``ValidationError`` into a 400 with the same field and message
(``api.exceptions``), so both channels answer alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms as django_forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def show_errors(forms, exc: ValidationError, *, item_prefix: str = "") -> None:
    """Put each of the error's messages on the field it names, in whichever of ``forms`` has that field (also as
    ``item_prefix`` + name, for forms whose fields are named after items); the rest above the first form."""
    forms = [forms] if isinstance(forms, django_forms.BaseForm) else list(forms)
    if not hasattr(exc, "error_dict"):
        forms[0].add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target, where = None, forms[0]
        if name != NON_FIELD_ERRORS:
            for form in forms:
                for candidate in (name, item_prefix + name if item_prefix else None):
                    if candidate and candidate in form.fields and target is None:
                        target, where = candidate, form
        where.add_error(target, errors)


def apply_service(
    forms: django_forms.BaseForm | Sequence[django_forms.BaseForm],
    fn: Callable[..., Any],
    /,
    *args: Any,
    item_prefix: str = "",
    **kwargs: Any,
) -> tuple[bool, Any]:
    """``fn(*args, **kwargs)``; ``(True, its result)``, or ``(False, None)`` with its ValidationError on the form(s)."""
    try:
        return True, fn(*args, **kwargs)
    except ValidationError as exc:
        show_errors(forms, exc, item_prefix=item_prefix)
        return False, None
