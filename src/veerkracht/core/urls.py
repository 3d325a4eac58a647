from .views import account, public

app_name = "core"

urlpatterns = [
    *public.urlpatterns,
    *account.urlpatterns,
]
