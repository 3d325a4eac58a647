"""dialogues pages."""

urlpatterns: list = []
