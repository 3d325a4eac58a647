"""The demo data: the documents' initiatives, built through the services, idempotently."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from veerkracht.core.geo import locate, reset_locate_index
from veerkracht.core.models import AuditRecord
from veerkracht.core.services.geography import cbs_areas_import
from veerkracht.core.services.reference import reference_load
from veerkracht.core.tests.geodata import shipped_gemeenten
from veerkracht.initiatives.demo import DEMO_FILE, DemoError, demo_initiatives_seed
from veerkracht.initiatives.models import (
    ContactMoment,
    Initiative,
    IntakeState,
    MatchDecision,
    MatchMeeting,
    SupportNeed,
    SupportOffer,
    SupportTrajectory,
    TimelineEvent,
)
from veerkracht.initiatives.workflows import INTAKE

pytestmark = pytest.mark.django_db

DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
MODELS = (
    SupportOffer,
    Initiative,
    ContactMoment,
    MatchMeeting,
    MatchDecision,
    SupportNeed,
    SupportTrajectory,
    TimelineEvent,
)


@pytest.fixture
def brabant():
    """The served province's 56 municipalities from the shipped CBS file, and the vocabularies."""
    data = shipped_gemeenten()
    data["features"] = [
        f for f in data["features"] if f["properties"].get("provinciecode") == "PV30"
    ]
    cbs_areas_import(actor=None, path_or_data=data)
    reset_locate_index()
    reference_load(actor=None)
    yield
    reset_locate_index()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_needs_the_areas_and_reference_data():
    with pytest.raises(DemoError, match="import_cbs_areas"):
        demo_initiatives_seed()


def test_seeding_twice_gives_the_same_demo(brabant, mailoutbox, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_initiatives", stdout=out, stderr=StringIO())
    first = counts()
    assert "Demo initiatives seeded" in out.getvalue()
    assert first["Initiative"] == len(DEMO["initiatives"])
    assert first["SupportOffer"] == len(DEMO["offers"])
    # The demo sign-ups send no confirmation e-mail to their example addresses.
    assert mailoutbox == []

    out = StringIO()
    call_command("seed_initiatives", stdout=out, stderr=StringIO())

    assert counts() == first
    assert "nothing new" in out.getvalue()
    assert demo_initiatives_seed().total_created == 0


def check_slowcare_is_published_in_oss_with_a_real_history():
    slowcare = Initiative.objects.get(name="Slowcare")

    assert slowcare.published is True
    assert slowcare.municipality_id == "GM0828"
    assert locate(slowcare.latitude, slowcare.longitude).municipality_code == "GM0828"
    kinds = set(slowcare.timeline.values_list("kind", flat=True))
    assert {TimelineEvent.Kind.CONTACT, TimelineEvent.Kind.DECISION} <= kinds
    assert slowcare.contact_moments.filter(kind=ContactMoment.Kind.PHONE_CALL).exists()
    assert slowcare.contact_moments.filter(kind=ContactMoment.Kind.VISIT).exists()
    decision = slowcare.match_decisions.get()
    assert decision.outcome == MatchDecision.Outcome.FITS
    assert decision.meeting.date.year == 2017
    loan = slowcare.trajectories.get(offer__slug="lening-ontwikkelbedrijf")
    assert loan.delivered_by.slug == "ontwikkelbedrijf-noord-brabant"
    assert loan.end_date.isoformat() == "2018-06-29"
    # The timeline reads in the documents' order and dates.
    first = slowcare.timeline.order_by("at", "pk").first()
    assert first.kind == TimelineEvent.Kind.CREATED and first.at.year == 2017


def check_every_intake_went_through_allowed_steps_only():
    """Replay each initiative's intake from the audit trail against the declared workflow."""
    allowed = {(source, t.target) for t in INTAKE.transitions for source in t.sources}
    for initiative in Initiative.objects.all():
        records = AuditRecord.objects.filter(
            object_type="initiatives.initiative", object_id=str(initiative.pk)
        ).order_by("pk")
        steps = [
            (r.before["intake_state"], r.after["intake_state"])
            for r in records
            if r.before and "intake_state" in r.before and r.after
        ]
        state = IntakeState.SIGNED_UP if initiative.source == "signup" else IntakeState.SCOUTED
        for before, after in steps:
            assert before == state, initiative.name
            assert (before, after) in allowed, (initiative.name, before, after)
            state = after
        assert state == initiative.intake_state, initiative.name


def check_the_demo_shows_every_part_of_the_process():
    states = set(Initiative.objects.values_list("intake_state", flat=True))
    # The contact team's queue and pipeline have something in them ...
    assert {IntakeState.SIGNED_UP, IntakeState.VISIT_PLANNED} <= states
    # ... and the histories reach support, closing and stopping.
    assert {IntakeState.IN_SUPPORT, IntakeState.CLOSED, IntakeState.STOPPED} <= states
    stopped = Initiative.objects.get(name="Eenzaamheid")
    assert stopped.intake_state == IntakeState.STOPPED
    assert "lokale keuzes" in stopped.phase_reason
    assert stopped.published is False

    held = MatchMeeting.objects.filter(status=MatchMeeting.Status.HELD)
    assert held.count() >= 3
    assert all(2017 <= m.date.year <= 2019 for m in held)
    assert MatchMeeting.objects.filter(items__isnull=False).distinct().count() == held.count()
    assert MatchDecision.objects.filter(outcome=MatchDecision.Outcome.MORE_INFORMATION).exists()
    assert SupportNeed.objects.filter(status=SupportNeed.Status.APPROVED).exists()
    assert SupportNeed.objects.filter(status=SupportNeed.Status.OPEN).exists()
    assert SupportTrajectory.objects.filter(rating__isnull=False).exists()


def check_money_and_hours_are_decimals_with_two_places():
    amounts = [n.amount for n in SupportNeed.objects.exclude(amount=None)]
    costs = [t.costs for t in SupportTrajectory.objects.exclude(costs=None)]
    hours = [t.hours for t in SupportTrajectory.objects.exclude(hours=None)]

    assert amounts and costs and hours
    for value in amounts + costs + hours:
        assert isinstance(value, Decimal)
        assert value.as_tuple().exponent == -2


def check_places_are_real_and_people_are_examples():
    for initiative in Initiative.objects.select_related("municipality"):
        assert initiative.municipality is not None, initiative.name
        found = locate(initiative.latitude, initiative.longitude)
        assert found.municipality_code == initiative.municipality_id, initiative.name
        assert initiative.contact_email.endswith("@example.org"), initiative.name
        assert initiative.contact_name.startswith("Voorbeeld"), initiative.name
        assert initiative.summary and initiative.description, initiative.name
        assert initiative.themes.exists() and initiative.factors.exists(), initiative.name
    names = set(Initiative.objects.values_list("name", flat=True))
    for pilot in (
        "Dementievriendelijke gemeenten",
        "Eenzaamheid",
        "Sociale Stad",
        "Dorpsmolen",
        "Toekomstvisie Altena",
        "In dialoog over VAB's",
        "In dialoog over NIMBY",
        "Slowcare",
        "Verspild Talent",
        "Lokaal Plus (wijkleerbedrijf)",
        "Digitale Agenda",
        "FlowKids",
        "Pilot Energietransitie voor Brabanders met een smalle beurs",
        "Proeftuin Sociaal Inkopen",
        "Pilot Vitaal Buitengebied Zundert",
        "Camping Fort Oranje",
    ):
        assert pilot in names
    dvg = Initiative.objects.get(name="Dementievriendelijke gemeenten")
    assert dvg.scope == "province"
    assert set(dvg.policy_agendas.values_list("slug", flat=True)) == {"natuur", "smart-health"}
    energy = Initiative.objects.get(name__startswith="Pilot Energietransitie")
    assert {"GM1721", "GM0758", "GM0796"} <= set(
        energy.municipalities.values_list("code", flat=True)
    )


def check_the_offers_come_from_the_reference_organisations():
    providers = dict(SupportOffer.objects.values_list("slug", "provider__slug"))

    assert providers["veerkrachtdialoog"] == "pon"
    assert providers["training-impactmonitoring"] == "avance-impact"
    assert providers["coaching-double-purpose"] == "double-purpose"
    assert providers["lokale-inbedding-knhm"] == "knhm"
    assert providers["lening-ontwikkelbedrijf"] == "ontwikkelbedrijf-noord-brabant"


# Seeding takes a few seconds: two tests share the checks above, one seed each.


def test_the_demo_tells_the_documents_story(brabant):
    demo_initiatives_seed()

    check_slowcare_is_published_in_oss_with_a_real_history()
    check_places_are_real_and_people_are_examples()
    check_the_offers_come_from_the_reference_organisations()


def test_the_demo_follows_the_workflow_and_shows_the_whole_process(brabant):
    demo_initiatives_seed()

    check_every_intake_went_through_allowed_steps_only()
    check_the_demo_shows_every_part_of_the_process()
    check_money_and_hours_are_decimals_with_two_places()
