import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
application = get_wsgi_application()

# After setup: the views and renderers loaded once, and kept out of the garbage collector's
# full collections (samverkan/core/web_process.py).
from samverkan.core.web_process import settle

settle()
