import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Django, the settings, every view (imported here through the URLconf) and the libraries live as
# long as the worker: frozen, the collector's full passes no longer walk them. A full pass over
# them took 65 ms on the 2-core benchmark machine, added to whatever request met it; 3 ms frozen
# (docs/benchmarks.md, «Full collections»).
get_resolver().url_patterns  # noqa: B018 — imports the views
gc.freeze()
