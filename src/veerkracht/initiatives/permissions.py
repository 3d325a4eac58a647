"""Capabilities of the initiatives app, added to the core capability table."""

from veerkracht.core.models import Role
from veerkracht.core.permissions import declare

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
declare("trajectory.manage", {R.CONTACT_TEAM, R.MATCH_TEAM, R.PROGRAMME_STAFF, R.SUPPORT_PROVIDER})
declare("support_offer.manage", {R.PROGRAMME_STAFF, R.SUPPORT_PROVIDER})
