from .views import export, public, signup, staff

app_name = "initiatives"

urlpatterns = [
    *public.urlpatterns,
    *signup.urlpatterns,
    *staff.urlpatterns,
    *export.urlpatterns,
]
