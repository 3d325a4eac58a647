"""The code against the written policy (docs/permissions.md).

The policy's two tables are written from the programme's documents, independently of
`core.permissions.CAPABILITIES`; these tests parse them and compare:

- every capability in the code is in the policy and the other way round, and each role
  holds exactly the capabilities the policy gives it (checked with `has_capability` on a
  real person with that role);
- every named page of the site is in the policy, and each persona (anonymous, no role,
  each role) gets what the policy says over real HTTP: allowed (the page or action
  answers), refused (403, or the login page for anonymous visitors and for the admin
  site), or allowed only on their own object ("eigen"; someone else's answers 403).

A wrong declaration in a `permissions.py`, a missing check in a view or a page that is
not in the policy fails here.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from veerkracht.core.models import ErasureRequest, Role
from veerkracht.core.permissions import CAPABILITIES, has_capability
from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ProvinceFactory,
    UserFactory,
)
from veerkracht.initiatives.models import (
    IntakeState,
    MatchMeeting,
    SupportNeed,
    TimelineEvent,
)
from veerkracht.initiatives.tests.factories import (
    InitiativeFactory,
    MatchDecisionFactory,
    MatchMeetingFactory,
    SupportOfferFactory,
    SupportTrajectoryFactory,
)
from veerkracht.knowledge.tests.factories import ArticleFactory
from veerkracht.monitor.tests.factories import IndicatorFactory, ObservationImportFactory
from veerkracht.monitor.tests.factories_pages import (
    ActionFactory,
    DialogueFactory,
    IndexRunFactory,
)
from veerkracht.support.models import Question
from veerkracht.support.selectors.forum import thread_slug
from veerkracht.support.tests.factories import OfferFactory, QuestionFactory
from veerkracht.support.tests.forum_factories import (
    ForumCategoryFactory,
    PostFactory,
    ThreadFactory,
)

POLICY = Path(settings.BASE_DIR) / "docs" / "permissions.md"

ROLE_NAMES = {
    "initiatiefnemer": Role.Code.INITIATOR,
    "ondersteuner": Role.Code.SUPPORT_PROVIDER,
    "contactteam": Role.Code.CONTACT_TEAM,
    "matchteam": Role.Code.MATCH_TEAM,
    "programmateam": Role.Code.PROGRAMME_STAFF,
    "analist": Role.Code.ANALYST,
    "fondsbeheerder": Role.Code.FUND_MANAGER,
    "jurylid": Role.Code.JUROR,
    "investeerder": Role.Code.INVESTOR,
    "beheerder": Role.Code.ADMINISTRATOR,
}
ANONYMOUS, NO_ROLE = "anoniem", "geen rol"
PERSONAS = [ANONYMOUS, NO_ROLE, *ROLE_NAMES]
VALUES = {"ja", "nee", "eigen"}


def _table(header_start: str) -> list[dict[str, str]]:
    """The markdown table whose header row starts with `header_start`, as dicts."""
    lines = POLICY.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == len(header), line
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


def _code(cell: str) -> str:
    match = re.fullmatch(r"`([^`]+)`", cell)
    assert match, f"expected a `code` cell, got {cell!r}"
    return match.group(1)


def capability_policy() -> dict[str, dict[str, str]]:
    return {_code(row["bevoegdheid"]): row for row in _table("| bevoegdheid |")}


def page_policy() -> dict[str, dict[str, str]]:
    return {_code(row["pagina"]): row for row in _table("| pagina |")}


# --- the capability table ------------------------------------------------------------------


def test_the_policy_tables_are_well_formed():
    for name, row in capability_policy().items():
        for role in ROLE_NAMES:
            assert row[role] in {"ja", "nee"}, (name, role, row[role])
    for name, row in page_policy().items():
        for persona in PERSONAS:
            assert row[persona] in VALUES, (name, persona, row[persona])


def test_every_capability_is_in_the_policy_and_the_other_way_round():
    policy = set(capability_policy())
    code = set(CAPABILITIES)
    assert not code - policy, f"capabilities missing from docs/permissions.md: {code - policy}"
    assert not policy - code, f"capabilities in the policy but not in the code: {policy - code}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLE_NAMES))
def test_each_role_holds_exactly_what_the_policy_gives_it(role):
    user = UserFactory(roles=[ROLE_NAMES[role]])
    wrong = [
        f"{capability}: policy says {row[role]}, code says {has_capability(user, capability)}"
        for capability, row in capability_policy().items()
        if has_capability(user, capability) != (row[role] == "ja")
    ]
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


# --- every page in the policy --------------------------------------------------------------


def _site_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in {"admin", "api-v1"}:
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_page_of_the_site_is_in_the_policy():
    site = _site_url_names()
    policy = {name for name in page_policy() if not name.startswith("admin:")}
    assert not site - policy, f"pages missing from docs/permissions.md: {sorted(site - policy)}"
    assert not policy - site, f"pages in the policy that do not exist: {sorted(policy - site)}"


@dataclass
class Call:
    method: str
    url: str
    data: dict | None = None


class World:
    """One object for every page that needs one, owned by nobody among the personas."""

    def __init__(self, tmp_path):
        province = ProvinceFactory(code="PV30", name="Noord-Brabant")
        MunicipalityFactory(code="GM0828", name="Oss", province=province)
        self.other_org = OrganisationFactory(name="ZET", slug="zet")
        self.initiative = InitiativeFactory(name="Repair Café", contact_email="anna@example.org")
        self.trajectory = SupportTrajectoryFactory(
            initiative=self.initiative,
            offer=SupportOfferFactory(provider=self.other_org),
            delivered_by=self.other_org,
        )
        self.event = TimelineEvent.objects.create(
            initiative=self.initiative,
            kind=TimelineEvent.Kind.FILE,
            title="Verslag",
            attachment=SimpleUploadedFile("verslag.txt", b"verslag"),
        )
        self.meeting = MatchMeetingFactory(status=MatchMeeting.Status.PLANNED)
        self.item = MatchDecisionFactory(
            meeting=self.meeting,
            initiative=InitiativeFactory(published=False, intake_state=IntakeState.ON_AGENDA),
        )
        self.need = SupportNeed.objects.create(initiative=self.initiative, description="Coach")
        self.offer = OfferFactory(provider=self.other_org)
        self.question = QuestionFactory(initiative=self.initiative)
        self.category = ForumCategoryFactory()
        self.thread = ThreadFactory(category=self.category)
        self.post = PostFactory(thread=self.thread)
        self.article = ArticleFactory()
        self.indicator = IndicatorFactory(code="vertrouwen")
        self.data_import = ObservationImportFactory()
        self.index_run = IndexRunFactory()
        self.dialogue = DialogueFactory()
        self.action = ActionFactory(dialogue=self.dialogue)
        self.erasure = ErasureRequest.objects.create(user=UserFactory())

    def call(self, name: str) -> Call:
        """The request that uses a page: a GET, or the form a page's button posts."""
        i, t, m = self.initiative.pk, self.trajectory.pk, self.meeting.pk
        get, post = "GET", "POST"
        simple = {
            "core:home": (get, []),
            "core:area_list": (get, []),
            "core:area_detail": (get, ["GM0828"]),
            "core:login": (get, []),
            "core:logout": (post, []),
            "core:password_reset": (get, []),
            "core:password_reset_done": (get, []),
            "core:password_reset_confirm": (get, ["MQ", "set-password"]),
            "core:password_reset_complete": (get, []),
            "core:account": (get, []),
            "core:password_change": (get, []),
            "core:account_export": (get, []),
            "core:account_erasure": (get, []),
            "core:erasure_request_list": (get, []),
            "core:erasure_request_detail": (get, [self.erasure.pk]),
            "core:erasure_request_carry_out": (post, [self.erasure.pk]),
            "core:erasure_request_refuse": (post, [self.erasure.pk]),
            "core:audit_trail": (get, []),
            "initiatives:map": (get, []),
            "initiatives:detail": (get, [self.initiative.slug]),
            "initiatives:signup": (get, []),
            "initiatives:signup_done": (get, []),
            "initiatives:signup_confirm": (get, ["no-such-token"]),
            "initiatives:dashboard": (get, []),
            "initiatives:staff_initiative_list": (get, []),
            "initiatives:staff_scout": (get, []),
            "initiatives:staff_initiative": (get, [i]),
            "initiatives:staff_contact": (post, [i]),
            "initiatives:staff_note": (post, [i]),
            "initiatives:staff_agenda_add": (post, [i]),
            "initiatives:staff_initiative_edit": (get, [i]),
            "initiatives:staff_trajectory_propose": (post, [i]),
            "initiatives:staff_attachment": (get, [self.event.pk]),
            "initiatives:staff_trajectory": (get, [t]),
            "initiatives:staff_trajectory_step": (post, [t]),
            "initiatives:staff_trajectory_rating": (post, [t]),
            "initiatives:staff_trajectory_note": (post, [t]),
            "initiatives:provider_trajectories": (get, []),
            "initiatives:staff_meetings": (get, []),
            "initiatives:staff_meeting": (get, [m]),
            "initiatives:staff_meeting_build": (post, [m]),
            "initiatives:staff_meeting_add": (post, [m]),
            "initiatives:staff_meeting_decision": (post, [m, self.item.pk]),
            "initiatives:staff_meeting_close": (post, [m]),
            "initiatives:staff_meeting_minutes": (get, [m]),
            "initiatives:staff_support_needs": (get, []),
            "initiatives:staff_support_need_decide": (post, [self.need.pk]),
            "initiatives:export_csv": (get, []),
            "initiatives:export_xlsx": (get, []),
            "support:offer_list": (get, []),
            "support:offer_detail": (get, [self.offer.slug]),
            "support:provider_offers": (get, []),
            "support:offer_new": (get, []),
            "support:offer_edit": (get, [self.offer.slug]),
            "support:offer_submit": (post, [self.offer.slug]),
            "support:curation": (get, []),
            "support:offer_publish": (post, [self.offer.slug]),
            "support:offer_withdraw": (post, [self.offer.slug]),
            "support:question_list": (get, []),
            "support:question_public_list": (get, []),
            "support:question_detail": (get, [self.question.pk]),
            "support:question_edit": (get, [self.question.pk]),
            "support:question_new_on_behalf": (get, [i]),
            "support:my_initiatives": (get, []),
            "support:initiator_questions": (get, [self.initiative.slug]),
            "support:initiator_question_status": (
                post,
                [self.initiative.slug, self.question.pk],
            ),
            "support:forum": (get, []),
            "support:forum_thread_new": (get, []),
            "support:forum_moderation": (get, []),
            "support:forum_category": (get, [self.category.slug]),
            "support:forum_thread": (get, [self.thread.pk, thread_slug(self.thread)]),
            "support:forum_follow": (post, [self.thread.pk]),
            "support:forum_thread_moderate": (post, [self.thread.pk]),
            "support:forum_post_report": (get, [self.post.pk]),
            "support:forum_post_edit": (get, [self.post.pk]),
            "support:forum_post_accept": (post, [self.post.pk]),
            "support:forum_post_moderate": (post, [self.post.pk]),
            "support:forum_unfollow": (get, ["no-such-token"]),
            "support:matching_try": (get, []),
            "support:matching_proposals_create": (post, [i]),
            "support:matching_feedback": (post, [999999]),
            "support:matching_runs": (get, []),
            "support:matching_run": (get, ["no-such-run"]),
            "knowledge:article_list": (get, []),
            "knowledge:article_create": (get, []),
            "knowledge:article_detail": (get, [self.article.slug]),
            "knowledge:article_edit": (get, [self.article.slug]),
            "knowledge:article_publication": (post, [self.article.slug]),
            "knowledge:article_history": (get, [self.article.slug]),
            "knowledge:version_restore": (post, [self.article.slug, 1]),
            "knowledge:attachment_list": (get, [self.article.slug]),
            "knowledge:attachment_remove": (post, [self.article.slug, 999999]),
            "knowledge:attachment_download": (get, [self.article.slug, 999999]),
            "search:search": (get, []),
            "monitor:home": (get, []),
            "monitor:indicator_map": (get, [self.indicator.code]),
            "monitor:area_profile": (get, ["GM0828"]),
            "monitor:data_import": (get, []),
            "monitor:data_import_result": (get, [self.data_import.pk]),
            "monitor:index_runs": (get, []),
            "monitor:index_run": (get, [self.index_run.pk]),
            "monitor:index_run_publish": (post, [self.index_run.pk]),
            "monitor:model": (get, []),
            "monitor:estimates": (get, []),
            "monitor:model_manage": (get, []),
            "monitor:survey_upload": (post, []),
            "monitor:model_run_explanatory": (post, []),
            "monitor:model_run_small_area": (post, []),
            "monitor:model_run": (get, [999999]),
            "monitor:model_run_publish": (post, [999999]),
            "monitor:dialogue_list": (get, []),
            "monitor:dialogue_create": (get, []),
            "monitor:dialogue_detail": (get, [self.dialogue.pk]),
            "monitor:dialogue_edit": (get, [self.dialogue.pk]),
            "monitor:statement_add": (post, [self.dialogue.pk]),
            "monitor:action_add": (post, [self.dialogue.pk]),
            "monitor:action_status": (post, [self.action.pk]),
        }
        if name.startswith("admin:"):
            return Call("GET", reverse(name))
        if name == "initiatives:staff_initiative_step":
            # The step is checked after the form is read: send a real one.
            return Call(
                "POST",
                reverse(name, args=[i]),
                {"transition": "stop", "note": "Gestopt op eigen verzoek."},
            )
        method, args = simple[name]
        return Call(method, reverse(name, args=args))

    def own_call(self, name: str, user) -> Call:
        """The same request on an object of the user's own (for "eigen" cells)."""
        if name in {
            "initiatives:staff_trajectory",
            "initiatives:staff_trajectory_step",
            "initiatives:staff_trajectory_note",
        }:
            org = OrganisationFactory(name="Eigen organisatie", slug="eigen-organisatie")
            user.organisation = org
            user.save()
            own = SupportTrajectoryFactory(
                initiative=self.initiative, offer=SupportOfferFactory(provider=org)
            )
            return Call(*_method_url(self.call(name), name, [own.pk]))
        if name in {"support:offer_edit", "support:offer_submit"}:
            org = OrganisationFactory(name="Eigen aanbieder", slug="eigen-aanbieder")
            user.organisation = org
            user.save()
            own = OfferFactory(provider=org)
            return Call(*_method_url(self.call(name), name, [own.slug]))
        if name in {"support:initiator_questions", "support:initiator_question_status"}:
            own = InitiativeFactory(initiator=user)
            question = QuestionFactory(initiative=own, status=Question.Status.OPEN)
            if name.endswith("questions"):
                return Call(*_method_url(self.call(name), name, [own.slug]))
            url = reverse(name, args=[own.slug, question.pk])
            return Call("POST", url, {"status": Question.Status.CLOSED})
        if name in {"support:forum_post_edit", "support:forum_post_accept"}:
            thread = ThreadFactory(category=self.category, author=user)
            reply = PostFactory(thread=thread, author=user, created_at=timezone.now())
            return Call(*_method_url(self.call(name), name, [reply.pk]))
        raise AssertionError(f"no own object for {name}")


def _method_url(call: Call, name: str, args: list) -> tuple[str, str]:
    return call.method, reverse(name, args=args)


def _persona(persona: str):
    if persona == ANONYMOUS:
        return None
    if persona == NO_ROLE:
        return UserFactory()
    return UserFactory(roles=[ROLE_NAMES[persona]])


def _send(client, call: Call):
    if call.method == "POST":
        return client.post(call.url, call.data or {})
    return client.get(call.url)


def _refused(response, *, admin_site: bool) -> bool:
    location = response.get("Location", "")
    login = "/beheer/login/" if admin_site else reverse(settings.LOGIN_URL)
    return response.status_code == 403 or (
        response.status_code == 302 and location.startswith(login)
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_policy_says(client, persona, tmp_path):
    world = World(tmp_path)
    user = _persona(persona)
    if user is not None:
        client.force_login(user)
    failures = []
    for name, row in page_policy().items():
        expected = row[persona]
        admin_site = name.startswith("admin:")
        call = world.call(name)
        if user is not None:
            client.force_login(user)  # again: the logout row ends the session
        response = _send(client, call)
        if response.status_code >= 500 or response.status_code == 405:
            failures.append(f"{name}: {call.method} {call.url} answered {response.status_code}")
            continue
        refused = _refused(response, admin_site=admin_site)
        if expected == "ja" and refused:
            failures.append(f"{name}: policy ja, refused ({response.status_code})")
        elif expected in {"nee", "eigen"} and not refused:
            failures.append(f"{name}: policy {expected}, allowed ({response.status_code})")
        elif (
            expected == "nee"
            and persona != ANONYMOUS
            and not admin_site
            and response.status_code != 403
        ):
            failures.append(f"{name}: refused with {response.status_code}, not 403")
        if expected == "eigen":
            own = world.own_call(name, user)
            response = _send(client, own)
            if _refused(response, admin_site=False) or response.status_code >= 500:
                failures.append(
                    f"{name}: policy eigen, own object refused ({response.status_code})"
                )
    assert not failures, f"{persona}:\n" + "\n".join(failures)
