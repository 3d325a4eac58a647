from .views import data, dialogues, index, models, pages

app_name = "monitor"

urlpatterns = [
    *pages.urlpatterns,
    *data.urlpatterns,
    *index.urlpatterns,
    *models.urlpatterns,
    *dialogues.urlpatterns,
]
