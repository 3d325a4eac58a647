"""Capabilities of the knowledge base, added to the core capability table."""

from veerkracht.core.models import Role
from veerkracht.core.permissions import declare

R = Role.Code

declare("article.edit", {R.PROGRAMME_STAFF, R.CONTACT_TEAM, R.MATCH_TEAM, R.SUPPORT_PROVIDER})
