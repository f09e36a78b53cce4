"""WSGI entry point for gunicorn: ``gunicorn kaoping.web.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaoping.web.settings")
application = get_wsgi_application()
