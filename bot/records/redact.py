"""Redact personal identifiers from free text: regular expressions plus simple name cues, no model.

    redact("Hi, this is Sarah, DOB 03/14/1988, call me at (555) 123-4567")
    -> "Hi, this is [NAME], DOB [DOB], call me at [PHONE]"

Emails, US phone numbers, dates of birth (a date next to "DOB", "born", "birthday" ...), street addresses
("123 Main St Apt 2", "PO Box 12") and names after a cue ("my name is", "I'm", "this is", "call me",
"Name:", "my wife", "Dr.") become [EMAIL], [PHONE], [DOB], [ADDRESS] and [NAME]. Public help lines (988,
911, 1-800-662-4357) and clinical content ("I'm 34", "IOP 3 days a week") are kept. Redacting twice changes
nothing. Pure functions.
"""

import re

PLACEHOLDERS = ("[NAME]", "[PHONE]", "[EMAIL]", "[DOB]", "[ADDRESS]")
# Public crisis and treatment lines, as 10 digits: SAMHSA, the former Lifeline number. 988 and 911 are too
# short to look like a phone number in the first place.
PUBLIC_LINES = frozenset({"8006624357", "8002738255"})

EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\s*\d{3}\s*\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}"
    r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?(?![\w])",
    re.IGNORECASE,
)

MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
DAY = r"\d{1,2}(?:st|nd|rd|th)?"
DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)"  # 03/14/1988, 3-14-88, 3.14.88
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?!\d)"  # 1988-03-14
    rf"|{MONTH}\s+{DAY}(?:,?\s*\d{{4}}|,?\s*'\d{{2}})?(?![\w])"  # March 14, 1988 / March 14th / Mar 14 '88
    rf"|{DAY}\s+(?:of\s+)?{MONTH}(?:,?\s*\d{{4}})?(?![\w])"  # 14 March 1988 / 14th of March
    rf"|{MONTH}\s+\d{{4}}(?!\d))"  # March 1988
)
DOB_CUE = (r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bbirthday\b|\bbday\b|\bb-day\b"
           r"|\bborn\b)")
FILLER = r"[^\n\d.!?;]{0,25}?"  # a few words between a cue and its date: "is", "was on", ":"
DOB_AFTER = re.compile(rf"(?P<cue>{DOB_CUE}{FILLER})(?P<date>{DATE})", re.IGNORECASE)
DOB_BEFORE = re.compile(rf"(?P<date>{DATE})(?P<cue>[\s,()\-:]{{0,4}}(?:(?:is|was|=)\s+)?(?:my\s+)?{DOB_CUE})",
                        re.IGNORECASE)

SUFFIX = (r"(?:street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl|parkway|pkwy"
          r"|highway|hwy|terrace|ter|circle|cir|trail|trl|square|sq|loop|path|pike|alley|plaza|crescent|run"
          r"|route|rte|broadway|row|expressway|expy|freeway|fwy)\.?")
DIRECTION = r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?"
CAP_WORD = r"(?:[A-Z][a-zA-Z'-]*|\d+(?:st|nd|rd|th))"
LOW_WORD = r"(?:[a-zA-Z][a-zA-Z'-]*|\d+(?:st|nd|rd|th))"
NOT_A_STREET = r"(?!(?:of|my|the|a|an|different|other|more|days|hours|minutes|miles|blocks|acres|people|years|times)\b)"
UNIT = (r"(?:,?\s*(?:apt|apartment|unit|suite|ste|fl|floor|rm|room|bldg|building|lot|trailer)\.?\s*#?\s*[A-Za-z0-9-]+"
        r"|,?\s*#\s*[A-Za-z0-9-]+)?")
CITY = r"(?:,\s*[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+){0,2}(?:,?\s*[A-Z]{2}\b)?(?:\s+\d{5}(?:-\d{4})?)?)?"
STREET = (rf"\b\d{{1,6}}[A-Za-z]?\s+{DIRECTION}{CAP_WORD}(?:\s+{CAP_WORD}){{0,3}}\s+(?i:{SUFFIX})(?![\w])"
          rf"(?i:{UNIT}){CITY}")
STREET_ADDRESS = re.compile(STREET)
PO_BOX = re.compile(r"\b(?:p\.?\s?o\.?\s*box|post\s+office\s+box)\s*#?\s*\d+\b", re.IGNORECASE)
# After "I live at", "my address is" ... the street may be typed in lower case.
ADDRESS_CUED = re.compile(
    rf"(?P<cue>\b(?:live|living|lives|stay|staying|stays|located|address\s+is|address:|address|moved|moving|reside"
    rf"|residing|resides)\s+(?:at|to|on|is)?\s*)"
    rf"(?P<address>\d{{1,6}}[a-z]?\s+{NOT_A_STREET}{DIRECTION}{LOW_WORD}(?:\s+{LOW_WORD}){{0,3}}\s+{SUFFIX}(?![\w]){UNIT}"
    rf"(?:,\s*[a-z]+(?:\s+[a-z]+){{0,2}}(?:,?\s*[a-z]{{2}}\b)?(?:\s+\d{{5}}(?:-\d{{4}})?)?)?)",
    re.IGNORECASE,
)

UP, LOW = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"  # Latin letters with accents: José, Zoë, Élodie
NAME_END = r"(?=['’]s\b|['’](?![A-Za-z])|[^\w'’-]|$)"  # a word end; lets "Sarah's" and "'Sam'" through
NAME_WORD = rf"(?:[{UP}]['’][{UP}][{LOW}]+|[{UP}][{LOW}]+(?:[{UP}][{LOW}]+)*)(?:-[{UP}][{LOW}]+)?{NAME_END}"
LOWER_NAME_WORD = rf"[{UP}{LOW}](?:[{UP}{LOW}-]|['’](?!s\b))*[{UP}{LOW}]{NAME_END}"
TITLE = r"(?:(?:dr|mr|mrs|ms|miss|mx)\.?[ \t]+)?"
STRONG_CUES = (r"\bmy\s+name\s+is|\bmy\s+name['’]s|\bmy\s+names|\bname\s+is|\b(?:full\s+|first\s+|last\s+|patient\s+"
               r"|client\s+|caller\s+|legal\s+)?name(?:\s*[:=]|\s+-\s)|\bi\s+go\s+by|\b(?:they|you\s+can|u\s+can|pls|please)\s+"
               r"call\s+me|\bgoes\s+by")
WEAK_CUES = (r"\bi['’]?\s?m|\bi\s+am|\bthis\s+is|\bcall\s+me|\bnamed|\bask\s+for"
             r"|\b(?:speak(?:ing)?|spoke|spoken|talk(?:ing|ed)?|met|meeting|chatted)\s+(?:with|to)"
             r"|\b(?:called|calling|phoned|texted|emailed|per)"
             r"|\b(?:client|patient|caller|member|pt|resident|participant)"
             r"|\b(?:dr|mr|mrs|ms|miss|mx)\.?"
             r"|\b(?:my|his|her|their|your|the\s+client['’]s|the\s+caller['’]s)\s+(?:wife|husband|partner|boyfriend|girlfriend|bf|gf|son|daughter|mom|mother|dad|father|brother"
             r"|sister|sponsor|friend|therapist|counselor|counsellor|doctor|roommate|fianc[eé]e?|ex|kid|child|cousin"
             r"|aunt|uncle|grandma|grandpa|grandmother|grandfather|stepdad|stepmom|case\s+manager|caseworker"
             r"|probation\s+officer|po|lawyer|boss|baby|niece|nephew)(?:['’]s\s+name\s+is|\s+is\s+named|\s+named)?")
STRONG_NAME = re.compile(
    rf"(?P<cue>(?i:{STRONG_CUES})[ \t]*(?i:{TITLE}))(?P<name>{LOWER_NAME_WORD}(?:[ \t]+{LOWER_NAME_WORD}){{0,2}})"
)
WEAK_NAME = re.compile(
    rf"(?P<cue>(?i:{WEAK_CUES}),?[ \t]+(?i:{TITLE}))(?P<name>{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})"
)

# Capitalised words that follow "I'm", "this is" ... without being names.
COMMON_WORDS = frozenset("""
a an the and or but so not no yes yeah yep nope ok okay fine good great well better worse alright all right sure
unsure here there home back in on at from out off up down over into onto with without about for by to of as just
really very pretty so too also only still currently finally actually literally honestly basically kinda sorta gonna
sober clean tired ready sorry glad happy sad done new old young late early free busy available able unable safe
alive sick hungover high drunk wasted stoned broke calling looking interested married single divorced separated
widowed engaged addicted alcoholic employed unemployed homeless pregnant retired disabled worried scared nervous
struggling trying going having feeling doing drinking using thinking wondering asking hoping writing reaching texting
concerned afraid anxious depressed stressed overwhelmed ashamed embarrassed confused serious honest desperate
grateful thankful lost stuck exhausted frustrated angry upset lonely hopeless suicidal bipolar diabetic epileptic
allergic insured uninsured covered court ordered required mandated female male trans gay straight lesbian bi queer
black white latino latina hispanic asian native american mexican catholic christian jewish muslim veteran vet
student nurse teacher mom dad mother father parent wife husband single dude man woman guy girl boy kid adult
monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight yesterday now then
january february march april may june july august september october november december
he she it they we you i me my your his her their our this that these those who what when where why how which
iop php op aa na rehab detox outpatient inpatient residential medicaid medicare insurance
definitely probably maybe always never sometimes usually often again almost nearly basically
im dont cant wont didnt isnt calling available interested currently trying hoping
speaking reaching texting messaging emailing writing following checking wanting needing asking
hi hey hello thanks thank please sir maam dr mr mrs ms miss mx
amazing awesome awful hard tough crazy insane ridiculous stupid terrible horrible weird scary embarrassing
frustrating confusing helpful perfect wonderful nice cool bad rough real important urgent hell it's
ready exciting excited nuts bs bullshit wild true false funny sad serious different normal weird
xanax klonopin valium ativan suboxone narcan vivitrol adderall oxycontin percocet vicodin ambien seroquel naltrexone
methadone sublocade fentanyl tylenol advil lyrica gabapentin zoloft prozac lexapro wellbutrin
""".split())
# Words after "my name is" (any case) that are not a name.
NAME_STOPWORDS = COMMON_WORDS | frozenset("""
is was will would be been being am are were have has had do does did can could should shall might must
private confidential important anonymous irrelevant withheld unknown redacted none nothing idk lol btw tbh
""".split())


def redact(text: str) -> str:
    """`text` with names, phone numbers, emails, dates of birth and street addresses replaced by [NAME], [PHONE],
    [EMAIL], [DOB], [ADDRESS]."""
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = str(text)
    text = EMAIL.sub("[EMAIL]", text)
    text = PHONE.sub(_phone, text)
    text = DOB_AFTER.sub(lambda m: m.group("cue") + "[DOB]", text)
    text = DOB_BEFORE.sub(lambda m: "[DOB]" + m.group("cue"), text)
    text = ADDRESS_CUED.sub(lambda m: m.group("cue") + "[ADDRESS]", text)
    text = STREET_ADDRESS.sub("[ADDRESS]", text)
    text = PO_BOX.sub("[ADDRESS]", text)
    text = STRONG_NAME.sub(lambda m: _name(m, NAME_STOPWORDS), text)
    return WEAK_NAME.sub(lambda m: _name(m, COMMON_WORDS), text)


def _phone(match: re.Match) -> str:
    """[PHONE], unless the number is a public help line."""
    digits = re.sub(r"\D", "", match.group())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return match.group() if digits[:10] in PUBLIC_LINES else "[PHONE]"


def _name(match: re.Match, stopwords: frozenset[str]) -> str:
    """The cue followed by [NAME] for the leading name words that are not stopwords; unchanged when none is."""
    words = match.group("name").split()
    kept = 0
    for word in words:
        if word.lower().strip("'’") in stopwords:
            break
        kept += 1
    if not kept:
        return match.group()
    rest = match.group("name")
    for word in words[:kept]:
        rest = rest[rest.index(word) + len(word):]
    return match.group("cue") + "[NAME]" + rest
