from .views import forum, matching, offers, questions

app_name = "support"

urlpatterns = [
    *offers.urlpatterns,
    *questions.urlpatterns,
    *forum.urlpatterns,
    *matching.urlpatterns,
]
