"""pages pages."""

urlpatterns: list = []
