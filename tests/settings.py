"""Test settings: the production settings file with test-only defaults for the environment."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-7f3a9c1e5b2d8046")
os.environ.setdefault("EFFEKTSPOR_PSEUDONYM_KEY", "test-only-pseudonym-key-3c9e1a7f5b2d8046aa17")
os.environ.setdefault("EFFEKTSPOR_SECURE", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from tracker.settings import *  # noqa: E402,F403

# Hashing speed is not what the tests are about; production uses Argon2 (tracker/settings.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The production storage needs `collectstatic`'s manifest; tests render pages from static/ as it is
# (tests/tracker/test_static_files.py checks the production storage on a collected copy).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: WhiteNoise serves from the finders
