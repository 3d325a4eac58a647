"""matching pages."""

urlpatterns: list = []
