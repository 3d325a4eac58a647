"""Capabilities of the support app, added to the core capability table."""

from veerkracht.core.models import Role
from veerkracht.core.permissions import declare

R = Role.Code

STAFF = {R.CONTACT_TEAM, R.MATCH_TEAM, R.PROGRAMME_STAFF}

# Curating the catalogue: approving, editing and withdrawing any provider's offer.
declare("support_offer.curate", {R.PROGRAMME_STAFF, R.MATCH_TEAM})
# Entering and handling questions on an initiative's behalf.
declare("question.manage", STAFF)
# Running the matching engine and recording whether proposed matches helped.
declare("matching.use", STAFF | {R.ANALYST})
declare("matching.feedback", {R.MATCH_TEAM, R.CONTACT_TEAM, R.PROGRAMME_STAFF})
# Moderating the forum: hiding posts, approving pre-moderated posts, handling reports.
declare("forum.moderate", {R.PROGRAMME_STAFF, R.CONTACT_TEAM})
