"""offers pages."""

urlpatterns: list = []
