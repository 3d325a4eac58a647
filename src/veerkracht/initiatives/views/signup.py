"""The public sign-up: an initiative joins Stérk Brabant (no account needed).

Flow: the form → a warning when similar initiatives exist (the visitor confirms theirs
is a different one) → `services.initiative_signup` → "sent" page. The e-mail holds a
link to the confirmation page, which changes nothing on GET (mail scanners follow
links) and confirms on POST.

Sign-ups are limited per IP address (`VEERKRACHT_SIGNUP_LIMIT` per
`VEERKRACHT_SIGNUP_WINDOW` seconds, default 10 an hour) with a counter in Django's
cache, so the limit holds across processes when the cache is Redis.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from veerkracht.core.models import Role
from veerkracht.core.permissions import has_role

from .. import selectors, services
from ..forms import SignupForm
from ..models import Initiative

SIGNUP_LIMIT = 10
SIGNUP_WINDOW = 3600  # seconds
SESSION_DONE_KEY = "initiatives:signup_done"
TEMPLATES = "initiatives/signup/"


# --- rate limit ---------------------------------------------------------------------------


def _limit() -> tuple[int, int]:
    return (
        int(getattr(settings, "VEERKRACHT_SIGNUP_LIMIT", SIGNUP_LIMIT)),
        int(getattr(settings, "VEERKRACHT_SIGNUP_WINDOW", SIGNUP_WINDOW)),
    )


def _rate_key(request: HttpRequest) -> str:
    # The same source of the address as the login lockout (REMOTE_ADDR; a proxy in
    # front must set it). Hashed: the cache holds no IP addresses.
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"veerkracht:signup-rate:{digest}"


def signup_rate_exceeded(request: HttpRequest) -> bool:
    limit, _window = _limit()
    return int(cache.get(_rate_key(request), 0)) >= limit


def signup_rate_count(request: HttpRequest) -> None:
    """Count one sign-up from this address; the window starts with the first one."""
    _limit_value, window = _limit()
    key = _rate_key(request)
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)


def _rate_limited(request: HttpRequest) -> HttpResponse:
    limit, window = _limit()
    response = render(
        request,
        TEMPLATES + "rate_limited.html",
        {"limit": limit, "minutes": max(1, window // 60)},
        status=429,
    )
    response["Retry-After"] = str(window)
    return response


# --- pages --------------------------------------------------------------------------------


def _public_url(initiative: Initiative) -> str:
    """The initiative's public page, when it is published."""
    if not initiative.published:
        return ""
    return reverse("initiatives:detail", kwargs={"slug": initiative.slug})


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    similar: list[dict] = []
    if request.method == "POST":
        if signup_rate_exceeded(request):
            return _rate_limited(request)
        form = SignupForm(request.POST)
        if form.is_valid():
            data = form.to_data()
            found = selectors.initiatives_similar(
                name=data.name,
                municipality=data.municipality.code if data.municipality else None,
            )
            if found and not form.cleaned_data.get("confirm_different"):
                similar = [
                    {"initiative": i, "url": _public_url(i), "municipality": i.municipality}
                    for i in found
                ]
            else:
                initiator = request.user if has_role(request.user, Role.Code.INITIATOR) else None
                try:
                    initiative = services.initiative_signup(data=data, initiator=initiator)
                except services.IntakeError as error:
                    form.add_error(None, error)
                else:
                    signup_rate_count(request)
                    request.session[SESSION_DONE_KEY] = initiative.name
                    return redirect("initiatives:signup_done")
    else:
        form = SignupForm()
    return render(request, TEMPLATES + "form.html", {"form": form, "similar": similar})


@never_cache
def signup_done(request: HttpRequest) -> HttpResponse:
    name = request.session.pop(SESSION_DONE_KEY, "")
    return render(request, TEMPLATES + "done.html", {"name": name})


def _pending(token: str) -> Initiative | None:
    """The initiative waiting for this confirmation token (a read; nothing changes)."""
    if not token:
        return None
    return Initiative.objects.filter(confirmation_token=token).only("pk", "name").first()


@never_cache
@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        initiative = _pending(token)
        if initiative is None:
            return render(request, TEMPLATES + "confirm_invalid.html", status=404)
        return render(request, TEMPLATES + "confirm.html", {"initiative": initiative})
    try:
        initiative = services.initiative_confirm_email(token=token)
    except services.IntakeError:
        return render(request, TEMPLATES + "confirm_invalid.html", status=404)
    return render(request, TEMPLATES + "confirmed.html", {"initiative": initiative})


urlpatterns = [
    path("aanmelden/", signup, name="signup"),
    path("aanmelden/verstuurd/", signup_done, name="signup_done"),
    path("aanmelden/bevestigen/<str:token>/", signup_confirm, name="signup_confirm"),
]
