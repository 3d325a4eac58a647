"""Knowledge base pages under /kennisbank/ (see views.py)."""

from .views import urlpatterns as urlpatterns

app_name = "knowledge"
