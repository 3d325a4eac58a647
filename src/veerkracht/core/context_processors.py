from django.conf import settings


def site(request):
    return {
        "PROGRAMME_NAME": settings.VEERKRACHT_PROGRAMME_NAME,
        "TILE_URL": settings.VEERKRACHT_TILE_URL,
        "TILE_ATTRIBUTION": settings.VEERKRACHT_TILE_ATTRIBUTION,
    }
