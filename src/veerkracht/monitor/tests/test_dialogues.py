"""Veerkrachtdialogen: services (capability, audit, validation), staff and public pages,
the API and the synthetic demo seed."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from veerkracht.core.models import AuditRecord, Municipality, ResilienceFactor, Role
from veerkracht.core.tests.factories import MunicipalityFactory, ProvinceFactory, UserFactory
from veerkracht.monitor.demo_dialogues import DIALOGUES
from veerkracht.monitor.models import Dialogue, DialogueAction, DialogueStatement, LearningKey
from veerkracht.monitor.services import dialogues as services

from .factories_pages import ActionFactory, DialogueFactory, LearningKeyFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    return MunicipalityFactory(code="GM9001", name="Teststad", province=ProvinceFactory())


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.Code.CONTACT_TEAM])


@pytest.fixture
def key():
    return LearningKeyFactory(code="rondkomen")


def record(actor, **overrides):
    values = {
        "actor": actor,
        "date": datetime.date(2025, 5, 1),
        "place": "Buurthuis",
        "level": "gemeente",
        "area_code": "gm9001",
        "participants": 12,
        "facilitator": "Contactteam",
        "summary": "Samenvatting",
    }
    values.update(overrides)
    return services.dialogue_record(**values)


# --- services --------------------------------------------------------------------------


def test_dialogue_record_is_audited(area, staff):
    dialogue = record(staff)
    assert dialogue.area_code == "GM9001" and dialogue.recorded_by == staff
    audit = AuditRecord.objects.get(action="dialogue.record")
    assert audit.object_id == str(dialogue.pk) and audit.after["place"] == "Buurthuis"


@pytest.mark.parametrize("role", [None, Role.Code.INITIATOR])
def test_dialogue_record_needs_capability(area, role):
    actor = UserFactory(roles=[role]) if role else None
    with pytest.raises(PermissionDenied):
        record(actor)
    assert not Dialogue.objects.exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"area_code": "GM1234"}, "area_code"),
        ({"level": "wijk"}, "area_code"),
        ({"participants": 0}, "participants"),
        ({"place": "  "}, "place"),
    ],
)
def test_dialogue_record_validates(area, staff, overrides, field):
    with pytest.raises(ValidationError) as error:
        record(staff, **overrides)
    assert field in error.value.message_dict
    assert not Dialogue.objects.exists() and not AuditRecord.objects.exists()


def test_dialogue_update(area, staff):
    dialogue = record(staff)
    services.dialogue_update(actor=staff, dialogue=dialogue, participants=20, summary=" Nieuw ")
    dialogue.refresh_from_db()
    assert dialogue.participants == 20 and dialogue.summary == "Nieuw"
    audit = AuditRecord.objects.get(action="dialogue.update")
    assert audit.before["participants"] == 12 and audit.after["participants"] == 20
    with pytest.raises(ValidationError):
        services.dialogue_update(actor=staff, dialogue=dialogue, area_code="GM0000")
    with pytest.raises(PermissionDenied):
        services.dialogue_update(actor=UserFactory(), dialogue=dialogue, participants=3)


def test_statements_and_actions(area, staff, key):
    dialogue = record(staff)
    statement = services.statement_add(
        actor=staff,
        dialogue=dialogue,
        text="Geldzorgen",
        learning_key=key,
        tone="concern",
        mentions=3,
    )
    assert statement.mentions == 3
    with pytest.raises(ValidationError):
        services.statement_add(actor=staff, dialogue=dialogue, text=" ", learning_key=key)
    with pytest.raises(ValidationError):
        services.statement_add(
            actor=staff, dialogue=dialogue, text="x", learning_key=key, tone="angry"
        )
    action = services.action_add(
        actor=staff, dialogue=dialogue, description="Spreekuur", learning_key=key
    )
    assert action.status == DialogueAction.Status.PROPOSED
    services.action_status_set(actor=staff, action=action, status="started")
    action.refresh_from_db()
    assert action.status == "started"
    with pytest.raises(ValidationError):
        services.action_status_set(actor=staff, action=action, status="unknown")
    with pytest.raises(PermissionDenied):
        services.action_add(actor=None, dialogue=dialogue, description="x")
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "dialogue.statement_add",
        "dialogue.action_add",
        "dialogue.action_status_set",
    } <= actions


def test_learning_keys_load_maps_to_factors():
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    created, updated = services.learning_keys_load()
    assert created == LearningKey.objects.count() >= 12 and updated == 0
    assert services.learning_keys_load() == (0, created)
    assert set(LearningKey.objects.values_list("factor__slug", flat=True)) <= set(
        ResilienceFactor.objects.values_list("slug", flat=True)
    )


# --- pages -----------------------------------------------------------------------------


def test_public_list_and_detail(client, area, key, django_assert_max_num_queries):
    dialogue = DialogueFactory(area_code="GM9001", synthetic=True)
    for _ in range(3):
        StatementFactory(dialogue=dialogue, learning_key=key, mentions=2)
    ActionFactory(dialogue=dialogue, learning_key=key)
    DialogueFactory(area_code="GM9002", place="Elders")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("monitor:dialogue_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<li data-dialogue="') == 2
    assert 'data-learning-key="rondkomen" data-mentions="6"' in content
    assert 'data-synthetic="true"' in content
    assert reverse("monitor:dialogue_create").encode() not in response.content

    response = client.get(reverse("monitor:dialogue_list"), {"area": "gm9001"})
    assert response.content.decode().count('<li data-dialogue="') == 1
    assert b"Elders" not in response.content

    response = client.get(reverse("monitor:dialogue_detail", kwargs={"pk": dialogue.pk}))
    assert response.status_code == 200
    assert b'data-testid="statement-form"' not in response.content
    assert b'data-synthetic="true"' in response.content
    assert client.get("/monitor/dialogen/99999/").status_code == 404


def test_staff_pages_need_capability(client, area):
    dialogue = DialogueFactory()
    create = reverse("monitor:dialogue_create")
    assert client.get(create).status_code == 302  # to the login page
    client.force_login(UserFactory(roles=[Role.Code.INITIATOR]))
    assert client.get(create).status_code == 403
    url = reverse("monitor:statement_add", kwargs={"pk": dialogue.pk})
    assert client.post(url, {"statement-text": "x"}).status_code == 403


def test_staff_records_a_dialogue(client, area, staff, key):
    client.force_login(staff)
    response = client.get(reverse("monitor:dialogue_create"))
    assert response.status_code == 200
    response = client.post(
        reverse("monitor:dialogue_create"),
        {
            "date": "2025-06-01",
            "place": "Wijkcentrum",
            "level": "gemeente",
            "area_code": "GM9001",
            "participants": "15",
            "facilitator": "Opbouwwerk",
            "summary": "Over geld",
        },
    )
    dialogue = Dialogue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:dialogue_detail", kwargs={"pk": dialogue.pk})
    response = client.get(response["Location"])
    assert b'data-testid="statement-form"' in response.content

    response = client.post(
        reverse("monitor:statement_add", kwargs={"pk": dialogue.pk}),
        {
            "statement-text": "Geldzorgen",
            "statement-learning_key": key.pk,
            "statement-tone": "concern",
            "statement-mentions": "2",
        },
    )
    assert response.status_code == 302
    assert DialogueStatement.objects.get().learning_key == key
    response = client.post(
        reverse("monitor:action_add", kwargs={"pk": dialogue.pk}),
        {"action-description": "Spreekuur", "action-learning_key": key.pk},
    )
    assert response.status_code == 302
    action = DialogueAction.objects.get()
    client.post(reverse("monitor:action_status", kwargs={"pk": action.pk}), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"

    response = client.post(
        reverse("monitor:statement_add", kwargs={"pk": dialogue.pk}),
        {"statement-text": "", "statement-learning_key": key.pk},
    )
    assert response.status_code == 400

    response = client.post(
        reverse("monitor:dialogue_edit", kwargs={"pk": dialogue.pk}),
        {
            "date": "2025-06-01",
            "place": "Wijkcentrum",
            "level": "gemeente",
            "area_code": "GM7777",
            "participants": "15",
            "facilitator": "Opbouwwerk",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["area_code"]


# --- API -------------------------------------------------------------------------------


def test_api_dialogues(client, area, key):
    dialogue = DialogueFactory(area_code="GM9001", synthetic=True)
    StatementFactory(dialogue=dialogue, learning_key=key, tone="strength", mentions=4)
    ActionFactory(dialogue=dialogue, learning_key=None, description="Buurtbus")
    DialogueFactory(area_code="GM9002")
    response = client.get("/api/v1/monitor/dialogues")
    assert response.status_code == 200
    assert len(response.json()) == 2
    response = client.get("/api/v1/monitor/dialogues", {"area": "GM9001"})
    (item,) = response.json()
    assert item["id"] == dialogue.pk and item["synthetic"] is True
    assert item["statements"] == [
        {
            "text": dialogue.statements.get().text,
            "learning_key": "rondkomen",
            "factor": key.factor.slug,
            "tone": "strength",
            "mentions": 4,
        }
    ]
    assert item["actions"] == [
        {"description": "Buurtbus", "learning_key": None, "status": "proposed"}
    ]
    assert "recorded_by" not in item
    assert client.get("/api/v1/monitor/dialogues", {"area": "x; drop"}).status_code == 422


# --- demo ------------------------------------------------------------------------------


def test_seed_dialogues_is_synthetic_and_idempotent():
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    province = ProvinceFactory()
    for code in {item[0] for item in DIALOGUES}:
        MunicipalityFactory(code=code, name=code, province=province)
    out = io.StringIO()
    call_command("seed_dialogues", stdout=out)
    assert Dialogue.objects.count() == len(DIALOGUES) == 12
    assert not Dialogue.objects.filter(synthetic=False).exists()
    assert DialogueStatement.objects.exists() and DialogueAction.objects.exists()
    assert Dialogue.objects.filter(area_code="GM0794").count() == 2
    call_command("seed_dialogues", stdout=io.StringIO())
    assert Dialogue.objects.count() == 12


def test_seed_dialogues_needs_areas():
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    Municipality.objects.all().delete()
    with pytest.raises(Exception, match="import_cbs_areas"):
        call_command("seed_dialogues", stdout=io.StringIO())
