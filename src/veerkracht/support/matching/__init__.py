"""The explainable matching engine (see docs/matching.md).

from veerkracht.support.matching import MatchQuery, match_offers
match_offers(MatchQuery(text="...", themes=["verbinding"], municipality="GM0772"))
"""

from .engine import MAX_TEXT_CHARS, MatchQuery, OfferMatch, match_offers
from .index import offer_index, reset_index
from .scoring import WEIGHTS

__all__ = [
    "MAX_TEXT_CHARS",
    "WEIGHTS",
    "MatchQuery",
    "OfferMatch",
    "match_offers",
    "offer_index",
    "reset_index",
]
