from django.urls import URLPattern, URLResolver

app_name = "org"
urlpatterns: list[URLPattern | URLResolver] = []
