"""Shorter sessions for people with a staff role.

Staff see the internal records of initiatives, people's contact details and the audit
trail, so a session left open on a shared or lost computer should not stay usable for
Django's default two weeks. The session keeps two timestamps (seconds since the epoch):
when the person logged in and when they were last seen. `staff_session_check` (run by
`StaffSessionTimeoutMiddleware` on every request) logs a staff member out once either
limit is passed; the limits are the settings VEERKRACHT_STAFF_SESSION_IDLE_MINUTES
(default 30) and VEERKRACHT_STAFF_SESSION_MAX_HOURS (default 12).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .permissions import has_staff_role

LOGIN_AT = "_vk_login_at"
SEEN_AT = "_vk_seen_at"
# "Last seen" is written at most this often, so a busy page does not save the session on
# every request; the idle limit is therefore exact to within this many seconds.
SEEN_RESOLUTION = 60
# The stored session (and its cookie) outlives the idle limit by this much, so that a
# person who comes back after the limit is told why they were logged out; after that the
# session store drops it anyway.
EXPIRY_MARGIN = 3600


def idle_limit() -> int:
    return int(settings.VEERKRACHT_STAFF_SESSION_IDLE_MINUTES * 60)


def _expire_after_idle(session) -> None:
    session.set_expiry(idle_limit() + EXPIRY_MARGIN)


def max_age_limit() -> int:
    return int(settings.VEERKRACHT_STAFF_SESSION_MAX_HOURS * 3600)


@receiver(user_logged_in, dispatch_uid="veerkracht.core.sessions.login_time")
def _remember_login_time(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
        if has_staff_role(user):
            _expire_after_idle(request.session)


def staff_session_check(request: HttpRequest) -> None:
    """Log out a staff member whose session is past its idle or absolute limit."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not has_staff_role(user):
        return
    session = request.session
    now = int(time.time())
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT)
    if login_at is None or seen_at is None:
        # A session from before these limits (or made by a test client): start counting.
        session[LOGIN_AT] = login_at or now
        session[SEEN_AT] = now
        _expire_after_idle(session)
        return
    if now - seen_at > idle_limit():
        reason = ngettext(
            "You were logged out because you were inactive for more than %(count)d minute.",
            "You were logged out because you were inactive for more than %(count)d minutes.",
            idle_limit() // 60,
        ) % {"count": idle_limit() // 60}
    elif now - login_at > max_age_limit():
        hours = max_age_limit() / 3600
        reason = _(
            "You were logged out because you were logged in for more than %(hours)s hours."
        ) % {"hours": f"{hours:g}"}
    else:
        if now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
            _expire_after_idle(session)
        return
    logout(request)
    messages.warning(request, reason + " " + _("Please log in again."))
