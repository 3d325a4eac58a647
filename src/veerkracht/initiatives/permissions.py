"""Capabilities of the initiatives app, added to the core capability table, and the
object-level rule for support trajectories."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from veerkracht.core.models import Role
from veerkracht.core.permissions import declare, has_capability

R = Role.Code

STAFF = {R.CONTACT_TEAM, R.MATCH_TEAM, R.PROGRAMME_STAFF}

declare("initiative.view_internal", STAFF | {R.ANALYST})
declare("initiative.scout", STAFF)
declare("initiative.edit", STAFF)
declare("initiative.export", STAFF | {R.ANALYST})
declare("intake.contact", {R.CONTACT_TEAM, R.PROGRAMME_STAFF})
declare("agenda.add", {R.CONTACT_TEAM, R.MATCH_TEAM, R.PROGRAMME_STAFF})
declare("match.manage", {R.MATCH_TEAM, R.PROGRAMME_STAFF})
declare("match.decide", {R.MATCH_TEAM})
declare("support_need.decide", {R.PROGRAMME_STAFF})
# Propose, start, finish, break off and rate ANY trajectory; record its costs.
declare("trajectory.manage", STAFF)
# Open trajectory pages at all; which ones is decided per trajectory (below).
declare("trajectory.view", STAFF | {R.ANALYST, R.SUPPORT_PROVIDER})
# Deliver the trajectories of one's own organisation: open them, start, finish (with
# hours and outcome), break off and add progress notes. Not: propose trajectories,
# record costs, rate them or change the match team's decision.
declare("trajectory.deliver", {R.SUPPORT_PROVIDER})
declare("support_offer.manage", {R.PROGRAMME_STAFF, R.SUPPORT_PROVIDER})


def delivers(user: Any, trajectory: Any) -> bool:
    """Whether the user's organisation delivers this trajectory: it provides the offer or
    is named as the organisation that delivers it."""
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None or not has_capability(user, "trajectory.deliver"):
        return False
    return organisation_id in {trajectory.delivered_by_id, trajectory.offer.provider_id}


def trajectory_may_view(user: Any, trajectory: Any) -> bool:
    return has_capability(user, "initiative.view_internal") or delivers(user, trajectory)


def trajectory_may_manage(user: Any, trajectory: Any) -> bool:
    """Take the trajectory's steps and add progress notes."""
    return has_capability(user, "trajectory.manage") or delivers(user, trajectory)


def check_trajectory_view(user: Any, trajectory: Any) -> None:
    if not trajectory_may_view(user, trajectory):
        raise PermissionDenied(_("You do not have permission to do this."))


def check_trajectory_manage(user: Any, trajectory: Any) -> None:
    if not trajectory_may_manage(user, trajectory):
        raise PermissionDenied(_("You do not have permission to do this."))
