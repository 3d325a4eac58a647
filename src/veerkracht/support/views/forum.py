"""forum pages."""

urlpatterns: list = []
