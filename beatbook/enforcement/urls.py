from __future__ import annotations

from .views import detentions, dispersal, name_address, penalties, register, seizures

app_name = "enforcement"
urlpatterns = [
    *register.urlpatterns,
    *name_address.urlpatterns,
    *detentions.urlpatterns,
    *penalties.urlpatterns,
    *seizures.urlpatterns,
    *dispersal.urlpatterns,
]
