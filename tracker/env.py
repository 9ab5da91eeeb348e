"""Reading the settings' environment variables (tracker/settings.py): strings, booleans, integers, lists.

A value that cannot be read is a configuration error (``ImproperlyConfigured``) rather than a silent default: a
typo such as ``EFFEKTSPOR_SECURE=ture`` must not turn HTTPS off. Renamed variables are still read under their old
name, with a ``DeprecationWarning`` and a logged warning, until the operator renames them (README, Configuration).

Stdlib and Django only: the settings import this module before any app is loaded.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})

logger = logging.getLogger("effektspor.settings")


def parse_bool(name: str, value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off.")


# Old variable name → (new name, conversion of the old value into a value of the new variable).
RENAMED: dict[str, tuple[str, Callable[[str], str]]] = {
    "OIDC_OP_ISSUER": ("EFFEKTSPOR_OIDC_OP_ISSUER", str),
    "OIDC_USERNAME_CLAIM": ("EFFEKTSPOR_OIDC_USERNAME_CLAIM", str),
    # A yes/no for "one proxy in front" became the number of proxies.
    "EFFEKTSPOR_BEHIND_PROXY": (
        "EFFEKTSPOR_PROXY_HOPS",
        lambda value: "1" if value.strip() and parse_bool("EFFEKTSPOR_BEHIND_PROXY", value) else "",
    ),
}


def _deprecated(old: str, new: str, used: bool) -> None:
    action = "read as" if used else "ignored, because it is set:"
    message = f"The environment variable {old} is deprecated ({action} {new}); rename it to {new}."
    warnings.warn(message, DeprecationWarning, stacklevel=4)
    logger.warning(message)


def env_str(name: str, default: str = "") -> str:
    """The variable's value; under an old name (RENAMED) with a warning; empty or unset gives the default."""
    value = os.environ.get(name)
    for old, (new, convert) in RENAMED.items():
        if new == name and old in os.environ:
            _deprecated(old, new, used=value is None)
            if value is None:
                value = convert(os.environ[old])
    return default if value is None or value.strip() == "" else value.strip()


def env_bool(name: str, default: bool = False) -> bool:
    """1/0, true/false, yes/no, on/off in any case; empty or unset gives the default; anything else is an error."""
    value = env_str(name)
    return default if value == "" else parse_bool(name, value)


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = env_str(name)
    try:
        number = default if value == "" else int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}.")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env_str(name) or default).split(",") if item.strip()]
