"""Demo data for the forum: categories and Dutch threads about the demo initiatives.

Run after `seed_initiatives` (command `seed_forum`). The threads are written by the
demo accounts of `core` (created here when missing) and refer to the demo initiatives
and support offers when those exist. Threads are stored directly, not through the
services, so that no rate limit applies and no e-mail goes out, and dated in the
recent past so that the forum reads as a lively one. One audit record per thread notes
that the seed created it.

Idempotent: categories are matched by slug, threads by title.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from veerkracht.core.models import Role, Theme, User
from veerkracht.core.services.audit import audit_record
from veerkracht.core.services.demo import DemoAccount, demo_accounts_create, demo_email
from veerkracht.initiatives.models import Initiative, SupportOffer

from .models import Follow, ForumCategory, Post, Thread, Visibility

R = Role.Code

CATEGORIES = [
    {
        "slug": "hulpvragen",
        "name": "Hulpvragen",
        "description": "Vragen van initiatieven aan elkaar en aan organisaties die ondersteunen.",
    },
    {
        "slug": "aanbod",
        "name": "Aanbod",
        "description": "Hulp, kennis, ruimte of materiaal die je met andere initiatieven deelt.",
    },
    {
        "slug": "impact-meten",
        "name": "Impact meten",
        "description": "Wat levert je initiatief op, en hoe laat je dat zien?",
    },
    {
        "slug": "financiering",
        "name": "Financiering",
        "description": "Fondsen, leningen, sociaal inkopen en andere manieren om rond te komen.",
    },
    {
        "slug": "nieuwe-initiatieven",
        "name": "Nieuwe initiatieven voorstellen",
        "description": "Stel een nieuw initiatief voor en vind mensen die meedenken.",
        "premoderated": True,
    },
]

# Each thread: category, kind, author role, days ago, initiative and offer (by name and
# slug), themes (slugs), opening text, replies (role, hours after the opening, text),
# the index of the accepted reply, and whether it still waits for a moderator.
THREADS: list[dict[str, Any]] = [
    {
        "category": "hulpvragen",
        "kind": Thread.Kind.QUESTION,
        "title": "Hoe houden we vrijwilligers in een wijkleerbedrijf betrokken?",
        "author": R.INITIATOR,
        "days_ago": 12,
        "initiative": "Lokaal Plus (wijkleerbedrijf)",
        "themes": ["verbinding", "sociaal-ondernemen"],
        "body": (
            "In ons wijkleerbedrijf werken buurtbewoners samen met deelnemers die een "
            "leerwerkplek hebben. De vaste kern van vrijwilligers raakt na een jaar vaak "
            "vermoeid. Hoe zorgen jullie dat vrijwilligers blijven en nieuwe mensen "
            "instromen? We zijn vooral benieuwd naar wat in een wijk met veel huurwoningen "
            "werkt."
        ),
        "replies": [
            (
                R.SUPPORT_PROVIDER,
                5,
                "Wat bij ons hielp: vrijwilligers een eigen rol geven met een duidelijk "
                "begin en einde, bijvoorbeeld een klus van drie maanden. Mensen zeggen "
                "eerder ja als ze weten waar ze aan beginnen. En vier de afronding samen.",
            ),
            (
                R.CONTACT_TEAM,
                26,
                "Misschien interessant: het initiatief Sociale Stad in Helmond werkt met "
                "buurtbewoners als gastheer of gastvrouw per dagdeel. Zal ik jullie met "
                "elkaar in contact brengen?",
            ),
            (
                R.INITIATOR,
                30,
                "Graag! En dank voor de tip over klussen met een einddatum, dat gaan we "
                "in het voorjaar proberen.",
            ),
        ],
        "accepted": 0,
    },
    {
        "category": "impact-meten",
        "kind": Thread.Kind.QUESTION,
        "title": "Welke indicatoren gebruiken jullie voor een dementievriendelijke gemeente?",
        "author": R.INITIATOR,
        "days_ago": 9,
        "initiative": "Dementievriendelijke gemeenten",
        "themes": ["gezondheid", "verbinding"],
        "body": (
            "We willen na een jaar laten zien wat de trainingen voor winkelpersoneel en "
            "buurthuizen opleveren. Tellen hoeveel mensen een training volgden is "
            "makkelijk, maar zegt weinig. Wie heeft ervaring met betere maatstaven?"
        ),
        "replies": [
            (
                R.ANALYST,
                20,
                "Kijk naar wat mensen met dementie en hun mantelzorgers zelf ervaren: "
                "voelen ze zich welkom in de winkel of het buurthuis? Een korte "
                "vragenlijst voor en na, met dezelfde vragen, werkt vaak beter dan tellen.",
            ),
            (
                R.SUPPORT_PROVIDER,
                44,
                "De Quick scan impact in de catalogus is hiervoor bedoeld: in een "
                "middag zet je samen op papier welke verandering je zoekt en hoe je die "
                "meet.",
            ),
        ],
    },
    {
        "category": "aanbod",
        "kind": Thread.Kind.OFFER,
        "title": "Quick scan impact: nog plek voor drie initiatieven dit najaar",
        "author": R.SUPPORT_PROVIDER,
        "days_ago": 7,
        "offer": "impact-quick-scan",
        "themes": ["sociaal-ondernemen"],
        "body": (
            "Wij hebben dit najaar ruimte om met drie initiatieven een quick scan van "
            "hun impact te doen. Het kost je een dagdeel en je gaat naar huis met een "
            "eerste meetplan. Reageer hieronder of neem contact op via de catalogus."
        ),
        "replies": [
            (
                R.INITIATOR,
                3,
                "Voor Verspild Talent zouden we hier graag gebruik van maken. Past een "
                "datum in november?",
            ),
        ],
    },
    {
        "category": "financiering",
        "kind": Thread.Kind.QUESTION,
        "title": "Welk fonds past bij werk voor statushouders met een beroepsopleiding?",
        "author": R.INITIATOR,
        "days_ago": 5,
        "initiative": "Verspild Talent",
        "themes": ["sociaal-ondernemen", "verbinding"],
        "body": (
            "Verspild Talent helpt statushouders met een opleiding uit hun land van "
            "herkomst aan passend werk. De gemeentelijke subsidie loopt volgend jaar af. "
            "Welke fondsen of andere bronnen hebben jullie gebruikt voor een vergelijkbaar "
            "project?"
        ),
        "replies": [
            (
                R.PROGRAMME_STAFF,
                6,
                "Kijk ook naar sociaal inkopen: werkgevers en gemeenten kopen steeds vaker "
                "diensten in bij organisaties met maatschappelijke impact. In de catalogus "
                "staat een aanbod over fondsenwerving dat hierbij kan helpen.",
            ),
            (
                R.INVESTOR,
                28,
                "Als er een verdienmodel in zit, bijvoorbeeld bemiddeling die werkgevers "
                "betalen, is een lening met een zachte rente een optie. Dan is een "
                "businesscase de eerste stap.",
            ),
        ],
    },
    {
        "category": "hulpvragen",
        "kind": Thread.Kind.QUESTION,
        "title": "Ervaring met een coöperatie als rechtsvorm voor een dorpsinitiatief?",
        "author": R.INITIATOR,
        "days_ago": 2,
        "initiative": "Dorpsmolen",
        "themes": ["verbinding", "sociaal-ondernemen"],
        "body": (
            "We twijfelen tussen een stichting en een coöperatie. Een coöperatie maakt "
            "dorpsgenoten mede-eigenaar, maar lijkt meer werk. Wie wil zijn ervaring delen?"
        ),
        "replies": [],
    },
    {
        "category": "aanbod",
        "kind": Thread.Kind.OFFER,
        "title": "Veerkrachtdialoog in het voorjaar: gemeenten kunnen zich aanmelden",
        "author": R.MATCH_TEAM,
        "days_ago": 3,
        "offer": "veerkrachtdialoog",
        "themes": ["vertrouwen", "verbinding"],
        "body": (
            "In het voorjaar organiseren we weer Veerkrachtdialogen: gesprekken met "
            "inwoners, initiatieven en gemeente over wat hun buurt sterk maakt. Is jouw "
            "gemeente of regio geïnteresseerd? Laat het hier weten."
        ),
        "replies": [],
    },
    {
        "category": "nieuwe-initiatieven",
        "kind": Thread.Kind.QUESTION,
        "title": "Repair café in een dorpshuis: wie denkt mee over de opzet?",
        "author": R.INITIATOR,
        "days_ago": 1,
        "themes": ["verbinding"],
        "body": (
            "Met een paar buren willen we een maandelijks repair café beginnen in ons "
            "dorpshuis. Wie heeft tips over verzekering, gereedschap en het vinden van "
            "handige vrijwilligers?"
        ),
        "replies": [],
        "pending": True,
    },
]


@dataclass
class ForumDemoReport:
    accounts: list[DemoAccount] = field(default_factory=list)
    categories: int = 0
    threads: int = 0
    posts: int = 0


def _people() -> dict[str, User]:
    return {
        user.email: user
        for user in User.objects.filter(email__in=[demo_email(code) for code in R.values])
    }


@transaction.atomic
def demo_forum_seed() -> ForumDemoReport:
    """Create the forum categories and threads that are missing; report what was made."""
    report = ForumDemoReport()
    report.accounts = [a for a in demo_accounts_create() if a.password]
    people = _people()
    categories = {}
    for position, item in enumerate(CATEGORIES):
        category, created = ForumCategory.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "premoderated": item.get("premoderated", False),
                "position": position,
            },
        )
        categories[item["slug"]] = category
        report.categories += int(created)
    moderator = people.get(demo_email(R.CONTACT_TEAM))
    now = timezone.now()
    for item in THREADS:
        if Thread.objects.filter(title=item["title"]).exists():
            continue
        author = people[demo_email(item["author"])]
        opened = now - timedelta(days=item["days_ago"])
        pending = item.get("pending", False)
        visibility = Visibility.PENDING if pending else Visibility.PUBLISHED
        thread = Thread.objects.create(
            category=categories[item["category"]],
            kind=item["kind"],
            title=item["title"],
            author=author,
            initiative=Initiative.objects.filter(name=item.get("initiative") or "").first(),
            offer=SupportOffer.objects.filter(slug=item.get("offer") or "").first(),
            visibility=visibility,
            created_at=opened,
            last_activity_at=opened,
        )
        thread.themes.set(Theme.objects.filter(slug__in=item.get("themes", [])))
        Post.objects.create(
            thread=thread,
            author=author,
            body=item["body"],
            visibility=visibility,
            created_at=opened,
        )
        Follow.objects.get_or_create(thread=thread, user=author)
        report.posts += 1
        replies = []
        for role, hours, body in item["replies"]:
            at = opened + timedelta(hours=hours)
            replies.append(
                Post.objects.create(
                    thread=thread, author=people[demo_email(role)], body=body, created_at=at
                )
            )
            thread.last_activity_at = at
        report.posts += len(replies)
        if "accepted" in item:
            thread.accepted_post = replies[item["accepted"]]
        thread.save(update_fields=["last_activity_at", "accepted_post"])
        audit_record(
            actor=moderator,
            action="forum.demo_seed",
            obj=thread,
            after={"posts": 1 + len(replies), "visibility": visibility},
            note="demo data (seed_forum)",
        )
        report.threads += 1
    return report
