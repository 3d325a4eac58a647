"""One-line reasons, in the active language, built from a result's strongest components.

The translated templates are looked up once per language (and plural form) and kept:
the batch builds hundreds of thousands of reasons.
"""

from functools import lru_cache

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from . import scoring

MAX_WORDS = 3
MAX_PARTS = 3


@lru_cache(maxsize=64)
def _templates(language: str | None) -> dict[str, str]:
    return {
        "quote": _("“%(word)s”"),
        "and": _("%(first)s and %(last)s"),
        "matches": _("matches %(words)s"),
        "phase": _("suits the initiative's phase"),
        "distance": _("provider close by"),
        "capacity": _("little capacity left this period"),
        "general": _("general match"),
    }


@lru_cache(maxsize=512)
def _plural(language: str | None, key: str, count: int) -> str:
    if key == "themes":
        return ngettext("same theme %(names)s", "same themes %(names)s", count)
    if key == "factors":
        return ngettext(
            "works on resilience factor %(names)s", "works on resilience factors %(names)s", count
        )
    return ngettext(
        "often helps (%(successes)d of %(trials)d trajectory succeeded)",
        "often helps (%(successes)d of %(trials)d trajectories succeeded)",
        count,
    )


def _joined(items: list[str], t: dict[str, str]) -> str:
    if len(items) == 1:
        return items[0]
    return t["and"] % {"first": ", ".join(items[:-1]), "last": items[-1]}


def matches_part(matched_words: list[str]) -> str:
    """'matches “a”, “b” and “c”' for the words a result shares with the question."""
    t = _templates(get_language())
    words = _joined([t["quote"] % {"word": m} for m in matched_words[:MAX_WORDS]], t)
    return t["matches"] % {"words": words}


def compose(parts: list[tuple[float, str]], language: str | None = None) -> str:
    """Join the strongest parts (by weighted contribution) into one sentence."""
    chosen = [text for _weight, text in sorted(parts, key=lambda p: -p[0])[:MAX_PARTS]]
    if not chosen:
        return _templates(language or get_language())["general"]
    sentence = "; ".join(chosen)
    return sentence[:1].upper() + sentence[1:]


def offer_reason(
    *,
    components: dict[str, float],
    matched_words: list[str],
    theme_names: list[str],
    factor_names: list[str],
    successes: int,
    trials: int,
    province_wide: bool,
) -> str:
    language = get_language()
    t = _templates(language)
    w = scoring.WEIGHTS
    parts: list[tuple[float, str]] = []
    if matched_words and components["text"] > 0:
        # The text always leads when it found something: it is what people recognise.
        parts.append((1.0 + w["text"] * components["text"], matches_part(matched_words)))
    if theme_names:
        text = _plural(language, "themes", len(theme_names)) % {"names": _joined(theme_names, t)}
        parts.append((w["themes"] * components["themes"], text))
    if factor_names:
        text = _plural(language, "factors", len(factor_names)) % {"names": _joined(factor_names, t)}
        parts.append((w["factors"] * components["factors"], text))
    if trials and successes / trials >= 0.6:
        text = _plural(language, "track", trials) % {"successes": successes, "trials": trials}
        parts.append((w["track_record"] * components["track_record"], text))
    if components.get("phase", 0) >= 1.0:
        parts.append((w["phase"] * 0.5, t["phase"]))
    if not province_wide and components.get("distance", 0) >= 0.8:
        parts.append((w["distance"] * 0.5, t["distance"]))
    if components.get("capacity", 1) < 0.25:
        parts.append((0.001, t["capacity"]))
    return compose(parts, language)
