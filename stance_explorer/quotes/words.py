"""Word lists for finding and attributing quotes in English and Spanish news text.

Kept apart from the extractor so that the rules read as code and the vocabulary as data.
"""

from __future__ import annotations

import functools
import unicodedata

# Verbs that introduce reported speech (any tense form that news uses). Lower case.
SPEECH_VERBS_EN = frozenset(
    """
    said says say saying told tells tell telling added adds adding noted notes noting stated states stating
    wrote writes writing asked asks asking explained explains explaining stressed stresses stressing
    insisted insists insisting argued argues arguing warned warns warning remarked remarks declared declares
    announced announces emphasized emphasizes emphasizing emphasised emphasises acknowledged acknowledges
    admitted admits claimed claims claiming called calls calling described describes describing praised praises
    vowed vows threatened threatens posted posts tweeted tweets replied replies responded responds answered
    reiterated reiterates highlighted highlights concluded suggested suggests urged urges cautioned observed
    commented comments continued conceded predicted promised promises recalled recalls signaled signalled
    indicated indicates blasted blasts slammed slams labeled labelled dubbed termed assured assures
    affirmed contended maintained maintains countered added confirmed confirms denied denies
    asserted asserts asserting accused accuses complained complains lamented laments quipped joked boasted mused
    condemned condemns denounced denounces criticized criticised criticizes rejected rejects dismissed dismisses
    welcomed welcomes hailed hails pledged pledges vowing
    """.split()
)
SPEECH_VERBS_ES = frozenset(
    """
    dijo dice decir dicen diciendo afirmó afirma afirmaron aseguró asegura aseguraron asegurando explicó explica
    explicaron señaló señala señalaron añadió añade agregó agrega expresó expresa expuso subrayó subraya
    enfatizó enfatiza destacó destaca indicó indica sostuvo sostiene apuntó apunta puntualizó reiteró reitera
    comentó comenta declaró declara advirtió advierte precisó precisa recalcó insistió insiste manifestó
    respondió responde contestó preguntó pregunta cuestionó calificó califica catalogó llamó llama escribió
    escribe publicó detalló detalla mencionó menciona refirió refiere reconoció reconoce admitió remarcó aclaró
    aclara consideró considera opinó planteó plantea amenazó amenaza amenazara amenazado sugirió sugiere
    informó informa anunció anuncia recordó recuerda celebró criticó acusó confirmó negó prometió resaltó
    insistió defendió urgió pidió exigió
    """.split()
)
# Spanish verb stems: a word is a speech verb when it is a stem plus a verb ending (afirmó,
# afirmara, afirmaron, afirmando…), so tenses and the subjunctive of news style are covered.
SPANISH_STEMS = tuple(
    """
    afirm asegur explic señal añad agreg expres subray enfatiz destac indic apunt puntualiz reiter coment declar
    precis recalc insist manifest respond contest pregunt cuestion calific catalog escrib detall mencion reconoc
    admit remarc aclar consider opin plante amenaz inform anunci celebr critic acus confirm promet resalt defend
    argument alert zanj sentenci asever advert sosten dec acot replic ripost concluy reclam lament adelant
    """.split()
)
SPANISH_ENDINGS = (
    "ó",
    "aron",
    "ieron",
    "ara",
    "aran",
    "iera",
    "ieran",
    "ase",
    "iese",
    "a",
    "an",
    "e",
    "en",
    "ando",
    "iendo",
    "ió",
    "aba",
    "aban",
    "ía",
    "ían",
    "ar",
    "er",
    "ir",
)
SPANISH_IRREGULAR = frozenset(
    "dijo dijeron dijera dijeran dice dicen diciendo expuso expusieron sostuvo sostiene sostuviera advierte advirtió "
    "advirtieron advirtiera sugiere sugirió sugiriera refiere refirió pide pidió pidiera exige exigió negó niega "
    "recordó recuerda llamó llama urgió adujo".split()
)
SPEECH_VERBS = SPEECH_VERBS_EN | SPEECH_VERBS_ES


HABER = frozenset("ha han había habían habría habrían haya hayan he hemos has".split())
SPANISH_PARTICIPLE_IRREGULAR = frozenset(
    "dicho expuesto sostenido advertido sugerido referido pedido exigido negado recordado llamado".split()
)


@functools.lru_cache(maxsize=65536)
def is_spanish_participle(word: str) -> bool:
    """ "indicado", "asegurado": a speech verb when "ha/había" comes before it (checked by the caller).

    Args:
        word: A lower-cased word.

    Returns:
        True for an irregular speech participle or a speech stem ending in -ado/-ido.
    """
    if word in SPANISH_PARTICIPLE_IRREGULAR:
        return True
    return any(word.startswith(stem) and word[len(stem) :] in ("ado", "ido") for stem in SPANISH_STEMS)


@functools.lru_cache(maxsize=65536)
def is_speech_verb(word: str) -> bool:
    """Whether a (lower-cased) word reports speech, in English or Spanish.

    Args:
        word: A lower-cased word.

    Returns:
        True for an English or Spanish speech verb form.
    """
    if word in SPEECH_VERBS or word in SPANISH_IRREGULAR:
        return True
    for stem in SPANISH_STEMS:
        if word.startswith(stem) and word[len(stem) :] in SPANISH_ENDINGS:
            return True
    return False


# Verbs that only report words when they govern the quote directly ("called it 'X'"), never as
# a subject's general act; they still need a person as subject to count.
AUX_WORDS = frozenset(
    "has have had also then later again will would did does was is went on to had has been just previously once first "
    "ha había habría también luego después".split()
)

PRONOUNS_MALE = frozenset({"he", "him", "él"})
PRONOUNS_FEMALE = frozenset({"she", "her", "ella"})
PRONOUNS_ANY = frozenset({"who", "quien", "quienes"})
PRONOUNS = PRONOUNS_MALE | PRONOUNS_FEMALE | PRONOUNS_ANY

# A subject made of these (with a determiner) names no one: the quote is kept, speaker empty.
UNNAMED_HEADS = frozenset(
    """
    official officials source sources spokesperson spokesman spokeswoman aide aides diplomat diplomats negotiator
    negotiators person people insider analyst observer lawmaker lawmakers reporter reporters journalist members
    senators congressmen congresswomen residents critics experts economists
    funcionario funcionaria funcionarios fuente fuentes vocero vocera portavoz asesor asesora diplomático
    negociador legislador legisladores periodista reportero reportera miembros congresistas senadores diputados
    expertos analistas críticos especialistas
    """.split()
)
INDEFINITE = frozenset(
    {"a", "an", "one", "some", "several", "two", "three", "un", "una", "unos", "unas", "algunos", "algunas"}
)

# Subjects that are institutions, places or documents, not people: their quoted words are not statements.
INSTITUTION_WORDS = frozenset(
    """
    office ministry government administration department embassy agency statement report press release
    washington ottawa beijing house congress senate parliament committee ustr ustr's treasury commerce
    white mexico canada china u.s. us united states country countries company firm bank union chamber court
    oficina ministerio gobierno administración departamento embajada agencia comunicado informe secretaría
    cancillería palacio senado cámara congreso comisión méxico canadá estados unidos eu eeuu ee.uu. país
    empresa sindicato tribunal corte journal times post news reuters
    """.split()
)

# Role words, in either language, mapped to the English role word a known speaker's role contains.
ROLE_WORDS: dict[str, str] = {
    "president": "President",
    "presidente": "President",
    "presidenta": "President",
    "mandatario": "President",
    "mandataria": "President",
    "jefe del ejecutivo": "President",
    "jefa del ejecutivo": "President",
    "titular del ejecutivo": "President",
    "jefa del estado": "President",
    "gobernante": "President",
    "premier": "Premier",
    "primer ministro": "Prime Minister",
    "primera ministra": "Prime Minister",
    "prime minister": "Prime Minister",
    "trade representative": "Trade Representative",
    "representante comercial": "Trade Representative",
    "representante de comercio": "Trade Representative",
    "secretario de economía": "Secretary of Economy",
    "secretaria de economía": "Secretary of Economy",
    "economy secretary": "Secretary of Economy",
    "economy minister": "Secretary of Economy",
    "economy chief": "Secretary of Economy",
    "secretary of economy": "Secretary of Economy",
    "commerce secretary": "Secretary of Commerce",
    "secretario de comercio": "Secretary of Commerce",
    "secretary of commerce": "Secretary of Commerce",
    "secretary of state": "Secretary of State",
    "secretario de estado": "Secretary of State",
    "foreign minister": "Minister of Foreign Affairs",
    "canciller": "Minister of Foreign Affairs",
    "trade minister": "Trade Minister",
    "ministro de comercio": "Trade Minister",
    "secretario": "Secretary",
    "secretaria": "Secretary",
    "secretary": "Secretary",
    "minister": "Minister",
    "ministro": "Minister",
    "ministra": "Minister",
    "director": "Director",
    "funcionario": "",
    "trade negotiator": "Trade Representative",
    "cabinet member": "",
    "funcionaria": "",
    "official": "",
    "leader": "",
    "líder": "",
}
FEMININE_ROLES = frozenset(
    {
        "presidenta",
        "mandataria",
        "jefa del ejecutivo",
        "jefa del estado",
        "primera ministra",
        "secretaria de economía",
        "secretaria",
        "ministra",
        "funcionaria",
    }
)
# Adjectives and names that say which country a role belongs to.
COUNTRY_WORDS: dict[str, str] = {
    "mexican": "Mexico",
    "mexico": "Mexico",
    "mexicano": "Mexico",
    "mexicana": "Mexico",
    "méxico": "Mexico",
    "american": "United States",
    "u.s.": "United States",
    "us": "United States",
    "estadounidense": "United States",
    "norteamericano": "United States",
    "norteamericana": "United States",
    "united states": "United States",
    "canadian": "Canada",
    "canada": "Canada",
    "canadiense": "Canada",
    "canadá": "Canada",
    "ontario": "Canada",
}

# First names that tell a pronoun's gender (a hint only; unknown names match either pronoun).
FEMALE_FIRST_NAMES = frozenset(
    "claudia maria maría mary chrystia mélanie melanie katherine tatiana rosemary alicia danielle ana rocío luisa "
    "kristi karoline pam tulsi hillary nancy kamala christine ursula giorgia".split()
)
MALE_FIRST_NAMES = frozenset(
    "donald mark doug justin jamieson marcelo howard marco antony andrés enrique robert mike kash dominic tommy "
    "scott emmanuel pierre joe jd j.d. ryan juan luis carlos jorge francois françois".split()
)

# Capitalized words that start or sit in a name-like run but are titles or descriptors, not names.
TITLE_WORDS = frozenset(
    """
    president presidenta presidente prime minister premier secretary secretario secretaria trade representative
    representante u.s. us mexican canadian american ontario ambassador economy commerce foreign affairs minister
    ministro ministra canciller director general governor gobernador senator senador mr mrs ms dr sr sra
    former exsecretario ex then chief head official funcionario mandatario mandataria the la el los las de del
    state treasury finance deputy vice chairman chair spokesperson vocero jefa jefe ejecutivo federal federales
    sen. rep. gov. mr. mrs. ms. dr. lic. ing. new president-elect electo electa
    """.split()
)
# Capitalized words that never belong to a person's name.
NON_NAME_WORDS = frozenset(
    """
    social house club street journal nacional unidos states america agreement committee senate congress forum department
    office ministry secretaría cámara diputados palacio news press times post channel national party liberal
    conservative republican democratic truth live mundial cup world fifa review tratado t-mec usmca cusma nafta
    monday tuesday wednesday thursday friday saturday sunday lunes martes miércoles jueves viernes sábado domingo
    january february march april may june july august september october november december enero febrero marzo
    abril mayo junio julio agosto septiembre octubre noviembre diciembre reuters ap afp efe cnn cbc bbc fox
    gobierno government administration embassy embajada organization organización bank banco economic
    cabinet gabinete member casa rosada oval decree proclamation decreto documento
    united estados north norte américa latin latina
    """.split()
)

ENGLISH_HINTS = frozenset("the and of to is that was for with on are it he she said told this have has by from".split())
SPANISH_HINTS = frozenset("el la los las de que y en del por se con una un es para su lo como más dijo pero al".split())


# Abbreviations whose full stop ends no sentence ("Mr.", "U.S.", "Lic."), lower case without the last stop.
ABBREVIATIONS = frozenset(
    "u.s mr mrs ms dr sr sra srta sen rep gov gen lt col jr st no inc corp co ee uu jan feb mar apr jun jul aug sep sept oct nov dec "
    "a.m p.m etc vs e.g i.e lic ing mtro dra".split()
)
# A mention right after one of these is a preposition's object ("to Carney", "de la presidenta"), not a subject.
PREPOSITIONS = frozenset(
    "with to of from about at by for on in into against between among toward towards over under after before than like "
    "con de del a al en por para sobre entre ante hacia contra sin tras desde hasta según".split()
)
DETERMINERS = frozenset(
    "the a an his her their its this that these those el la los las su sus un una unos unas este esta ese esa".split()
)
# Words skipped between a subject and its speech verb ("Greer last week said", "Sheinbaum también dijo").
TIME_WORDS = frozenset(
    "this last next month week year today yesterday earlier later recently previously also however then again once "
    "monday tuesday wednesday thursday friday saturday sunday on morning evening night publicly privately repeatedly "
    "este esta mes semana año hoy ayer también luego además recientemente públicamente lunes martes miércoles jueves "
    "viernes sábado domingo".split()
)
# Capitalized words that start no name (a sentence's first word, a conjunction), with and without accents.
_STOP_CAPS_WORDS = frozenset(
    "the a an and but or in on at by for of to as if it its this that these those he she they we i you his her their "
    "our both after before while when where what who which with from under over during since until because though "
    "el la los las un una y o pero en por para con de del al se su sus este esta ese esa durante según tras ante "
    "como cuando donde mientras sin sobre entre hasta desde también además aunque ya así no sí nosotros ellos "
    "ella él yo according following despite asked meanwhile later earlier then however also instead still "
    "tras luego asimismo sin embargo cuestionado consultado".split()
)


def _without_accents(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


STOP_CAPS = _STOP_CAPS_WORDS | frozenset(_without_accents(w) for w in _STOP_CAPS_WORDS)
