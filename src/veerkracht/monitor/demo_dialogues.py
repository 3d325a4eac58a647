"""Synthetic demo Veerkrachtdialogen: twelve invented sessions in Brabant municipalities,
inspired by the places the programme documents name (Helmond's Annawijk, the villages of
Altena, the outskirts of Zundert, the M7 cities). Every dialogue is stored with
`synthetic=True` and every page that shows one says so: none of these sessions took place.

`dialogues_demo_seed()` loads the learning keys and records the dialogues through the
services, as the programme staff demo account, so the audit trail is real. Idempotent:
a synthetic dialogue with the same place and date is left alone.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from veerkracht.core.models import Municipality, Role
from veerkracht.core.services.demo import DemoAccount, demo_account

from .models import Dialogue, LearningKey
from .services import dialogues as services

S, C, N = "strength", "concern", "neutral"

# (municipality code, place, date, participants, facilitator, summary,
#  statements [(learning key, tone, mentions, text)], actions [(learning key, text)])
DIALOGUES = [
    (
        "GM0794",
        "Buurthuis Annawijk, Helmond",
        date(2025, 3, 12),
        18,
        "Contactteam Stérk Brabant",
        "Bewoners van de Annawijk spraken over wat de wijk sterk maakt en waar zorgen zitten.",
        [
            ("elkaar-kennen", S, 6, "Veel bewoners wonen hier al lang en kennen elkaar."),
            ("rondkomen", C, 7, "Geldzorgen nemen toe; vaste lasten zijn moeilijk op te brengen."),
            (
                "vertrouwen-in-elkaar",
                C,
                4,
                "Weinig vertrouwen dat de gemeente iets met signalen doet.",
            ),
            ("samen-de-buurt", S, 3, "Het buurtfeest brengt elk jaar veel mensen op de been."),
        ],
        [
            ("rondkomen", "Een wekelijks spreekuur over geldzaken in het buurthuis."),
            ("vertrouwen-in-elkaar", "Vaste terugkoppeling van de gemeente in de bewonersavond."),
        ],
    ),
    (
        "GM0794",
        "Speeltuin Annawijk, Helmond",
        date(2025, 9, 24),
        11,
        "Opbouwwerk Helmond",
        "Tweede dialoog in de Annawijk, met jonge gezinnen.",
        [
            ("voorzieningen-dichtbij", C, 5, "Er is geen plek voor tieners in de wijk."),
            ("iemand-om-op-terug-te-vallen", S, 4, "Ouders helpen elkaar met halen en brengen."),
            ("digitaal-meedoen", C, 3, "Formulieren van instanties zijn alleen nog online."),
        ],
        [("voorzieningen-dichtbij", "Een tienerhonk in het oude schoolgebouw.")],
    ),
    (
        "GM1959",
        "Dorpshuis Woudrichem",
        date(2025, 2, 6),
        24,
        "Toekomstvisie Altena",
        "Inwoners van Woudrichem over leefbaarheid en meebeslissen in de nieuwe gemeente Altena.",
        [
            ("meedoen-en-meebeslissen", S, 6, "Bewonersgroepen worden echt betrokken bij plannen."),
            ("voorzieningen-dichtbij", C, 5, "De bushalte en de pinautomaat verdwijnen."),
            (
                "je-inzetten-voor-anderen",
                S,
                8,
                "Veel vrijwilligers voor de kerk, de sportclub en de zorg.",
            ),
        ],
        [("voorzieningen-dichtbij", "Een buurtbus naar Gorinchem op afroep.")],
    ),
    (
        "GM1959",
        "Kerkzaal Werkendam",
        date(2025, 4, 17),
        19,
        "Toekomstvisie Altena",
        "Over vertrouwen tussen dorp en gemeente na de herindeling.",
        [
            ("vertrouwen-in-elkaar", C, 6, "Het gemeentehuis voelt ver weg sinds de fusie."),
            ("samen-de-buurt", S, 5, "Het dorp regelt veel zelf, van kermis tot kerstmarkt."),
        ],
        [("vertrouwen-in-elkaar", "Een dorpsambtenaar met vaste spreekuren in het dorp.")],
    ),
    (
        "GM1959",
        "Dorpshuis Aalburg",
        date(2025, 10, 2),
        14,
        "Dorpsraad",
        "Ouderen en mantelzorgers over alleen wonen in een klein dorp.",
        [
            (
                "er-niet-alleen-voor-staan",
                C,
                6,
                "Na het overlijden van een partner raken mensen uit beeld.",
            ),
            ("je-inzetten-voor-anderen", S, 4, "Mantelzorgers vinden steun bij elkaar."),
        ],
        [("er-niet-alleen-voor-staan", "Een belcirkel voor alleenwonende ouderen.")],
    ),
    (
        "GM0879",
        "Boerderij in het buitengebied, Zundert",
        date(2025, 5, 21),
        16,
        "Vitaal Buitengebied Zundert",
        "Over lege agrarische gebouwen en de toekomst van het buitengebied.",
        [
            ("durven-veranderen", N, 4, "Boeren zoeken een nieuwe bestemming voor lege stallen."),
            ("prettig-wonen", C, 5, "Zorgen over verloedering en ondermijning in lege gebouwen."),
            ("werk-en-dagritme", S, 3, "Kleine bedrijfjes geven werk in het buitengebied."),
        ],
        [("prettig-wonen", "Een meldpunt en een jaarlijkse schouw van lege gebouwen.")],
    ),
    (
        "GM0879",
        "Dorpshuis Achtmaal, Zundert",
        date(2025, 11, 5),
        12,
        "Contactteam Stérk Brabant",
        "Inwoners over de opvang van gezinnen van een camping die sloot.",
        [
            ("iemand-om-op-terug-te-vallen", S, 4, "Buren vingen gezinnen op in de eerste weken."),
            ("zelf-de-regie", C, 3, "Gezinnen hebben weinig grip op waar ze terechtkomen."),
        ],
        [("zelf-de-regie", "Een vast aanspreekpunt per gezin.")],
    ),
    (
        "GM0828",
        "Wijkcentrum Oss-Schadewijk",
        date(2025, 6, 11),
        21,
        "Sociaal werk Oss",
        "Bewoners over gezondheid en bewegen in de wijk.",
        [
            ("gezond-leven", C, 6, "Weinig mensen bewegen genoeg; de sportclub is duur."),
            ("plezier-en-zingeving", S, 3, "De wandelgroep geeft mensen een doel in de week."),
        ],
        [("gezond-leven", "Gratis beweegmomenten in het park.")],
    ),
    (
        "GM0867",
        "Bibliotheek Waalwijk",
        date(2025, 3, 27),
        15,
        "Bibliotheek Midden-Brabant",
        "Over digitaal meedoen en hulp bij online zaken.",
        [
            ("digitaal-meedoen", C, 7, "Ouderen lopen vast bij DigiD en online bankieren."),
            ("je-inzetten-voor-anderen", S, 3, "Jongeren willen best helpen als vrijwilliger."),
        ],
        [("digitaal-meedoen", "Een digicafé met jongeren als vrijwilligers.")],
    ),
    (
        "GM0748",
        "Buurtkamer Gageldonk, Bergen op Zoom",
        date(2025, 7, 2),
        13,
        "Contactteam Stérk Brabant",
        "Over werk, dagritme en meedoen.",
        [
            ("werk-en-dagritme", C, 5, "Na ziekte is het moeilijk om weer aan het werk te gaan."),
            ("meedoen-en-meebeslissen", N, 2, "Bewoners willen meedenken over de buurtkamer."),
        ],
        [("werk-en-dagritme", "Werkervaringsplekken in de buurtkamer.")],
    ),
    (
        "GM1674",
        "Wijkgebouw Kalsdonk, Roosendaal",
        date(2025, 8, 28),
        17,
        "Sociaal werk Roosendaal",
        "Over eenzaamheid onder jongeren en ouderen.",
        [
            ("er-niet-alleen-voor-staan", C, 6, "Jongeren voelen zich na corona nog vaak alleen."),
            ("samen-de-buurt", S, 4, "Het samen-eten op vrijdag trekt jong en oud."),
        ],
        [("er-niet-alleen-voor-staan", "Een maatjesproject tussen jongeren en ouderen.")],
    ),
    (
        "GM0826",
        "Dorpshuis Den Hout, Oosterhout",
        date(2025, 10, 16),
        10,
        "Dorpsraad Den Hout",
        "Over voorzieningen en prettig wonen in het kerkdorp.",
        [
            ("prettig-wonen", S, 5, "Het dorp is groen, rustig en veilig."),
            ("voorzieningen-dichtbij", C, 4, "Er zijn geen woningen voor starters en ouderen."),
        ],
        [("voorzieningen-dichtbij", "Een inventarisatie van woonwensen in het dorp.")],
    ),
]


class DemoDialoguesError(Exception):
    """The reference data the demo needs is missing."""


@dataclass
class DialoguesDemoReport:
    learning_keys_created: int = 0
    dialogues_created: int = 0
    dialogues_total: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)


@transaction.atomic
def dialogues_demo_seed() -> DialoguesDemoReport:
    report = DialoguesDemoReport()
    try:
        created, _ = services.learning_keys_load()
    except Exception as error:  # missing resilience factors
        raise DemoDialoguesError(str(error)) from error
    report.learning_keys_created = created
    codes = {code for code, *_ in DIALOGUES}
    known = set(Municipality.objects.filter(code__in=codes).values_list("code", flat=True))
    if known != codes:
        raise DemoDialoguesError(
            "Municipalities missing: "
            + ", ".join(sorted(codes - known))
            + "; run import_cbs_areas."
        )
    actor, report.accounts = demo_account(Role.Code.PROGRAMME_STAFF)
    keys = {key.code: key for key in LearningKey.objects.all()}
    for code, place, day, participants, facilitator, summary, statements, actions in DIALOGUES:
        if Dialogue.objects.filter(place=place, date=day, synthetic=True).exists():
            continue
        dialogue = services.dialogue_record(
            actor=actor,
            date=day,
            place=place,
            level="gemeente",
            area_code=code,
            participants=participants,
            facilitator=facilitator,
            summary=summary,
            synthetic=True,
        )
        for key, tone, mentions, text in statements:
            services.statement_add(
                actor=actor,
                dialogue=dialogue,
                text=text,
                learning_key=keys[key],
                tone=tone,
                mentions=mentions,
            )
        for key, text in actions:
            services.action_add(
                actor=actor, dialogue=dialogue, description=text, learning_key=keys[key]
            )
        report.dialogues_created += 1
    report.dialogues_total = Dialogue.objects.filter(synthetic=True).count()
    return report
