"""Monitor API, mounted at /api/v1/monitor/."""

from ninja import Router

from . import data, dialogues, index, models

router = Router()
router.add_router("", data.router)
router.add_router("", index.router)
router.add_router("", models.router)
router.add_router("", dialogues.router)
