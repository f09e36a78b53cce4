"""Test-wide settings; the shared helpers live in ``helpers.py``."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests hash passwords with MD5: Django's PBKDF2 takes about half a second a password
    here, and every web test creates a handful of users. The application keeps PBKDF2."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield



@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once():
    """Background tasks (scoring) run at once inside the request in tests: django-tasks'
    immediate backend. tests/web/test_scoring_background.py runs the database backend's
    worker on purpose."""
    from django.test.utils import override_settings

    with override_settings(TASKS={"default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        yield
