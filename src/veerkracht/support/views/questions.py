"""questions pages."""

urlpatterns: list = []
