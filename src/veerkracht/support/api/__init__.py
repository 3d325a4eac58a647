"""Support API: the catalogue (/api/v1/offers), questions and the matching engine."""

from ninja import Router

from . import matching, offers, questions

router = Router()
router.add_router("", offers.router)
router.add_router("", questions.router)
router.add_router("", matching.router)
