"""The matching score: a weighted sum of components, each between 0 and 1.

All weights live here. A result's score is ``sum(WEIGHTS[c] * components[c])``, so the
components the API and the match team see add up (with these weights) to the score.

- text: BM25 relevance of the offer's words to the question (title counts 3x, summary
  2x, description, kind, themes, factors and provider 1x), divided by the best text
  score of this query, so the best text match is 1;
- themes / factors: the share of the question's themes / resilience factors the offer
  also names (0 when the question names none);
- phase: 1 when the offer names the initiative's phase, PHASE_ANY when it suits every
  phase, 0 when it names other phases; PHASE_UNKNOWN when the phase is not known;
- distance: 1 at the initiative's municipality, falling off with the distance to where
  the provider is based (half at DISTANCE_HALF_KM); province-wide offers and unknown
  places get NEUTRAL;
- capacity: the share of this period's capacity still free (1 without a limit);
- track_record: the offer's success rate in finished trajectories and in proposals
  the team marked "helped", smoothed with a prior of PRIOR_RATE counted PRIOR_WEIGHT
  times, so a new offer starts at PRIOR_RATE instead of zero.
"""

WEIGHTS: dict[str, float] = {
    "text": 0.50,
    "themes": 0.09,
    "factors": 0.07,
    "phase": 0.08,
    "distance": 0.05,
    "capacity": 0.05,
    "track_record": 0.16,
}
COMPONENTS = tuple(WEIGHTS)

NEUTRAL = 0.5
PHASE_ANY = 0.6
PHASE_UNKNOWN = 0.5
DISTANCE_HALF_KM = 25.0
PRIOR_RATE = 0.5
PRIOR_WEIGHT = 3.0
# A trajectory counts as a success with a rating of 4 or 5, or when finished unrated.
SUCCESS_RATING = 4


def smoothed_rate(successes: float, trials: float) -> float:
    return (successes + PRIOR_RATE * PRIOR_WEIGHT) / (trials + PRIOR_WEIGHT)
