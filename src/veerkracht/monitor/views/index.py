"""index pages."""

urlpatterns: list = []
