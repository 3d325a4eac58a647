"""Core services: every function that changes state, one per use case.

Services take keyword-only arguments, never a request, run in a transaction and
write the audit record inside it.
"""

from .audit import audit_record, audit_snapshot
from .people import (
    erasure_request_create,
    erasure_request_refuse,
    user_anonymise,
    user_create,
    user_export_personal_data,
    user_roles_set,
)
from .reference import reference_load

__all__ = [
    "audit_record",
    "audit_snapshot",
    "erasure_request_create",
    "erasure_request_refuse",
    "reference_load",
    "user_anonymise",
    "user_create",
    "user_export_personal_data",
    "user_roles_set",
]

from .geography import CbsImportError, ImportReport, cbs_areas_import

__all__ += ["CbsImportError", "ImportReport", "cbs_areas_import"]
