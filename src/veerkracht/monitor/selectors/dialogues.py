"""Read queries for Veerkrachtdialogen: lists, one dialogue, and per-area summaries that
count statements per learning key and resilience factor and set them beside the area's
indicators for the same factors."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from ..models import Dialogue, DialogueStatement, LearningKey
from .profiles import ProfileIndicator


def learning_key_list() -> QuerySet[LearningKey]:
    return LearningKey.objects.select_related("factor").order_by("position", "code")


def dialogue_list(*, area_code: str | None = None) -> QuerySet[Dialogue]:
    """Dialogues, newest first, with their statement and action counts."""
    queryset = Dialogue.objects.annotate(
        statement_count=Count("statements", distinct=True),
        action_count=Count("actions", distinct=True),
    ).order_by("-date", "-pk")
    if area_code:
        queryset = queryset.filter(area_code=area_code.strip().upper())
    return queryset


def dialogue_count() -> int:
    return Dialogue.objects.count()


def dialogue_get(*, pk: int) -> Dialogue | None:
    return (
        Dialogue.objects.prefetch_related(
            "statements__learning_key__factor", "actions__learning_key"
        )
        .filter(pk=pk)
        .first()
    )


@dataclass
class KeyCount:
    key: LearningKey
    mentions: int
    strengths: int
    concerns: int


@dataclass
class FactorSummary:
    factor_slug: str
    factor_name: str
    mentions: int = 0
    strengths: int = 0
    concerns: int = 0
    indicators: list[ProfileIndicator] = field(default_factory=list)


def dialogue_key_counts(*, area_code: str | None = None) -> list[KeyCount]:
    """Mentions per learning key (with strengths and concerns), most mentioned first."""
    statements = DialogueStatement.objects.all()
    if area_code:
        statements = statements.filter(dialogue__area_code=area_code.upper())
    totals = statements.values("learning_key").annotate(
        total=Sum("mentions"),
        strengths=Sum("mentions", filter=Q(tone=DialogueStatement.Tone.STRENGTH)),
        concerns=Sum("mentions", filter=Q(tone=DialogueStatement.Tone.CONCERN)),
    )
    keys = {key.pk: key for key in learning_key_list()}
    counts = [
        KeyCount(
            key=keys[row["learning_key"]],
            mentions=row["total"] or 0,
            strengths=row["strengths"] or 0,
            concerns=row["concerns"] or 0,
        )
        for row in totals
        if row["learning_key"] in keys
    ]
    counts.sort(key=lambda item: (-item.mentions, item.key.position, item.key.code))
    return counts


def factor_comparison(
    *, key_counts: list[KeyCount], indicators: list[ProfileIndicator]
) -> list[FactorSummary]:
    """Per resilience factor: what came up in dialogues beside the indicators of that factor."""
    summaries: dict[str, FactorSummary] = {}
    for count in key_counts:
        factor = count.key.factor
        summary = summaries.setdefault(
            factor.slug, FactorSummary(factor_slug=factor.slug, factor_name=factor.label())
        )
        summary.mentions += count.mentions
        summary.strengths += count.strengths
        summary.concerns += count.concerns
    for item in indicators:
        factor = item.indicator.factor
        if factor is not None and factor.slug in summaries:
            summaries[factor.slug].indicators.append(item)
    return sorted(summaries.values(), key=lambda summary: (-summary.mentions, summary.factor_slug))
