"""The intake criteria, defined once: question, accepted values, ASAM dimension, sources.

The Rasa form, its validation, the placement rules, the summary, the console and the
transcript replay all read this table; nothing else lists the criteria.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

UNKNOWN = "unknown"

ASAM_DIMENSIONS = {
    1: "Acute intoxication and withdrawal potential",
    2: "Biomedical conditions and complications",
    3: "Emotional, behavioral or cognitive conditions",
    4: "Readiness to change",
    5: "Relapse, continued use or continued problem potential",
    6: "Recovery and living environment",
}


@dataclass(frozen=True)
class Criterion:
    """One fact the placement needs, and how to ask for it."""

    id: str
    label: str
    question: str
    reask: str
    values: tuple[str, ...]
    dimension: int
    sources: tuple[str, ...]
    essential: bool = True
    multiple: bool = False
    asked: bool = True
    numeric: bool = False
    buttons: tuple[tuple[str, str], ...] = ()
    value_labels: Mapping[str, str] = field(default_factory=dict)
    ask_if: Callable[[Mapping[str, object]], bool] | None = None
    # another criterion the question asks about too, as an intake counselor would in one breath ("... and when
    # could you come?"): an answer that gives it fills it, and it is asked on its own only when still unknown
    also_asks: str | None = None

    def accepts(self, value: object) -> bool:
        """True when `value` is a valid answer for this criterion."""
        if value == UNKNOWN:
            return True
        if self.numeric:
            return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 80
        if self.multiple:
            items = value if isinstance(value, (list, tuple)) else [value]
            return bool(items) and all(item in self.values for item in items)
        return value in self.values

    def describe(self, value: object) -> str:
        """Plain-language wording of a stored value."""
        if value is None:
            return "not asked yet"
        if value == UNKNOWN:
            return "not sure / skipped"
        if self.numeric:
            return f"{value} hours a week"
        items = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(self.value_labels.get(str(item), str(item)) for item in items)


def _residential_possible(answers: Mapping[str, object]) -> bool:
    """Ask about living at a facility only when residential care is on the table."""
    return (
        answers.get("severity") == "severe"
        or answers.get("relapse") == "multiple_relapses"
        or answers.get("home") in ("unstable", "triggering")
        or answers.get("needs_supervision") == "yes"
    )


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        id="substances",
        label="Substances",
        question=(
            "What would you like help with? For example alcohol, opioids or painkillers, "
            "benzos, stimulants like meth or cocaine, cannabis, or mainly your mental health."
        ),
        reask="Which substance is it, if any? You can name more than one, or say it is mainly mental health.",
        values=("alcohol", "opioids", "benzodiazepines", "stimulants", "cannabis", "other", "none"),
        value_labels={"none": "no substance (mental health only)", "other": "another substance"},
        buttons=(("Alcohol", "alcohol"), ("Opioids", "opioids"), ("Stimulants", "stimulants"),
                 ("Mainly mental health", "none")),
        dimension=1,
        sources=("000", "001", "003"),
        multiple=True,
    ),
    Criterion(
        id="severity",
        label="Severity",
        question=(
            "How much is it affecting your life right now? Think of how often, how much, and "
            "what it gets in the way of. Would you call it mild, moderate or severe?"
        ),
        reask="Roughly, is it mild, moderate or severe? Or tell me how often it happens.",
        values=("mild", "moderate", "severe"),
        buttons=(("Mild", "mild"), ("Moderate", "moderate"), ("Severe", "severe")),
        dimension=5,
        sources=("001", "003", "004"),
    ),
    Criterion(
        id="use_frequency",
        label="How often",
        question="How often does it happen: daily, weekly, or now and then?",
        reask="Daily, weekly, or now and then?",
        values=("daily", "weekly", "occasional"),
        dimension=5,
        sources=("001",),
        essential=False,
        asked=False,
    ),
    Criterion(
        id="life_impact",
        label="Disruption to life",
        question="Has it cost you anything, like work, relationships, money or your health?",
        reask="Has it caused serious problems, some problems, or hardly any?",
        values=("major", "some", "little"),
        dimension=5,
        sources=("001",),
        essential=False,
        asked=False,
    ),
    Criterion(
        id="withdrawal",
        label="Withdrawal",
        question=(
            "When you cut back or stop, do you get withdrawal symptoms such as shakes, sweats, "
            "seeing or hearing things, or seizures? Have you ever had a seizure or DTs when stopping?"
        ),
        reask=("Do you get withdrawal symptoms when you stop? None, mild ones, or serious ones like seizures or "
               "seeing things?"),
        values=("none", "mild", "dangerous"),
        value_labels={"dangerous": "dangerous signs (severe shakes, hallucinations, seizures or DTs)"},
        buttons=(("No symptoms", "none"), ("Mild ones", "mild"), ("Seizures, hallucinations or DTs", "dangerous")),
        dimension=1,
        sources=("000",),
    ),
    Criterion(
        id="recent_treatment",
        label="Recent treatment",
        question=(
            "Have you had any treatment recently? For example a stay in rehab or hospital, "
            "an intensive outpatient program you finished, or outpatient counseling that wasn't enough. "
            "And have you had a relapse lately, or do you feel at risk of one?"
        ),
        reask="Any treatment in the last few months: rehab or inpatient, an IOP, outpatient therapy, or none?",
        values=("residential_discharge", "completed_iop", "op_not_enough", "none"),
        value_labels={
            "residential_discharge": "recently left residential or inpatient care",
            "completed_iop": "completed an intensive outpatient program",
            "op_not_enough": "tried outpatient care and it was not enough",
            "none": "no recent treatment",
        },
        buttons=(("Rehab or inpatient", "residential_discharge"), ("Finished an IOP", "completed_iop"),
                 ("Outpatient wasn't enough", "op_not_enough"), ("None", "none")),
        dimension=5,
        sources=("000", "001", "002", "003"),
        also_asks="relapse",
    ),
    Criterion(
        id="relapse",
        label="Relapse",
        question="Have you had a relapse recently, or do you feel at risk of one?",
        reask="Recent relapse, several relapses, feeling at risk, or none of those?",
        values=("recent_relapse", "multiple_relapses", "at_risk", "none"),
        value_labels={
            "recent_relapse": "a recent relapse",
            "multiple_relapses": "several relapses despite treatment",
            "at_risk": "feels at risk of relapse",
            "none": "no recent relapse",
        },
        buttons=(("Recent relapse", "recent_relapse"), ("Several relapses", "multiple_relapses"),
                 ("I feel at risk", "at_risk"), ("No", "none")),
        dimension=5,
        sources=("000", "002", "003"),
    ),
    Criterion(
        id="mental_health",
        label="Mental health",
        question=(
            "Are you also dealing with anything like depression, anxiety, PTSD or bipolar disorder, "
            "whether or not it has been diagnosed?"
        ),
        reask="Any mental-health concerns alongside this, yes or no?",
        values=("yes", "no"),
        value_labels={"yes": "co-occurring mental-health concerns", "no": "no mental-health concerns"},
        buttons=(("Yes", "yes"), ("No", "no")),
        dimension=3,
        sources=("000", "002", "003"),
    ),
    Criterion(
        id="home",
        label="Home environment",
        question=(
            "How are things at home? Is it a stable, safe place for your recovery, or is it unstable "
            "or full of triggers, like people using around you?"
        ),
        reask="Would you say home is stable, unstable, or full of triggers?",
        values=("stable", "unstable", "triggering"),
        value_labels={"triggering": "full of triggers"},
        buttons=(("Stable", "stable"), ("Unstable", "unstable"), ("Full of triggers", "triggering")),
        dimension=6,
        sources=("002", "003"),
    ),
    Criterion(
        id="support",
        label="Support",
        question="Do you have family or friends who support your recovery?",
        reask="Is your support strong, some, strained, or none at all?",
        values=("strong", "some", "strained", "none"),
        value_labels={
            "strong": "strong support from family or friends",
            "some": "some support",
            "strained": "strained family relationships",
            "none": "no support",
        },
        buttons=(("Strong support", "strong"), ("Some", "some"), ("It's strained", "strained"), ("None", "none")),
        dimension=6,
        sources=("000", "001", "002"),
    ),
    Criterion(
        id="commitments",
        label="Commitments",
        question=("Do you have work, school, or caring for children or family to fit treatment around? "
                  "And when could you usually come: mornings, during the day, evenings, or is it flexible?"),
        reask="Work, school, caregiving, or none of those?",
        values=("work", "school", "caregiving", "none"),
        value_labels={"caregiving": "caring for family", "none": "no work, school or caregiving"},
        buttons=(("Work", "work"), ("School", "school"), ("Caregiving", "caregiving"), ("None", "none")),
        dimension=6,
        sources=("001", "002", "004"),
        essential=False,
        multiple=True,
        also_asks="schedule",
    ),
    Criterion(
        id="hours_available",
        label="Hours available",
        question="About how many hours a week could you set aside for treatment?",
        reask="A rough number is fine, like 3, 10 or 20 hours a week.",
        values=(),
        dimension=6,
        sources=("001", "004"),
        essential=False,
        numeric=True,
    ),
    Criterion(
        id="schedule",
        label="When",
        question="When could you attend: mornings, during the day, evenings, or is it flexible?",
        reask="Mornings, daytime, evenings, or flexible?",
        values=("mornings", "daytime", "evenings", "flexible"),
        buttons=(("Mornings", "mornings"), ("Daytime", "daytime"), ("Evenings", "evenings"), ("Flexible", "flexible")),
        dimension=6,
        sources=("002",),
        essential=False,
    ),
    Criterion(
        id="court_ordered",
        label="Court-ordered",
        question=("Is treatment required by a court, probation or a drug court? "
                  "And would you use insurance, or pay for treatment yourself?"),
        reask="Is it court-ordered, yes or no?",
        values=("yes", "no"),
        value_labels={"yes": "court-ordered treatment", "no": "not court-ordered"},
        buttons=(("Yes", "yes"), ("No", "no")),
        dimension=4,
        sources=("000",),
        essential=False,
        also_asks="payment",
    ),
    Criterion(
        id="needs_supervision",
        label="Needs 24-hour supervision",
        question="Do you feel you would need people around you day and night to stay safe from using?",
        reask="Would you need round-the-clock support, yes or no?",
        values=("yes", "no"),
        value_labels={"yes": "needs 24-hour supervision", "no": "does not need 24-hour supervision"},
        dimension=6,
        sources=("001", "003"),
        essential=False,
        asked=False,
    ),
    Criterion(
        id="can_live_at_facility",
        label="Can live at a facility",
        question=(
            "Some people do best staying at a treatment facility for a while. Would that be possible "
            "for you, or would work, children or cost make it hard?"
        ),
        reask="Could you stay at a facility for a few weeks, yes or no?",
        values=("yes", "no"),
        value_labels={"yes": "could live at a facility", "no": "cannot live at a facility"},
        buttons=(("Yes, I could", "yes"), ("No, I can't", "no")),
        dimension=6,
        sources=("004",),
        essential=False,
        ask_if=_residential_possible,
    ),
    Criterion(
        id="payment",
        label="Payment",
        question="Would you use insurance, or pay for treatment yourself?",
        reask="Insurance, self-pay, or not sure yet?",
        values=("insurance", "self_pay"),
        value_labels={"self_pay": "paying themselves"},
        buttons=(("Insurance", "insurance"), ("Self-pay", "self_pay"), ("Not sure", UNKNOWN)),
        dimension=6,
        sources=("003", "004"),
        essential=False,
    ),
    Criterion(
        id="attend_commitment",
        label="Commitment to attend",
        question="Outpatient care works best when every session is attended. Could you commit to that?",
        reask="Could you commit to attending every session: yes, not sure, or no?",
        values=("yes", "unsure", "no"),
        value_labels={"yes": "committed to attend every session", "unsure": "unsure about attending every session",
                      "no": "cannot commit to every session"},
        buttons=(("Yes", "yes"), ("Not sure", "unsure"), ("No", "no")),
        dimension=4,
        sources=("000",),
        essential=False,
    ),
)

BY_ID: dict[str, Criterion] = {criterion.id: criterion for criterion in CRITERIA}


def criterion(criterion_id: str) -> Criterion:
    """The criterion with this id (KeyError when there is none)."""
    return BY_ID[criterion_id]


def asked_criteria(answers: Mapping[str, object]) -> list[str]:
    """The ids the form asks for, in order, given what is already known."""
    return [
        c.id for c in CRITERIA if c.asked and (c.ask_if is None or c.ask_if(answers))
    ]


def missing_essentials(answers: Mapping[str, object]) -> list[str]:
    """Essential criteria with no answer or an unknown one."""
    return [
        c.id for c in CRITERIA if c.essential and answers.get(c.id) in (None, UNKNOWN, [], ())
    ]


# How a counselor's question names a criterion, for reading call transcripts (bot/replay): the
# caller's short answer ("yeah, rehab, got out in march") is read as an answer to the criterion the
# agent's preceding question asked about. A cue matches at the start of a word, in any case, so
# "support" also matches "supportive". A cue written "words=value" also says what a plain "yes"
# means when the question named it ("Any seizures when you stop?" "Yes." -> withdrawal dangerous).
QUESTION_CUES: dict[str, tuple[str, ...]] = {
    "substances": ("substance", "drug of choice", "what are you using", "what do you use", "what are you taking",
                   "what do you drink", "which drug", "what drugs", "using anything", "alcohol=alcohol",
                   "drinking=alcohol", "opioid=opioids", "opiate=opioids", "heroin=opioids", "fentanyl=opioids",
                   "painkiller=opioids", "pills", "benzo=benzodiazepines", "xanax=benzodiazepines",
                   "meth=stimulants", "cocaine=stimulants", "stimulant=stimulants", "weed=cannabis",
                   "marijuana=cannabis", "cannabis=cannabis"),
    "severity": ("how bad", "how severe", "severity", "mild, moderate", "mild moderate", "scale of",
                 "affecting your life", "affecting your day", "how serious", "how much of a problem",
                 "out of control=severe"),
    "use_frequency": ("how often", "how many days", "every day=daily", "daily=daily", "each day=daily",
                      "how frequently", "on weekends=weekly"),
    "life_impact": ("cost you", "lost your job=major", "affected your work", "affected your job",
                    "consequences", "gotten in the way", "caused problems"),
    "withdrawal": ("withdrawal", "withdrawals", "when you stop", "when you cut", "when you quit",
                   "seizure=dangerous", "dts=dangerous", "delirium=dangerous", "hallucinat=dangerous",
                   "seeing things=dangerous", "shakes=mild", "shaky=mild", "tremor=mild", "sweats", "dope sick=mild",
                   "sick when", "detox"),
    "recent_treatment": ("treatment before", "any treatment", "treatment history", "previous treatment",
                         "prior treatment", "been in treatment", "been to treatment", "had treatment",
                         "rehab", "inpatient", "residential", "detox before", "in a program", "a program before",
                         "intensive outpatient", "iop", "counseling before",
                         "therapy before", "sought help", "gotten help before", "in treatment"),
    "relapse": ("relapse", "relapsed", "slip", "used again", "drank again", "using again", "drinking again",
                "at risk=at_risk", "close to using=at_risk", "cravings=at_risk", "clean time", "sober time",
                "stayed sober", "stay sober", "stay clean"),
    "mental_health": ("mental health", "depress", "anxiety", "anxious", "ptsd", "bipolar", "trauma",
                      "psychiatric", "diagnos", "emotional", "mood", "panic"),
    "home": ("at home", "home life", "home situation", "home environment", "living situation", "live with",
             "living with", "where are you living", "where do you live", "where you live", "housing",
             "place to stay", "stable place", "safe place", "home safe", "home stable", "roof",
             "using around you", "drinking around you"),
    "support": ("support", "in your corner", "lean on", "family or friends", "friends or family",
                "anyone who helps", "anybody who helps", "people who help", "sponsor"),
    "commitments": ("work=work", "working=work", "job=work", "employ=work", "school=school", "college=school",
                    "student=school", "classes", "kids=caregiving", "children=caregiving", "childcare=caregiving",
                    "take care of=caregiving", "taking care of=caregiving", "caregiv=caregiving",
                    "caring for=caregiving", "responsibilit", "obligation", "schedule around"),
    "hours_available": ("how many hours", "hours a week", "hours per week", "hours each week", "how much time",
                        "time could you", "time can you", "time would you", "set aside"),
    "schedule": ("what time", "time of day", "mornings", "evenings", "daytime", "during the day",
                 "availability", "when could you", "when can you", "when would you", "when are you available",
                 "nights", "afternoons"),
    "court_ordered": ("court", "probation", "parole", "judge", "legal", "mandated", "required by", "dui", "dwi"),
    "needs_supervision": ("24-hour", "24 hour", "around the clock", "day and night", "supervision",
                          "supervised", "someone with you"),
    "can_live_at_facility": ("stay at a facility", "stay at the facility", "live at a facility",
                             "live at the facility", "stay overnight", "stay there", "go away for",
                             "stay for a few weeks", "stay for 30 days", "residential stay", "live-in", "live in",
                             "inpatient stay", "be away from home"),
    "payment": ("insurance", "insured", "pay for", "paying", "self-pay", "self pay", "out of pocket",
                "coverage", "medicaid", "medicare", "payment", "cost"),
    "attend_commitment": ("commit", "every session", "each session", "all the sessions", "show up",
                          "make it to", "attend regularly", "able to attend", "attend all"),
}
