"""models pages."""

urlpatterns: list = []
