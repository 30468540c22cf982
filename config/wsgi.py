import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The Russian morphology is loaded now, not in the first search of each worker.
from bering.search.text import lemmas_of  # noqa: E402

lemmas_of("поставка")

# What was made while starting (Django, the URL map, the analyzer) lives as long as the
# process: frozen, it is left out of every garbage collection. Without this a full
# collection walks all of it, a 40-70 ms pause in about one search of twelve
# (bench/RESULTS.md, 2026-12-03).
gc.freeze()
