"""Core models: CBS geography, reference vocabularies, organisations, people, audit."""

from .audit import AuditRecord
from .geography import (
    AreaGroup,
    AreaStatistics,
    District,
    Municipality,
    Neighbourhood,
    Province,
)
from .people import ErasureRequest, Organisation, Role, User
from .vocabularies import OrganisationType, PolicyAgenda, ResilienceFactor, Theme

__all__ = [
    "AreaGroup",
    "AreaStatistics",
    "AuditRecord",
    "District",
    "ErasureRequest",
    "Municipality",
    "Neighbourhood",
    "Organisation",
    "OrganisationType",
    "PolicyAgenda",
    "Province",
    "ResilienceFactor",
    "Role",
    "Theme",
    "User",
]
