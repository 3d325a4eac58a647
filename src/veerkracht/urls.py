from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .api import api

admin.site.site_header = _("Veerkracht administration")
admin.site.site_title = _("Veerkracht")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("veerkracht.initiatives.urls")),
    path("", include("veerkracht.support.urls")),
    path("", include("veerkracht.knowledge.urls")),
    path("", include("veerkracht.search.urls")),
    path("", include("veerkracht.monitor.urls")),
    path("", include("veerkracht.core.urls")),
]
