"""The WSGI application gunicorn serves (`biopark serve`)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "biopark.settings")
application = get_wsgi_application()

# Import every URLconf (and with it every view, API router and schema) now rather than on the first request,
# which otherwise took each new worker about 0.6 s.
get_resolver().url_patterns  # noqa: B018 - the lookup loads them

# What is loaded so far lives as long as the process: keep it out of the garbage collector's full passes
# (otherwise each one walks a few hundred thousand objects, about 60 ms, and lands on some request).
gc.freeze()
