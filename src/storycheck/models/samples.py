"""Deterministic news-like text for smoke checks and benchmarks (no data files needed).

Sentences are built from templates with people, organisations, places, figures and
dates, so lengths and vocabulary vary the way wire copy does. NLI pairs come in three
kinds: a paraphrase (entailment), the same report with a changed death toll or a
denial (contradiction), and an unrelated statement about the same place (neutral).
"""

from __future__ import annotations

import random

PEOPLE = (
    "Angela Merkel", "Joe Biden", "Emmanuel Macron", "Narendra Modi", "Jacinda Ardern",
    "Olaf Scholz", "Keir Starmer", "Giorgia Meloni", "Luiz Inácio Lula da Silva", "Fumio Kishida",
    "Maria Gonzalez", "David Chen", "Amina Yusuf", "Tom Novak", "Priya Raman", "John Okafor",
)  # fmt: skip
ORGS = (
    "the World Health Organization", "Siemens", "the European Central Bank", "Reuters",
    "the United Nations", "Toyota", "the Federal Reserve", "Amnesty International", "NATO",
    "the International Monetary Fund", "Boeing", "Greenpeace", "the Red Cross", "Shell",
)  # fmt: skip
PLACES = (
    "Berlin", "Nairobi", "São Paulo", "Jakarta", "Kyiv", "Manila", "Lagos", "Toronto",
    "Madrid", "Seoul", "Cairo", "Lima", "Warsaw", "Dhaka", "Melbourne", "Istanbul",
)  # fmt: skip
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EVENTS = (
    "an earthquake", "a factory fire", "a train derailment", "flash floods", "a bus crash",
    "a building collapse", "a ferry accident", "a gas explosion", "a landslide", "a heatwave",
)  # fmt: skip
TOPICS = (
    "climate policy", "trade tariffs", "energy prices", "migration", "the budget deficit",
    "housing costs", "vaccine supplies", "interest rates", "food security", "cyber security",
)  # fmt: skip

_TEMPLATES = (
    "{person} met officials from {org} in {place} on {day} to discuss {topic}.",
    "At least {n} people were killed and {m} injured in {event} in {place} on {day}, "
    "officials said.",
    "{org} said on {day} that it would cut {n} jobs, blaming {topic}.",
    "Police in {place} arrested {n} people after protests over {topic} turned violent.",
    '"We will not accept this," {person} told reporters in {place} on {day}.',
    "Shares of {org} fell {pct}% after the company lowered its forecast, citing {topic}.",
    "{person}, who has led {org} since {year}, announced her resignation on {day}.",
    "The ministry in {place} said inflation rose to {pct}% in {month}, the highest since {year}.",
    "Rescue teams searched for survivors of {event} near {place} for a {ordinal} day.",
    "According to a spokesperson for {org}, talks on {topic} will resume in {place} next {day}.",
    "{person} visited {place} on {day}, two weeks after {event} left {n} people homeless.",
    "Critics accused {org} of ignoring warnings about {topic} for more than {m} years.",
    "Voters in {place} go to the polls on {day} in an election dominated by {topic}.",
    "{org} pledged ${n} million to help {place} recover from {event}.",
)
_MONTHS = ("January", "March", "May", "July", "September", "November")
_ORDINALS = ("second", "third", "fourth", "fifth")


def _slots(rng: random.Random) -> dict[str, object]:
    return {
        "person": rng.choice(PEOPLE),
        "org": rng.choice(ORGS),
        "place": rng.choice(PLACES),
        "day": rng.choice(DAYS),
        "event": rng.choice(EVENTS),
        "topic": rng.choice(TOPICS),
        "n": rng.randint(2, 900),
        "m": rng.randint(2, 60),
        "pct": round(rng.uniform(0.5, 12.0), 1),
        "year": rng.randint(1995, 2022),
        "month": rng.choice(_MONTHS),
        "ordinal": rng.choice(_ORDINALS),
    }


def news_sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` varied news-style sentences (deterministic for a seed)."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        text = _TEMPLATES[i % len(_TEMPLATES)].format(**_slots(rng))
        if rng.random() < 0.25:  # some longer, two-clause sentences
            text = (
                text[:-1]
                + ", "
                + rng.choice(
                    (
                        "according to local media.",
                        "a claim the government denied.",
                        "in what analysts called a turning point for the region.",
                        "although the figures could not be independently verified.",
                    )
                )
            )
        out.append(text)
    return out


def nli_pairs(
    n: int, seed: int = 0, *, paragraphs: bool = True
) -> list[tuple[tuple[str, str], str]]:
    """``n`` ``((premise, hypothesis), label)`` items; labels are NLI_LABELS names.

    With ``paragraphs`` about half the premises are three-sentence paragraphs (the
    report's sentence in the middle), as storycheck's evidence often is; without, every
    premise is one sentence.
    """
    rng = random.Random(seed)
    out: list[tuple[tuple[str, str], str]] = []
    for i in range(n):
        s = _slots(rng)
        n_dead = rng.randint(3, 80)
        premise = (
            f"At least {n_dead} people were killed in {s['event']} in {s['place']} on "
            f"{s['day']}, officials said."
        )
        kind = i % 3
        if kind == 0:
            event = str(s["event"])
            hypothesis = f"{event[0].upper()}{event[1:]} in {s['place']} left people dead."
            label = "entailment"
        elif kind == 1:
            hypothesis = (
                f"Nobody was killed in {s['event']} in {s['place']} on {s['day']}."
                if rng.random() < 0.5
                else f"At least {n_dead + rng.randint(20, 200)} people were killed in "
                f"{s['event']} in {s['place']} on {s['day']}."
            )
            label = "contradiction"
        else:
            hypothesis = (
                f"{s['person']} will visit {s['place']} next month to discuss {s['topic']}."
            )
            label = "neutral"
        if paragraphs and (i % 3 == 2 or rng.random() < 0.33):
            premise = " ".join(
                (news_sentences(1, seed=seed * 7919 + i)[0], premise, news_sentences(1, seed=i)[0])
            )
        out.append(((premise, hypothesis), label))
    return out


def short_texts() -> list[str]:
    """A handful of sentences for quick smoke checks."""
    return [
        "The minister resigned on Tuesday after the scandal.",
        "On Tuesday the minister quit following the scandal.",
        "Heavy rain flooded the stadium car park.",
        "Angela Merkel met executives from Siemens in Berlin on Monday.",
    ]
