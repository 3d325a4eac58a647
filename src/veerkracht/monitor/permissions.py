"""Capabilities of the monitor, added to the core capability table."""

from veerkracht.core.models import Role
from veerkracht.core.permissions import declare

R = Role.Code

# Importing observations and survey data, and editing the indicator framework.
declare("monitor.import", {R.ANALYST, R.PROGRAMME_STAFF})
# Building and publishing composite index runs and statistical model runs.
declare("monitor.analyse", {R.ANALYST, R.PROGRAMME_STAFF})
# Recording Veerkrachtdialogen, their statements and proposed actions.
declare("dialogue.record", {R.ANALYST, R.PROGRAMME_STAFF, R.CONTACT_TEAM})
