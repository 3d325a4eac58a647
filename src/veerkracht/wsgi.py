"""WSGI entry point, served by gunicorn (see the Makefile and docs/operations.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veerkracht.settings")

application = get_wsgi_application()
