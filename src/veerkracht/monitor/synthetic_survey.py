"""A synthetic survey of resilience (demo data, labelled synthetic everywhere).

Respondents are spread over the municipalities of a province (in proportion to their
population when CBS figures are loaded) and, where neighbourhoods are loaded, over the
neighbourhoods of their municipality. The outcome `veerkracht` (a score 1–10) follows a
known model, so the explanatory model and the small-area estimates can be checked
against the truth:

    y = 6.5 + 1.2 · (Σ_k b_k f_k + background + u_municipality + u_neighbourhood + e)

with unit-variance factor scores f_k (shown as scores 1–10), the effects b_k in
`KNOWN_EFFECTS`, a municipality effect that depends on urbanity (CBS) plus noise, and
noise e. None of this describes real people or places.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from veerkracht.core.models import AreaStatistics, Municipality, Neighbourhood, ResilienceFactor
from veerkracht.core.models.geography import AreaLevel

# The invented effects (per standard deviation of a factor score, before scaling).
KNOWN_EFFECTS: dict[str, float] = {
    "gezondheid": 0.45,
    "regie-eigen-leven": 0.40,
    "niet-eenzaam": 0.34,
    "financiele-zekerheid": 0.30,
    "sociale-contacten": 0.26,
    "geluk": 0.22,
    "vertrouwen": 0.19,
    "sociaal-netwerk-buurt": 0.16,
    "veranderingsbereidheid": 0.13,
    "zinvolle-daginvulling": 0.11,
    "sociale-cohesie-buurt": 0.09,
    "digitale-vaardigheden": 0.07,
    "vrijwilligerswerk": 0.05,
    "maatschappelijke-participatie": 0.04,
}
OTHER_EFFECT = 0.02
AGE_GROUPS = {"18-34": 0.0, "35-49": -0.05, "50-64": -0.02, "65-79": 0.05, "80+": -0.15}
SEXES = {"man": 0.0, "vrouw": 0.0, "anders": -0.1}
EDUCATION = {"laag": -0.15, "middelbaar": 0.0, "hoog": 0.12}
MUNICIPALITY_SD = 0.25
NEIGHBOURHOOD_SD = 0.15
NOISE_SD = 0.75


@dataclass
class SyntheticSurvey:
    frame: pd.DataFrame
    effects: dict[str, float]
    municipality_effects: dict[str, float]

    def to_csv(self) -> bytes:
        buffer = io.StringIO()
        self.frame.to_csv(buffer, index=False, float_format="%.2f")
        return buffer.getvalue().encode("utf-8")


def _or(value: float | None, default: float) -> float:
    return float(default if value is None else value)


def generate_survey(
    *, respondents: int = 10000, seed: int = 1, province: str = "PV30"
) -> SyntheticSurvey:
    """Invent a survey. Raises ValueError when no municipalities of the province exist."""
    rng = np.random.default_rng(seed)
    municipalities = list(
        Municipality.objects.filter(province_id=province)
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not municipalities:
        raise ValueError(f"No municipalities of {province} are loaded (run load_reference).")
    stats = {
        s.area_code: s
        for s in AreaStatistics.objects.filter(
            level=AreaLevel.MUNICIPALITY, area_code__in=municipalities
        ).order_by("area_code", "year")
    }
    population = np.array(
        [_or(getattr(stats.get(c), "population", None), 20000) for c in municipalities]
    )
    urbanity = np.array([_or(getattr(stats.get(c), "urbanity", None), 3) for c in municipalities])
    # More urban (lower CBS urbanity number) → a little less resilient, plus noise.
    municipality_effect = 0.08 * (urbanity - urbanity.mean()) + rng.normal(
        0, MUNICIPALITY_SD, size=len(municipalities)
    )
    where = rng.choice(len(municipalities), size=respondents, p=population / population.sum())
    municipality_codes = np.array(municipalities)[where]

    neighbourhoods: dict[str, list[str]] = {}
    for code, municipality in Neighbourhood.objects.filter(
        district__municipality__province_id=province
    ).values_list("code", "district__municipality_id"):
        neighbourhoods.setdefault(municipality, []).append(code)
    buurt = np.array([""] * respondents, dtype=object)
    buurt_effect = np.zeros(respondents)
    if neighbourhoods:
        all_codes = sorted(code for codes in neighbourhoods.values() for code in codes)
        effects = dict(
            zip(all_codes, rng.normal(0, NEIGHBOURHOOD_SD, size=len(all_codes)), strict=True)
        )
        for i, municipality in enumerate(municipality_codes):
            options = neighbourhoods.get(municipality)
            if options:
                buurt[i] = options[rng.integers(len(options))]
                buurt_effect[i] = effects[buurt[i]]

    slugs = list(
        ResilienceFactor.objects.order_by("position", "slug").values_list("slug", flat=True)
    )
    slugs = slugs or list(KNOWN_EFFECTS)
    effects = {slug: KNOWN_EFFECTS.get(slug, OTHER_EFFECT) for slug in slugs}
    age = rng.choice(list(AGE_GROUPS), size=respondents, p=[0.26, 0.24, 0.25, 0.18, 0.07])
    sex = rng.choice(list(SEXES), size=respondents, p=[0.49, 0.49, 0.02])
    education = rng.choice(list(EDUCATION), size=respondents, p=[0.3, 0.4, 0.3])
    latent = np.zeros(respondents)
    frame = pd.DataFrame({"respondent": np.arange(1, respondents + 1)})
    frame["gemeente"] = municipality_codes
    if neighbourhoods:
        frame["buurt"] = buurt
    frame["leeftijd"] = age
    frame["geslacht"] = sex
    frame["opleiding"] = education
    for slug, b in effects.items():
        z = rng.standard_normal(respondents)
        latent += b * z
        frame[slug] = np.clip(6.0 + 1.5 * z, 1.0, 10.0)
    background = (
        pd.Series(age).map(AGE_GROUPS).to_numpy()
        + pd.Series(sex).map(SEXES).to_numpy()
        + pd.Series(education).map(EDUCATION).to_numpy()
    )
    latent += background + municipality_effect[where] + buurt_effect
    latent += rng.normal(0, NOISE_SD, size=respondents)
    frame["veerkracht"] = np.clip(6.5 + 1.2 * latent, 1.0, 10.0)
    return SyntheticSurvey(
        frame=frame,
        effects=effects,
        municipality_effects={
            code: float(e) for code, e in zip(municipalities, municipality_effect, strict=True)
        },
    )
