"""URL map: the web pages per app, the JSON API (/api/v1/), and the admin (read-only)."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from beatbook.api.urls import api_v1_urls

handler403 = "beatbook.core.views.error_403"
handler404 = "beatbook.core.views.error_404"
handler500 = "beatbook.core.views.error_500"

urlpatterns = [
    path("", include("beatbook.core.urls")),
    path("accounts/", include("beatbook.accounts.urls")),
    path("org/", include("beatbook.org.urls")),
    path("audit/", include("beatbook.audit.urls")),
    path("jobs/", include("beatbook.jobs.urls")),
    path("incidents/", include("beatbook.incidents.urls")),
    path("patrols/", include("beatbook.patrols.urls")),
    path("cases/", include("beatbook.cases.urls")),
    path("powers/", include("beatbook.powers.urls")),
    path("enforcement/", include("beatbook.enforcement.urls")),
    path("learning/", include("beatbook.learning.urls")),
    path("community/", include("beatbook.community.urls")),
    path("open-data/", include("beatbook.opendata.urls")),
    path("recruitment/", include("beatbook.recruitment.urls")),
    path("public/", include("beatbook.community.public_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("api/v1/", api_v1_urls()),
    # The police.uk-compatible public API: after /api/v1/, whose paths its catch-alls would take.
    path("api/", include("beatbook.opendata.policeuk_urls")),
    path("admin/", admin.site.urls),
]
