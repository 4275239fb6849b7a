"""Answers read with the pending question's own vocabulary, when the phrase patterns found none.

While the form waits for criterion X, "roomie parties a lot, there's always stuff around" answers X
(home: triggering) although no pattern of data/patterns names it. CUES lists, per criterion, the words
that point to each value, most telling first; a cue right after a negation ("nobody uses there") does
not count. Hours are read as arithmetic ("3 nights a week, 2-3 hours" is 9) or as open availability.
Pure functions: no Rasa here.
"""

from __future__ import annotations

import re
from functools import cache

OPEN_HOURS = 40  # "all day, any day", "whenever": as much as a program asks
NEGATIONS = re.compile(r"\b(no|not|nuh|nae|never|nobody|noone|no one|nothing|nothin|nuthin|ain'?t|without|"
                       r"don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|"
                       r"haven'?t|hasn'?t|wasn'?t|can'?t|cannot|couldn'?t|won'?t|neither|nor)\W+(\w+\W+){0,2}$")

PEOPLE = (r"wife|husband|partner|spouse|mom|mum|mother|dad|father|parents|sister|brother|sibling|son|daughter|kids|"
          r"children|family|friend|friends|bestie|sponsor|aa|na|group|church|pastor|boyfriend|girlfriend|bf|gf|fianc\w*|"
          r"grandma|grandpa|grandmother|grandfather|aunt|uncle|cousin|roommate|roomie|neighbor|neighbour|counselor|"
          r"therapist|coworker|boss|mentor|house manager")

CUES: dict[str, tuple[tuple[str, str], ...]] = {
    "relapse": (
        ("multiple_relapses", r"multiple|many times|lots|a bunch|lost count|more times than|countless|over and over|"
                              r"again and again|every time|always (go|went|end up|ends up|come|came) back|"
                              r"(\d+|three|four|five|six|seven|eight|nine|ten|few|several|couple( of)?) times"),
        ("recent_relapse", r"start(ed)? (again|back)|went back|picked (it )?back up|used again|drank again|slipped|"
                           r"relapsed|back on it|fell off|caved|go back (last|this)|"
                           r"(used|drank|smoked|took|picked up) (\w+ )?(\d+|a|one|two|three|few|couple( of)?) "
                           r"(days?|weeks?) ago|(used|drank) (last|this) (week|weekend|night|month)"),
        ("at_risk", r"worr(y|ied|ies)|afraid|scared|nervous|fear|anxious|risk|tempt\w*|might|could|would|gonna|"
                    r"creep\w*|knock on wood|not yet|struggl\w*|go back easy|easy to go back|slip back|drift back|"
                    r"keeps? coming back|probably|maybe"),
        ("none", r"never|no relapse|n/?a|not applicable|clean since|sober since|haven'?t (used|drunk|drank|slipped)"),
    ),
    "support": (
        ("strained", r"tense|fight\w*|fought|argu\w*|angry|mad at me|annoyed|fed up|upset with me|not talking|"
                     r"don'?t talk|estranged|strained|burn(ed|t) (all )?(my )?bridges|gave up on me|kicked me out|"
                     r"tired of me|done with me"),
        ("none", r"nobody|no one|noone|not really anyone|on my own|by myself|no family|no friends|no support|alone|"
                 r"zero (people|friends|support|one)|not a (single )?soul"),
        ("strong", r"everyone|everybody|whole family|very supportive|really supportive|super supportive|great|"
                   r"amazing|all in|on board|with me on this|has my back|got my back|behind me|pretty strong|"
                   r"strong|a lot"),
        ("some", r"a little|kind of|kinda|sort of|somewhat|some|mostly|a bit|one|" + PEOPLE),
    ),
    "home": (
        ("unstable", r"couch\w*|homeless|shelter|sleeping in (my|the) car|street|motel|no place|nowhere|kicked out|"
                     r"evict\w*|bouncing|moving around|between places|temporary|chaos|chaotic|crazy"),
        ("triggering", r"us(es|ing)|drinks|drinking|drunk|part(y|ies|ying)|deal(s|ing|er)?|stuff around|"
                       r"around me|gets it for me|fight\w*|yell\w*|abus\w*|toxic|trigger\w*|temptation|"
                       r"the problem|a problem|not good|not great|rough|mess|hard|bad|complicated|tense|difficult|"
                       r"tricky|not easy"),
        ("stable", r"stable|safe|fine|good|ok|okay|quiet|chill|calm|normal|peaceful|just me|live alone|alone|"
                   r"my (own )?(place|apartment|house)|live with|living with|apartment|condo|(our|own) (place|house)|"
                   r"house"),
    ),
    "severity": (
        ("severe", r"severe|really bad|very bad|so bad|(it'?s|its|it is|guess|say it'?s|say) bad|as bad as|"
                   r"[7-9] (out of|outta|/) ?10|10 (out of|outta|/) ?10|terrible|out of control|worst|all day|"
                   r"constantly|"
                   r"can'?t stop|lost (my )?(job|house|license|kids)|ruin\w*|destroy\w*|taking over|"
                   r"big problem|serious|heavy|heavily"),
        ("moderate", r"moderate|medium|mid|middle|in between|pretty bad|bad enough|rough|getting worse|worse|"
                     r"more and more|"
                     r"[4-6] (out of|outta|/) ?10|most (days|nights)|"
                     r"messing( with)?|affect\w*|hurting|foggy|getting out of hand|a problem|every (night|day|shift)|"
                     r"daily|nightly"),
        ("mild", r"mild|not (that|too|super) (bad|deep)|not terrible|[1-3] (out of|outta|/) ?10|manageable|small|"
                 r"low|minor|minimal|light|lighter side|barely an issue|"
                 r"little|a bit|occasional\w*|weekends?|"
                 r"now and then|once in a while|not much|habit|not (a )?big"),
    ),
    "recent_treatment": (  # "Hospital. Psych unit. Came home the 21st."
        ("completed_iop", r"iop|intensive outpatient|intensive program"),
        ("residential_discharge", r"psych (unit|ward|hospital)|psychiatric|mental hospital|in-?patient|rehab|"
                                  r"residential|sober living|treatment (center|centre)|discharged"),
        ("op_not_enough", r"therap(y|ist)|counsel\w*|out-?patient|psychiatrist|weekly sessions"),
        ("none", r"never|none|nothing|nope|first time"),
    ),
    "withdrawal": (
        ("dangerous", r"seizures?|fits?|dts|d\.t\.s|delirium|hallucinat\w*|seeing things|hearing things|"
                      r"hospital|er|ambulance|blacked out"),
        ("mild", r"shak(y|es|ing|e)|sweat(s|y|ing)?|jitter\w*|nause\w*|sick|can'?t sleep|insomnia|headaches?|"
                 r"irritable|crash\w*|come ?down|cranky|restless|rough|flu|ach(y|es)|anxious|anxiety|tremor\w*"),
        ("none", r"no|none|nothing|never|fine|not really|nah|nope"),
    ),
}

# Commitments name several things at once ("nursing school and waitressing"), so each value has its own
# vocabulary and a reply may match several; a job title or shift hours is work.
SCHOOL_WORDS = (r"school|student|college|university|uni|class|classes|courses?|semester|grad|phd|masters?|"
                r"master'?s|degree|study|studying|studies|cc|ged|sophomore|freshman|junior year|senior year|clinicals|"
                r"dissertation|thesis|doctoral|doctorate")
CAREGIVING_WORDS = (r"kids?|child|children|son|daughter|bab(y|ies)|toddler|newborn|infant|twins|"
                    r"\d+[- ]?(year|yr)s?[- ]?old|parenting|single (mom|dad|parent)|take care of|taking care of|"
                    r"care of|caring for|care for|caregiv\w*|look(ing)? after|grandma|grandpa|family|home with|"
                    r"i help (her|him)|stay[- ]at[- ]home|sahm|sahd|childcare|child care|pickney|"
                    r"(my|our) (lad|wee one)s?|wee ones|bairns?|kiddos?|little ones|keiki|carer|"
                    r"grand(son|daughter|kids?|child|children)s?|needs (my )?help|"
                    r"(full[- ]time|stay[- ]home|single|working) (mom|mum|dad|parent|mother|father)")
JOB_WORDS = (r"jobs?|work|working|works|shifts?|boss|employer|employed|employment|career|business|company|firm|"
             r"office|clients|adjunct|assistantship|shop|store|salon|studio|shows|gigs|"
             r"gig|bartend\w*|server|serving|waitress\w*|waiter|waiting tables|cook|chef|kitchen|restaurant|"
             r"construction|electrician|plumb\w*|hvac|mechanic|driver|uber|lyft|doordash|truck\w*|nurse|cna|"
             r"teach\w*|ta|professor|cpa|accountant|manager|engineer|developer|programmer|sales|retail|cashier|"
             r"warehouse|factory|plant|labou?r\w*|landscap\w*|roof\w*|carpenter|welder|welding|painter|cleaner|"
             r"janitor|security|guard|cop|officer|firefighter|paramedic|emt|military|army|navy|self[- ]employed|"
             r"freelanc\w*|contractor|apprentice|barista|stylist|hairdresser|realtor|lawyer|attorney|doctor|"
             r"pharmacist|technician|receptionist|clerk|delivery|farm\w*|taxi|cab|cabbie|rideshare|flying|"
             r"nursing(?! (school|student|program|degree|course|classes))|"
             r"pilot|cabin crew|flight attendant|offshore|rig|roster\w*|fifo|mining|miner|tradie|for a living|"
             r"driving|bookkeep\w*|picking|pastor\w*|parish|ministry|ra duties|resident assistant|"
             r"\d{1,2}\s*(am|pm|a|p)?\s*(-|to)\s*(\d{1,2}\s*(am|pm|a|p)?|midnight|close)|mon-fri")
TIME_WORDS = r"full[- ]time|part[- ]time"
COMMITMENTS: tuple[tuple[str, str], ...] = (
    ("school", SCHOOL_WORDS), ("caregiving", CAREGIVING_WORDS), ("work", JOB_WORDS + "|" + TIME_WORDS),
)
NO_COMMITMENTS = re.compile(r"\b((lost|left|quit) (my |the |a )?(\w+ )?job|(look|looking) (for )?(a )?(job|work)|"
                            r"unemployed|between jobs|laid off|got fired|on (\w+ )?leave|on disability|retired|"
                            r"not working|no job|no commitments|jobless)\b")
# "Nothing" says there is no commitment only when the reply names no job ("Just my job. No school nothing.").
NOTHING = re.compile(r"\b(nothing(?! else)|nothin|none|nada)\b")
# A child's school is caregiving, not the person's own school: "after school", "school pickups", "the kids' school".
CHILDRENS_SCHOOL = re.compile(r"\b(after[- ]school|school (pick[- ]?ups?|runs?|drop[- ]?offs?)|"
                              r"(kids?|children|son|daughter)'?s? school)\b")


# Children named as someone else's care, or grown: "the kids are with their dad", "no custody right now".
NOT_CARING = re.compile(r"\b((kids?|children|son|daughter)( are| is|'re|'s)? (live |lives |living |stay |stays |"
                        r"staying )?with (their|his|her|my ex|the|them)|(no|lost|don'?t have|shared) custody|"
                        r"(kids?|children) (are )?(all )?(grown|adults|out of the house|moved out|teens|teenagers)|"
                        r"(don'?t|do not|doesn'?t) need me)")


def time_words_only(message: str) -> bool:
    """True when "full-time" or "part-time" is the only word for work beside school or caregiving ("Caregiving.
    Full-time for my wife.", "a full-time student"): it says how much of the other, not a job."""
    text = clean(message)
    return (cue_found(TIME_WORDS, text) and not cue_found(JOB_WORDS, text)
            and (cue_found(SCHOOL_WORDS, text) or cue_found(CAREGIVING_WORDS, text)))


# School denied as the last of a list: "not working or in school".
SCHOOL_DENIED = re.compile(r"\b(not|no|never|neither)\b[^.,;]*\b(or|nor)\s+(in\s+|at\s+|going to\s+)?"
                           r"(school|college|uni|university|class(es)?)\b")


def commitment_values(message: str) -> list[str]:
    """Every commitment a reply names by its vocabulary ("I'm a line cook and I have my 2 kids": work,
    caregiving); ["none"] for no work, school or caregiving ("nothing now, I lost my job")."""
    text = clean(message)
    named = [value for value, pattern in COMMITMENTS if cue_found(pattern, text)
             and not (value == "school" and (SCHOOL_DENIED.search(text)
                                             or not cue_found(SCHOOL_WORDS, CHILDRENS_SCHOOL.sub(" ", text))))]
    if not_caring(text):
        named = [value for value in named if value != "caregiving"]
    if no_work(text) or time_words_only(text):
        named = [value for value in named if value != "work"]
    return named or (["none"] if NO_COMMITMENTS.search(text) or NOTHING.search(text) else [])


def not_caring(message: str) -> bool:
    """True when a reply names children only as someone else's care or grown ("Kids all grown")."""
    return bool(NOT_CARING.search(clean(message)))


def no_work(message: str) -> bool:
    """True when a reply names work only to deny it ("I lost my job") or as a student's "full time"."""
    text = clean(message)
    if NO_COMMITMENTS.search(text) or (NOTHING.search(text) and not cue_found(JOB_WORDS, text)):
        return True
    return cue_found(SCHOOL_WORDS, text) and not cue_found(JOB_WORDS, text)


def one_edit_apart(a: str, b: str) -> bool:
    """True when b is a one-letter typo of a: one letter changed, added, dropped, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                   and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def correct_typos(message: str, vocabulary: frozenset[str]) -> str:
    """The message with each word of 4+ letters that is one typo away from exactly one vocabulary word
    replaced by it ("qiuet house" -> "quiet house", "daytmie" -> "daytime"); English function words and words people
    often write are no typos ("is there" is not "is three", "will I" not "well I", "wild" not "mild")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    def fix(match: re.Match) -> str:
        word = match.group().lower()
        if len(word) < 4 or word in vocabulary or word in STOP_WORDS or word in common_words():
            return match.group()
        near = [v for v in vocabulary if one_edit_apart(word, v)]
        return near[0] if len(near) == 1 else match.group()
    return re.sub(r"[A-Za-z]+", fix, message)


COMMON_AT = 3  # a word written this often in the answer examples is a word, not a typo


@cache
def common_words() -> frozenset[str]:
    """Words the answer examples (data/answers.yml) use at least COMMON_AT times."""
    from collections import Counter

    from bot.conversation.answers import examples

    counts = Counter(word for by_value in examples().values() for texts in by_value.values() for text in texts
                     for word in re.findall(r"[a-z]+", str(text).lower()))
    return frozenset(word for word, count in counts.items() if count >= COMMON_AT)


def pattern_words(pattern: str) -> set[str]:
    """The plain words of 4+ letters in a cue pattern."""
    return set(re.findall(r"[a-z]{4,}", re.sub(r"\\\w", " ", pattern)))


UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
WORD_NUMBERS = {"once": 1, "twice": 2, **{w: i for i, w in enumerate(UNITS, 1)},
                **{w: i for i, w in enumerate(TEENS, 10)}, **TENS_WORDS,
                "a": 1, "an": 1, "a couple": 2, "couple": 2, "a few": 3, "few": 3, "several": 4}
WORD_NUMBER = rf"(?:(?:{'|'.join(TENS_WORDS)})(?:[- ](?:{'|'.join(UNITS)}))?|{'|'.join(TEENS)}|{'|'.join(UNITS)})"
NUMBER = rf"(\d+(?:\.\d+)?|{WORD_NUMBER}|a couple|couple|a few|few|several|an|a)"
RANGE = rf"{NUMBER}(?:\s*(?:-|to|or)\s*{NUMBER})?"
SESSIONS = re.compile(rf"\b{RANGE}\s+(?:of\s+)?(?:\d+[- ]hours?\s+)?(?:days?|nights?|nites?|evenings?|mornings?|"
                      rf"afternoons?|"
                      rf"times?|sessions?|blocks?|slots?)"
                      rf"(?:\s+(?:a|per|each|every)\s+week)?|\b(once|twice)\b")
HOURS = re.compile(rf"{RANGE}\s*-?\s*(?:hours?|hrs?|h|ours?)\b(?:\s+or\s+{NUMBER}\b)?")  # "five ours a day"
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY = re.compile(r"\b(mon|tue|tues|tus|wed|thu|thur|thurs|fri|sat|sun)(day|sday|nesday|rsday|urday)?s?\b")
WEEKDAY_SPAN = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)\w*\s*(?:-|to|through|thru|till|until)\s*"
                          r"(mon|tue|wed|thu|fri|sat|sun)\w*\b")
# a clock time span: "6 to 9", "8:30 to 11:30", "2 until 5", "9 to 3" (the end after noon)
CLOCK_SPAN = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(?:am|pm|a|p)?\s*(?:to|-|until|till|til)\s*"
                        r"(\d{1,2})(?::(\d{2}))?\s*(?:am|pm|a|p)?\b(?!\s*(?:hours?|hrs?|ours?|days?|nights?|nites?|evenings?|"
                        r"mornings?|afternoons?|times?|sessions?|blocks?|x)\b)")
MONTHLY = re.compile(rf"\b{RANGE}\s*(?:hours?|hrs?|ours?)\s*(?:a|per|each|every|/)\s*month\b")
FORTNIGHTLY = re.compile(rf"\b{RANGE}\s*(?:hours?|hrs?|ours?)?\s*(?:a|per|each|every|/|in a)\s*"
                         rf"(?:fortnight|two weeks|2 weeks)\b")
DAILY = re.compile(r"\b(weekdays?|every ?day|daily|a day|per day|each day)\b")
OPEN = re.compile(r"\b(all day|any ?time|whenever|whatever|full days?|full time|as much as|as many as|"
                  r"all of (them|em|it)|any day|most of the day|nothing going on|wide open|free all|every day|"
                  r"all week)\b|^(any|all)$")


MINIMAL = re.compile(r"\b(minimum|least|as little as|bare minimum|lowest)\b")


def clean(message: str) -> str:
    """Lower case, straight apostrophes, single spaces."""
    return " ".join(message.lower().replace("\u2019", "'").split())


NEGATED_CLAUSE = re.compile(r"\b(?:nothing|nobody|no one|never anything)\s+(?:that|which|who)\b[^.,;!?]*$")


def cue_found(pattern: str, text: str) -> bool:
    """True when a cue of `pattern` stands in `text` and is not negated."""
    for match in re.finditer(rf"\b(?:{pattern})\b", text):
        before = text[:match.start()]
        if not (NEGATIONS.search(before) or NEGATED_CLAUSE.search(before) or before.rstrip().endswith(" than")):
            return True  # not "more a habit than a problem", not "nothing that ever put me in a hospital"
    return False


# "never gone smooth", "not been easy": a denial of something good says things went badly, not "none"
NEGATED_GOOD = re.compile(r"\b(never|not|no|nothing|ain'?t|isn'?t|wasn'?t)\b(\s+\w+){0,2}\s+"
                          r"(smooth\w*|easy|good|great|pretty|fun|well|nice|simple|ok|okay|a picnic)\b")


def context_value(criterion_id: str, message: str) -> str | None:
    """The value the message points to for the asked criterion, by its own vocabulary; None when none."""
    text = clean(message)
    for value, pattern in CUES.get(criterion_id, ()):
        if value == "none" and NEGATED_GOOD.search(text):
            continue
        if value == "strong" and criterion_id == "support" and people_named(text) >= 2:
            return "strong"
        if cue_found(pattern, text):
            return value
    if criterion_id == "support" and people_named(text) >= 2:
        return "strong"
    return None


def people_named(text: str) -> int:
    """How many different supporters a message names ("my wife, my sponsor and my home group": 3)."""
    return len(set(re.findall(rf"\b(?:{PEOPLE})\b", text)))


def number(word: str | None) -> float | None:
    """A number word or digits as a number ("twenty-five" too)."""
    if word is None:
        return None
    if word[0].isdigit():
        return float(word)
    tens, _, unit = word.replace("-", " ").partition(" ")
    if tens in TENS_WORDS and unit in UNITS:
        return TENS_WORDS[tens] + WORD_NUMBERS[unit]
    return WORD_NUMBERS.get(word)


def upper(match: re.Match) -> float | None:
    """The larger end of a stated range ("2-3" is 3, "an hour or two" is 2)."""
    values = [number(g) for g in match.groups() if g]
    values = [v for v in values if v is not None]
    return max(values) if values else None


SETTLED = re.compile(rf"\b(?:say|let'?s say|call it|go with|make it|put|so|that'?s|thats|that is|which is|total|"
                     rf"maybe|probably|around|roughly|approx\w*)\s+"
                     rf"(?:me down for\s+|about\s+|like\s+)?~?"
                     rf"(\d{{1,2}}|{WORD_NUMBER})\b(?!\.\d)"
                     r"(?!\s*(?:days?|nights?|evenings?|mornings?|afternoons?|times?|sessions?|x)\b)"
                     r"(?!\s*(?:hours?|hrs?|ours?)\s+(?:a|per|each|every)\s+(?:day|night|session|time)\b)")
# A number said on its own, as a sentence ("Ten. Maybe three sessions of three", "... each. 10."), or as a cap
# ("A couple hours, three max."): the total, the last one said
TOTAL_ALONE = re.compile(rf"(?:^|[.!?;]\s*)(?:about |around |approx\w* |maybe |like |say |so )?"
                         rf"(\d{{1,2}}|{WORD_NUMBER})"
                         rf"(?:\s*(?:hours?|hrs?))?(?:\s+(?:max|tops|at most|at the most|total))?\s*(?:[.!?;](?!\d)|$)"
                         rf"|\b(\d{{1,2}}|{WORD_NUMBER})\s+(?:max|tops|at most|at the most)\b")
BARE_HOURS = re.compile(r"\b(\d{1,2})\b(?![.:]\d|\s*(?:am|pm|a\.m|p\.m|years?|yrs?|yo|days?|nights?|kids?|o'?clock)\b)")
# "an hour and a half", "2 and a half", "three-plus", "3 and a bit": the number they say
FRACTIONS = ((re.compile(r"\ban hour and a half\b"), "1.5 hours"), (re.compile(r"\bhalf an hour\b"), "0.5 hours"),
             (re.compile(r"\band a bit\b|(?<=\w)-?plus\b"), ""))
AND_A_HALF = re.compile(rf"\b(\d{{1,2}}|{WORD_NUMBER}) and a half\b")
PER_WEEK = re.compile(r"~?(\d{1,2})\s*(?:/|per)\s*(?:wk|week)\b")  # "~6/wk"
# a weekly total said outright wins over the sessions that make it up ("Six hours a week, two evenings of three")
WEEKLY_TOTAL = re.compile(rf"\b{RANGE}\s*(?:hours?|hrs?)\s*(?:(?:a|per|each|every|/)\s*(?:week|wk)|weekly)\b"
                          rf"|^(?:like |about |maybe |around |probably )?{RANGE}\s+(?:a|per)\s+week\b")
NO_HOURS = re.compile(r"^(?:zero|none|no time|no hours|not (?:a single|an|one) hour)\b")


def days_named(text: str) -> int | None:
    """How many days of the week a reply names: "Monday to Friday" is five, "tuesday an thursday" two."""
    if span := WEEKDAY_SPAN.search(text):
        first, last = (WEEKDAY_NAMES.index(next(d for d in WEEKDAY_NAMES if d.startswith(g))) for g in span.groups())
        return (last - first) % 7 + 1
    named = {match.group(1)[:2] for match in WEEKDAY.finditer(text)}
    return len(named) or None


def clock_hours(span: re.Match) -> float | None:
    """The hours between two clock times, the end after noon when it reads earlier ("9 to 3" is six)."""
    start = int(span.group(1)) + int(span.group(2) or 0) / 60
    end = int(span.group(3)) + int(span.group(4) or 0) / 60
    if end <= start:
        end += 12
    hours = end - start
    return hours if 0 < hours <= 12 else None


def spelled_fractions(text: str) -> str:
    """Halves as digits and "and a bit" dropped: "two and a half hours" -> "2.5 hours"."""
    for pattern, digits in FRACTIONS:
        text = pattern.sub(digits, text)
    return AND_A_HALF.sub(lambda m: f"{number(m.group(1)):g}.5".replace(".0.5", ".5"), text)


def hours_from(message: str) -> int | None:
    """Hours a week from an availability answer: none, a number settled on ("5-7, say 6"), a weekly total, sessions
    times hours, a range's top, or open availability."""
    text = spelled_fractions(clean(message))
    if NO_HOURS.search(text):
        return 0
    if monthly := MONTHLY.search(text):
        return round(upper(monthly) / 4)  # "sixteen hours a month": four weeks
    if fortnightly := FORTNIGHTLY.search(text):
        return round(upper(fortnightly) / 2)  # "18 hours a fortnight", "20 every two weeks"
    if settled := list(SETTLED.finditer(text)):  # the last one said: "That's 25. Call it 20 to be safe."
        return int(number(settled[-1].group(1)))
    if alone := list(TOTAL_ALONE.finditer(text)):
        return int(min(number(alone[-1].group(1) or alone[-1].group(2)), 80))
    if total := WEEKLY_TOTAL.search(text):
        return int(min(upper(total), 80))
    hours = HOURS.search(text)
    # "5 hours a day, five days": the count of days, not the "a" of "a day" (that one means every weekday)
    sessions = next((m for m in SESSIONS.finditer(text) if m.group(1) not in ("a", "an")), None)
    per_session = upper(hours) if hours else None
    if sessions and per_session is None and (each := re.match(rf"\s+of\s+{NUMBER}\b", text[sessions.end():])):
        per_session = number(each.group(1))  # "3 blocks of 4"
    span = CLOCK_SPAN.search(text)
    count = upper(sessions) if sessions else (days_named(text) if per_session is not None or span else None)
    if count is None and DAILY.search(text):
        count = 5
    if per_session is None and count is not None and span:
        per_session = clock_hours(span)  # "Monday, Wednesday, Thursday, 6 to 9": three hours a day
    if count is not None and per_session is not None:
        return int(min(count * per_session, 80))
    if per_session is not None:
        return int(per_session)
    if count is not None:
        return int(count * 3)  # a session of a structured program is about three hours (002)
    if OPEN.search(text) and not MINIMAL.search(text):  # "whatever the minimum is" is no open availability
        named = BARE_HOURS.search(text)  # "full time almost, 35": the number said
        return int(min(number(named.group(1)), 80)) if named else OPEN_HOURS
    return int(per_week.group(1)) if (per_week := PER_WEEK.search(text)) else None
