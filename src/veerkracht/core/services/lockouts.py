"""Lifting login lockouts (django-axes) by an administrator."""

from collections.abc import Iterable

from axes.models import AccessAttempt
from django.db import transaction

from ..models import User
from ..permissions import check_capability
from .audit import REDACTED, audit_record


@transaction.atomic
def lockout_lift(*, actor: User, attempts: Iterable[AccessAttempt]) -> int:
    """Delete the failed-login records behind lockouts, so those people may log in again.

    django-axes locks out an (account, address) pair once its record counts
    AXES_FAILURE_LIMIT failures; deleting the record lifts the lockout at once. Each
    record lifted is written to the audit trail with its count and time; the account
    name and address are personal data and are recorded only as present.
    """
    check_capability(actor, "lockout.manage")
    lifted = 0
    for attempt in attempts:
        audit_record(
            actor=actor,
            action="lockout.lift",
            object_type="axes.accessattempt",
            object_id=attempt.pk,
            before={
                "username": REDACTED if attempt.username else "",
                "ip_address": REDACTED if attempt.ip_address else "",
                "failures_since_start": attempt.failures_since_start,
                "attempt_time": attempt.attempt_time,
            },
        )
        attempt.delete()
        lifted += 1
    return lifted
