"""Test settings: the production settings plus speed tweaks only (no behaviour of their own)."""

import os

os.environ.setdefault("BEATBOOK_SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("BEATBOOK_HTTPS", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The public API's rate limit is off in tests; the tests of the limit switch it on themselves.
BEATBOOK_PUBLIC_API_RATE = 0
