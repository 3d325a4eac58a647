"""Questions of initiatives: services, pages (staff, initiator, public) and the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.tests.factories import ThemeFactory, UserFactory
from veerkracht.initiatives.tests.factories import InitiativeFactory
from veerkracht.support.models import Question
from veerkracht.support.selectors.questions import (
    question_list_staff,
    questions_for_initiative,
    questions_public,
)
from veerkracht.support.services.questions import (
    QuestionData,
    QuestionError,
    question_create,
    question_status_set,
    question_update,
)

from .factories import QuestionFactory

pytestmark = pytest.mark.django_db

S = Question.Status
SECRET_NAME = "Geheime Invoerder"
SECRET_EMAIL = "geheim@example.org"


@pytest.fixture
def initiator():
    return UserFactory(roles=[Role.Code.INITIATOR])


@pytest.fixture
def initiative(initiator):
    return InitiativeFactory(name="Lokaal Plus", initiator=initiator)


@pytest.fixture
def contact_team():
    return UserFactory(roles=[Role.Code.CONTACT_TEAM])


# --- services ---


def test_initiator_asks_own_question(initiator, initiative):
    theme = ThemeFactory()
    question = question_create(
        actor=initiator,
        initiative=initiative,
        data=QuestionData(title="Hoe maken we impact zichtbaar?", themes=(theme,), public=True),
    )
    assert question.on_behalf is False
    assert question.entered_by == initiator
    assert list(question.themes.all()) == [theme]
    assert AuditRecord.objects.filter(action="question.create", object_id=str(question.pk)).exists()


def test_team_asks_on_behalf(contact_team, initiative):
    question = question_create(
        actor=contact_team, initiative=initiative, data=QuestionData(title="Vraag")
    )
    assert question.on_behalf is True


def test_others_cannot_ask(initiative):
    for user in (UserFactory(roles=[Role.Code.INITIATOR]), UserFactory(roles=[Role.Code.ANALYST])):
        with pytest.raises(PermissionDenied):
            question_create(actor=user, initiative=initiative, data=QuestionData(title="x"))


def test_validation(initiator, initiative):
    with pytest.raises(QuestionError) as error:
        question_create(
            actor=initiator, initiative=initiative, data=QuestionData(title=" ", kind="x")
        )
    assert {"title", "kind"} <= set(error.value.message_dict)


def test_update_audits_changes(initiator, initiative):
    question = QuestionFactory(initiative=initiative, title="Oud")
    question_update(actor=initiator, question=question, data=QuestionData(title="Nieuw"))
    record = AuditRecord.objects.get(action="question.update")
    assert record.before["title"] == "Oud" and record.after["title"] == "Nieuw"


def test_status_flow(contact_team, initiator, initiative):
    question = QuestionFactory(initiative=initiative)
    question = question_status_set(actor=contact_team, question=question, status=S.HELPING)
    question = question_status_set(
        actor=contact_team, question=question, status=S.ANSWERED, answer="Zie de training."
    )
    assert question.answer == "Zie de training."
    with pytest.raises(QuestionError):
        question_status_set(actor=contact_team, question=question, status=S.OPEN)
    question = question_status_set(actor=contact_team, question=question, status=S.CLOSED)
    # The initiator may reopen and close their own question, but not move it otherwise.
    question = question_status_set(actor=initiator, question=question, status=S.OPEN)
    assert question.status == S.OPEN
    with pytest.raises(PermissionDenied):
        question_status_set(actor=initiator, question=question, status=S.HELPING)
    with pytest.raises(PermissionDenied):
        question_status_set(
            actor=UserFactory(roles=[Role.Code.INITIATOR]), question=question, status=S.CLOSED
        )
    assert AuditRecord.objects.filter(action="question.status").count() == 4


def test_selectors(initiative):
    open_public = QuestionFactory(initiative=initiative, public=True)
    QuestionFactory(initiative=initiative, public=False)
    QuestionFactory(initiative=initiative, public=True, status=S.CLOSED)
    QuestionFactory(initiative=InitiativeFactory(published=False), public=True)
    urgent = QuestionFactory(initiative=initiative, urgency=Question.Urgency.HIGH)
    assert list(questions_public()) == [open_public]
    assert questions_for_initiative(initiative).count() == 4
    assert next(iter(question_list_staff())) == urgent
    closed = set(Question.objects.filter(status=S.CLOSED))
    assert set(question_list_staff(status=S.CLOSED)) == closed


# --- pages ---


def test_staff_list_and_detail(client, contact_team, initiative, django_assert_max_num_queries):
    theme = ThemeFactory()
    for _ in range(5):
        QuestionFactory(initiative=initiative, themes=[theme])
    answered = QuestionFactory(initiative=initiative, status=S.ANSWERED)
    client.force_login(contact_team)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("support:question_list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 6
    response = client.get(reverse("support:question_list"), {"status": "answered"})
    assert [q.pk for q in response.context["page"].object_list] == [answered.pk]

    question = Question.objects.filter(status=S.OPEN).first()
    response = client.post(
        reverse("support:question_detail", args=[question.pk]),
        {"status": "helping", "answer": ""},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == S.HELPING


def test_staff_pages_need_capability(client, initiator, initiative):
    question = QuestionFactory(initiative=initiative)
    client.force_login(initiator)
    assert client.get(reverse("support:question_list")).status_code == 403
    assert client.get(reverse("support:question_detail", args=[question.pk])).status_code == 403
    url = reverse("support:question_new_on_behalf", args=[initiative.pk])
    assert client.get(url).status_code == 403


def test_staff_adds_question_on_behalf_from_initiative_page(client, contact_team, initiative):
    client.force_login(contact_team)
    page = client.get(reverse("initiatives:staff_initiative", args=[initiative.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    url = reverse("support:question_new_on_behalf", args=[initiative.pk])
    assert f'href="{url}"' in html
    response = client.post(
        url, {"title": "Hulp bij een verdienmodel", "kind": "learning", "urgency": "normal"}
    )
    assert response.status_code == 302
    question = Question.objects.get(title="Hulp bij een verdienmodel")
    assert question.on_behalf and question.initiative == initiative
    html = client.get(reverse("initiatives:staff_initiative", args=[initiative.pk])).content
    assert f'data-question="{question.pk}"'.encode() in html


def test_staff_edits_question(client, contact_team, initiative):
    question = QuestionFactory(initiative=initiative)
    client.force_login(contact_team)
    url = reverse("support:question_edit", args=[question.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"title": "Aangepast", "kind": "help", "urgency": "high"})
    question.refresh_from_db()
    assert question.title == "Aangepast" and question.urgency == "high"


def test_initiator_page(client, initiator, initiative):
    client.force_login(initiator)
    assert client.get(reverse("support:my_initiatives")).status_code == 200
    url = reverse("support:initiator_questions", args=[initiative.slug])
    assert url == f"/mijn-initiatief/{initiative.slug}/vragen/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Hoe vinden we vrijwilligers?", "kind": "help", "urgency": "normal"}
    )
    assert response.status_code == 302
    question = Question.objects.get(title="Hoe vinden we vrijwilligers?")
    assert not question.on_behalf
    assert f'data-question="{question.pk}"' in client.get(url).content.decode()
    client.post(
        reverse("support:initiator_question_status", args=[initiative.slug, question.pk]),
        {"status": "closed"},
    )
    question.refresh_from_db()
    assert question.status == S.CLOSED


def test_initiator_page_of_another_initiative_is_403(client, initiative):
    client.force_login(UserFactory(roles=[Role.Code.INITIATOR]))
    url = reverse("support:initiator_questions", args=[initiative.slug])
    assert client.get(url).status_code == 403


def test_public_list_and_api_show_no_personal_data(client, initiative):
    entered_by = UserFactory(full_name=SECRET_NAME, email=SECRET_EMAIL)
    shown = QuestionFactory(initiative=initiative, public=True, entered_by=entered_by)
    hidden = QuestionFactory(initiative=initiative, public=False, title="Niet openbaar")
    response = client.get(reverse("support:question_public_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-question="{shown.pk}"' in html
    assert hidden.title not in html
    for secret in (SECRET_NAME, SECRET_EMAIL, initiative.contact_email):
        assert secret not in html

    response = client.get("/api/v1/questions")
    assert response.status_code == 200
    body = response.json()
    assert [q["id"] for q in body["results"]] == [shown.pk]
    assert body["results"][0]["initiative"]["slug"] == initiative.slug
    text = response.content.decode()
    for secret in (SECRET_NAME, SECRET_EMAIL, initiative.contact_email):
        assert secret not in text
