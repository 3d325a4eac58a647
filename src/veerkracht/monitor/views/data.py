"""data pages."""

urlpatterns: list = []
