"""Names vulture cannot see being used (`make deadcode`; the options and folders are in the Makefile).

Every entry says who uses the name. Django and the libraries call much of our code by convention — admin classes
and their attributes, ``Meta``, ``AppConfig``, settings, management commands' ``help``/``add_arguments``, form
``clean_*``, table ``render_*``/``value_*``, serializer ``get_*``/``validate_*``, template tags — and templates and
tests use the rest. Those are reported only below the gate's confidence (``make deadcode-report``); this file
holds what the gate itself (``--min-confidence 80``) would otherwise flag. Migrations are excluded from the scan.
Review before adding: an entry here must be a name that really is used, never dead code kept quiet.
"""

from vulture.whitelist_utils import Whitelist

used = Whitelist()

SIGNATURES_REQUIRED_BY_CALLERS = [
    # Signal receivers: Django sends ``sender`` to every receiver, by keyword (tracker/audit.py, tracker/search.py:
    # connection_created and post_migrate; tracker/middleware.py: user_logged_in).
    used.sender,
    # drf-spectacular's POSTPROCESSING_HOOKS are called as hook(result=, generator=, request=, public=)
    # (api/schema.py: add_error_responses).
    used.generator,
    used.public,
    # django-axes calls AXES_LOCKOUT_CALLABLE with (request, original_response, credentials) (tracker/security.py).
    used.original_response,
]

USED_OUTSIDE_THE_SCAN = [
    # Called by tracker/migrations/0002_audit_append_only.py (migrations are not scanned).
    used.drop_triggers,
]
