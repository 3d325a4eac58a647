"""export pages of the initiatives app."""

urlpatterns: list = []
