"""Template generator of synthetic news NLI *training* pairs (never dev/test).

Run from the repo root::

    python -m train.nli.synth            # writes data/nli/train_synth.jsonl

Every pair is built from slot templates written for storycheck (invented people, places and
organisations) and covers the phenomena the news-dev errors concentrate on: attribution
(who said it, who told whom, a source that denies or cannot confirm), hedging (reportedly,
expected to, may, if approved, denied), roles and titles (acting / former / deputy),
numbers, dates and weekdays, negation, agent/patient swaps, partial overlap and plain
paraphrase. Each premise gets one hypothesis per label (the minimal-pair design of the hand
written set). Nothing is read from the news dev/test splits; the output is deterministic
for a seed.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "data" / "nli" / "train_synth.jsonl"

FIRST = (
    "Amira Haddad Lena Voss Tomas Ruiz Kofi Mensah Ingrid Solberg Rafael Duarte Mei Tanaka "
    "Oskar Lind Farah Qureshi Pavel Novak Chiara Bellini Jonas Berg Nadia Karimova Elias Moreau "
    "Sunita Rao Marek Zielinski Aisha Bello Henrik Dahl Yusuf Demir Clara Fontaine Dmitri Orlov "
    "Grace Okafor Luis Navarro Hana Sato Viktor Petrov Imogen Clarke Samir Nasser Eva Lindqvist "
    "Tariq Aziz Beatriz Lopes Arjun Mehta Sofia Marin Kwame Asante Noor Rahman Felix Brandt "
    "Olga Ivanova Mateo Silva Priya Nair Anton Weber Leila Farouk Bruno Costa Yara Haddad "
    "Stefan Kovac Ruth Adeyemi Hugo Laurent Mina Park Idris Bakr Freya Holm Nikolai Sokolov"
).split()
NAMES = [f"{FIRST[i]} {FIRST[i + 1]}" for i in range(0, len(FIRST) - 1, 2)]
PLACES = (
    "Marlow Bay|Corveth|Eastbridge|Santa Lena|Kovara|Port Hollis|Velmont|Drakefield|Ardenne|"
    "Tessaly|Norvik|Casalta|Brenmoor|Lake Orin|Qadira|Halvesund|Ostrava Nova|Pinecrest|Zarem|"
    "Belloc|Riverton|Alvarra|Kestrel Point|Monteva|Sundara|Glenhaven|Torvik|Mirabel"
).split("|")
ORGS = (
    "Halden Energy|Norcrest Bank|Veltra Motors|Apex Freight|Solari Pharma|Brightwave Telecom|"
    "Kormak Steel|Lumen Airlines|Greystone Insurance|Orbis Foods|Cadmus Mining|Tallis Media|"
    "Rivergate Water|Nexum Software|Peregrine Rail|Aldwych Retail"
).split("|")
SOURCES = (
    "the health ministry|the police|the fire service|the army|the interior ministry|"
    "local officials|the company|the coast guard|the regional governor's office|the UN|"
    "the transport ministry|hospital staff|the central bank|the electoral commission|"
    "the union|the airport operator|rescue workers|the city council"
).split("|")
OTHER_SOURCES = (
    "opposition politicians|rights groups|residents|witnesses|a local newspaper|"
    "union leaders|aid agencies|independent monitors|activists|the victims' families|"
    "an industry group|foreign diplomats"
).split("|")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January February March April May June July August September October November December"
).split()

# (role, paraphrase of the role, a different role that cannot be the same person's title)
ROLES = [
    ("finance minister", "the minister in charge of finance", "foreign minister"),
    ("health minister", "the minister responsible for health", "education minister"),
    ("chief executive", "the company's boss", "chief financial officer"),
    ("chief financial officer", "the company's finance chief", "chief executive"),
    ("police chief", "the head of the police", "fire chief"),
    ("mayor", "the city's mayor", "deputy mayor"),
    ("head coach", "the team's manager", "assistant coach"),
    ("defence minister", "the minister of defence", "interior minister"),
    ("central bank governor", "the head of the central bank", "finance minister"),
    ("opposition leader", "the leader of the opposition", "prime minister"),
    ("party chairman", "the party's chairman", "party treasurer"),
    ("army chief", "the head of the armed forces", "navy commander"),
    ("union leader", "the head of the union", "company spokesman"),
    ("chief prosecutor", "the head of the prosecution service", "defence lawyer"),
    ("airport director", "the head of the airport", "airline spokeswoman"),
]
COMPANY_ROLES = (
    "chief executive",
    "finance director",
    "chairman",
    "head of sales",
    "managing director",
)
ROLE_MODIFIERS = [
    ("acting", "interim", "permanent"),
    ("former", "ex-", "current"),
    ("deputy", "number two", ""),
]

# events: (subject-free clause past tense, negated past, paraphrase, unit noun for counts)
COUNT_EVENTS = [
    ("people were killed in {the_event}", "people died in {the_event}", "deaths"),
    ("people were injured in {the_event}", "people were hurt in {the_event}", "injuries"),
    ("people were arrested after {the_event}", "people were detained after {the_event}", "arrests"),
    ("homes were destroyed by {the_event}", "houses were wrecked by {the_event}", "homes"),
    (
        "people were evacuated because of {the_event}",
        "residents had to leave their homes because of {the_event}",
        "evacuees",
    ),
    (
        "workers lost their jobs after {the_event}",
        "employees were laid off after {the_event}",
        "jobs",
    ),
]
INCIDENTS = (
    "the flood|the earthquake|the fire at the market|the train crash|the protest|"
    "the storm|the factory explosion|the landslide|the bus accident|the riot|"
    "the bridge collapse|the chemical leak|the stadium crush|the ferry accident"
).split("|")

# actions: (present-tense base, past, negated past, paraphrase past, opposite past)
ACTIONS = [
    (
        "approve the budget",
        "approved the budget",
        "did not approve the budget",
        "backed the budget",
        "rejected the budget",
    ),
    (
        "raise interest rates",
        "raised interest rates",
        "did not raise interest rates",
        "increased borrowing costs",
        "cut interest rates",
    ),
    (
        "sign the agreement",
        "signed the agreement",
        "did not sign the agreement",
        "put its name to the deal",
        "refused to sign the agreement",
    ),
    (
        "close the factory",
        "closed the factory",
        "did not close the factory",
        "shut down the plant",
        "kept the factory open",
    ),
    (
        "cancel the contract",
        "cancelled the contract",
        "did not cancel the contract",
        "scrapped the contract",
        "renewed the contract",
    ),
    (
        "lift the curfew",
        "lifted the curfew",
        "did not lift the curfew",
        "ended the curfew",
        "extended the curfew",
    ),
    (
        "ban the rally",
        "banned the rally",
        "did not ban the rally",
        "prohibited the rally",
        "allowed the rally",
    ),
    (
        "reopen the border crossing",
        "reopened the border crossing",
        "did not reopen the border crossing",
        "opened the border crossing again",
        "kept the border crossing closed",
    ),
    (
        "cut 500 jobs",
        "cut 500 jobs",
        "did not cut any jobs",
        "eliminated 500 positions",
        "hired 500 new staff",
    ),
    (
        "postpone the election",
        "postponed the election",
        "did not postpone the election",
        "delayed the election",
        "held the election as planned",
    ),
    (
        "recall the ambassador",
        "recalled its ambassador",
        "did not recall its ambassador",
        "called its ambassador home",
        "kept its ambassador in place",
    ),
    (
        "approve the merger",
        "approved the merger",
        "did not approve the merger",
        "cleared the merger",
        "blocked the merger",
    ),
]
ACTORS = (
    "the government|parliament|the city council|the central bank|the regulator|the board|"
    "the court|the ministry|the company|the federation|the cabinet|the senate"
).split("|")
SAID_VERBS = ("said", "told reporters", "announced", "stated", "confirmed")
SAY_PARA = ("said", "stated", "told reporters", "announced")
EXTRA_NEUTRAL = [
    "{name} has held the post for three years.",
    "{name} is expected to stand for re-election next year.",
    "{name} previously worked as a lawyer in {place}.",
    "{name} was criticised by {other} last year.",
    "{name} plans to visit {place} next month.",
    "{name} was born in {place}.",
]


class Gen:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def name(self) -> str:
        return self.r.choice(NAMES)

    def two_names(self) -> tuple[str, str]:
        a, b = self.r.sample(NAMES, 2)
        return a, b

    def place(self) -> str:
        return self.r.choice(PLACES)

    def day(self) -> str:
        return self.r.choice(DAYS)

    def other_day(self, day: str) -> str:
        return self.r.choice([d for d in DAYS if d != day])

    def surname(self, full: str) -> str:
        return full.split()[-1]

    def cap(self, s: str) -> str:
        return s[:1].upper() + s[1:]


Triple = tuple[str, str, str, str]  # premise, entailment, neutral, contradiction


def attribution_figure(g: Gen) -> Triple:
    src, other = g.r.choice(SOURCES), g.r.choice(OTHER_SOURCES)
    n = g.r.randint(5, 60)
    m = n + g.r.randint(10, 120)
    ev, para, _ = g.r.choice(COUNT_EVENTS)
    inc = g.r.choice(INCIDENTS) + " in " + g.place()
    clause = ev.format(the_event=inc)
    pclause = para.format(the_event=inc)
    if g.r.random() < 0.5:
        prem = f"According to {src}, {n} {clause}. {g.cap(other)} put the number at {m}."
    else:
        prem = f"{g.cap(src)} said {n} {clause}, while {other} said the real figure was {m}."
    ent = f"{g.cap(src)} {g.r.choice(SAY_PARA)} that {n} {pclause}."
    neu = g.r.choice([f"{g.cap(str(m))} {pclause}.", f"More than {m - 5} {pclause}."])
    con = g.r.choice(
        [f"{g.cap(other)} said that {n} {pclause}.", f"{g.cap(src)} said that {m} {pclause}."]
    )
    return prem, ent, neu, con


def attribution_unconfirmed(g: Gen) -> Triple:
    other, src = g.r.choice(OTHER_SOURCES), g.r.choice(SOURCES)
    name = g.name()
    claims = [
        (f"{name} had been warned about the danger", f"{name} was warned about the danger"),
        ("shots were fired near the parliament building", "shots were fired close to parliament"),
        ("the driver had been drinking", "the driver had been drinking"),
        ("the minister knew about the payments", "the minister was aware of the payments"),
        ("the dam had been leaking for weeks", "the dam had leaked for weeks"),
        ("the suspect escaped through a window", "the suspect got away through a window"),
    ]
    c, cp = g.r.choice(claims)
    deny = g.r.choice(
        [
            "said it could not confirm those reports",
            "denied the claim",
            "said there was no evidence of this",
            "dismissed the reports as rumours",
        ]
    )
    prem = f"{g.cap(other)} said {c}, but {src} {deny}."
    ent = g.r.choice(
        [f"{g.cap(other)} claimed that {cp}.", f"{g.cap(src)} did not confirm that {cp}."]
    )
    neu = f"{g.cap(cp)}."
    con = f"{g.cap(src)} confirmed that {cp}."
    return prem, ent, neu, con


def attribution_speaker_swap(g: Gen) -> Triple:
    a, b = g.two_names()
    role_a = g.r.choice(ROLES)
    topic = g.r.choice(
        [
            "sales had been disappointing",
            "the project was behind schedule",
            "the talks had failed",
            "the budget would be cut",
            "the plant would stay open",
            "there would be no layoffs this year",
            "the ceasefire was holding",
            "prices would rise in the spring",
        ]
    )
    day = g.day()
    prem = f"{a}, the {role_a[0]}, told {b} on {day} that {topic}."
    ent = f"{g.cap(role_a[1])} told {b} that {topic}."
    neu = f"{b} agreed with {a} that {topic}."
    con = g.r.choice(
        [f"{b} told {a} on {day} that {topic}.", f"{b}, the {role_a[0]}, told {a} that {topic}."]
    )
    return prem, ent, neu, con


def attribution_quote_owner(g: Gen) -> Triple:
    a, b = g.two_names()
    ra, rb = g.r.sample(ROLES, 2)
    quote = g.r.choice(
        [
            "We will not be intimidated",
            "This is a dark day for the country",
            "The money has run out",
            "Nobody will lose their job",
            "We expect a full recovery",
            "The decision was a mistake",
        ]
    )
    prem = f"'{quote},' said {ra[0]} {a}. {g.cap(rb[0])} {b} declined to comment."
    ent = f"{a} said: '{quote}.'"
    neu = f"{a} and {b} are expected to meet next week."
    con = f"{b} said: '{quote}.'"
    return prem, ent, neu, con


def hedging_expected(g: Gen) -> Triple:
    name = g.name()
    role = g.r.choice(ROLES)[0]
    act = g.r.choice(
        [
            ("resign", "resigned", "step down", "has ruled out resigning"),
            (
                "announce her candidacy",
                "announced her candidacy",
                "declare she is running",
                "has said she will not run",
            ),
            (
                "visit " + g.place(),
                "visited " + g.place(),
                "travel to " + g.place(),
                "has cancelled all travel",
            ),
            (
                "sign the decree",
                "signed the decree",
                "put pen to the decree",
                "has refused to sign the decree",
            ),
        ]
    )
    src = g.r.choice(
        [
            "two sources close to the government",
            "people familiar with the matter",
            "officials",
            "aides",
        ]
    )
    when = g.r.choice(["later this week", "next month", "before the summit", "in the coming days"])
    prem = f"{g.cap(role)} {name} is expected to {act[0]} {when}, according to {src}."
    ent = g.r.choice(
        [
            f"{g.cap(src)} say {name} may {act[2]} {when}.",
            f"{name} could {act[2]} {when}, according to {src}.",
        ]
    )
    neu = f"{name} {act[1]} on {g.day()}."
    con = g.r.choice([f"{name} {act[1]} last year.", f"{name} {act[3]}, according to {src}."])
    return prem, ent, neu, con


def hedging_reportedly(g: Gen) -> Triple:
    n = g.r.randint(2, 40)
    ev, para, _ = g.r.choice(COUNT_EVENTS[:3])
    inc = g.r.choice(INCIDENTS) + " in " + g.place()
    hedge = g.r.choice(["reportedly", "allegedly", "said to have been", "believed to have been"])
    clause = ev.format(the_event=inc)
    if hedge in ("reportedly", "allegedly"):
        prem = f"{n} {clause.replace(' were ', f' were {hedge} ', 1)} on {g.day()}."
    else:
        prem = f"{n} {clause.replace(' were ', f' are {hedge} ', 1)}."
    day_free = para.format(the_event=inc)
    ent = g.r.choice([f"Reports say {n} {day_free}.", f"{n} {day_free}, according to reports."])
    neu = f"{n} {day_free}."
    con = g.r.choice(
        [f"There were no reports of anyone hurt in {inc}.", f"No one was reported hurt in {inc}."]
    )
    return prem, ent, neu, con


def hedging_conditional(g: Gen) -> Triple:
    a, b = g.r.sample(ORGS, 2)
    regulator = g.r.choice(["regulators", "the competition authority", "shareholders", "the court"])
    result = g.r.choice(
        [
            (
                "create the largest bank in the region",
                "become the region's biggest bank",
                "the third-largest bank in the region",
            ),
            ("cut 2,000 jobs", "lead to 2,000 job losses", "no job losses at all"),
            (
                "raise prices for customers",
                "make prices go up for customers",
                "lower prices for customers",
            ),
        ]
    )
    prem = f"The takeover of {b} by {a}, if approved by {regulator}, would {result[0]}."
    ent = f"The takeover of {b} by {a} could {result[1]}."
    neu = f"{g.cap(regulator)} have approved the takeover of {b} by {a}."
    con = f"Even if approved, the takeover of {b} by {a} would mean {result[2]}."
    return prem, ent, neu, con


def hedging_denial(g: Gen) -> Triple:
    name = g.name()
    role = g.r.choice(ROLES)[0]
    acc = g.r.choice(
        [
            ("taking bribes", "took bribes", "accepted bribes"),
            ("leaking the report", "leaked the report", "passed the report to journalists"),
            ("misleading parliament", "misled parliament", "gave parliament false information"),
            ("hiding the losses", "hid the losses", "concealed the losses"),
        ]
    )
    prem = f"{g.cap(role)} {name} has denied {acc[0]}, calling the accusations 'baseless'."
    ent = f"{name} rejected claims that {g.r.choice(['he', 'she'])} {acc[1]}."
    neu = f"{name} {acc[2]}."
    con = f"{name} admitted {acc[0]}."
    return prem, ent, neu, con


def hedging_may(g: Gen) -> Triple:
    actor = g.r.choice(ACTORS)
    act = g.r.choice(ACTIONS)
    modal = g.r.choice(["may", "could", "might", "is considering whether to"])
    src = g.r.choice(
        [
            "officials said",
            "a spokesman said",
            "sources said",
            "according to a draft seen by reporters",
        ]
    )
    prem = f"{g.cap(actor)} {modal} {act[0]} next week, {src}."
    ent = f"{g.cap(actor)} is considering a decision to {act[0]}."
    neu = f"{g.cap(actor)} {act[1]}."
    con = f"{g.cap(actor)} has ruled out any plan to {act[0]}."
    return prem, ent, neu, con


def role_change(g: Gen) -> Triple:
    name = g.name()
    role, para, other = g.r.choice(ROLES)
    place = g.place()
    act = g.r.choice(
        [
            "opened the new hospital",
            "announced the plan",
            "met the protesters",
            "visited the flooded area",
            "unveiled the proposal",
        ]
    )
    day = g.day()
    prem = f"{g.cap(role)} {name} {act} in {place} on {day}."
    ent = f"{name}, {para}, {act} in {place}."
    neu = g.r.choice(EXTRA_NEUTRAL).format(
        name=name, place=g.place(), other=g.r.choice(OTHER_SOURCES)
    )
    con = f"{g.cap(other)} {name} {act} in {place} on {day}."
    return prem, ent, neu, con


def role_modifier(g: Gen) -> Triple:
    name = g.name()
    role = g.r.choice(COMPANY_ROLES)
    mod, para, opp = g.r.choice(ROLE_MODIFIERS)
    org = g.r.choice(ORGS)
    act = g.r.choice(
        [
            "said the company would not cut jobs",
            "told staff the plant would stay open",
            "announced record profits",
            "apologised to customers",
        ]
    )
    prem = f"{g.cap(mod)} {role} {name} {act} at {org}."
    if para == "number two":
        ent_role = f"second most senior manager below the {role}"
    else:
        ent_role = f"{para} {role}" if not para.endswith("-") else f"{para}{role}"
    ent = f"{name}, {org}'s {ent_role}, {act.replace('the company', org)}."
    neu = f"{name} has applied for a permanent post at {org}."
    if opp:
        con = f"{org}'s {opp} {role}, {name}, {act.replace('the company', org)}."
    else:
        con = f"{name}, who is {org}'s top {role}, {act.replace('the company', org)}."
    return prem, ent, neu, con


def role_two_people(g: Gen) -> Triple:
    a, b = g.two_names()
    r1, r2 = g.r.sample(ROLES, 2)
    prem = f"{a}, the {r1[0]}, and {b}, the {r2[0]}, held talks in {g.place()} on {g.day()}."
    ent = f"The {r2[0]}, {b}, took part in talks with {a}."
    neu = f"{a} and {b} agreed to meet again next month."
    con = f"{b}, the {r1[0]}, held talks with {a}."
    return prem, ent, neu, con


def number_count(g: Gen) -> Triple:
    n = g.r.randint(12, 400)
    ev, para, _ = g.r.choice(COUNT_EVENTS)
    inc = g.r.choice(INCIDENTS) + " in " + g.place()
    qual = g.r.choice(["at least ", "", "exactly ", ""])
    prem = f"{g.cap(qual)}{n} {ev.format(the_event=inc)}, officials said."
    low = max(1, (n // 10) * 10 - 10) if n > 20 else n - 2
    ent = g.r.choice(
        [f"More than {low} {para.format(the_event=inc)}.", f"Officials put the number at {n}."]
    )
    if ent.startswith("Officials"):
        ent = f"Officials said {n} {para.format(the_event=inc)}."
    neu = g.r.choice(
        [
            f"{g.cap(str(g.r.randint(2, 9)))} of the victims were children.",
            "The number is expected to rise.",
            f"{g.cap(str(n + g.r.randint(20, 300)))} {para.format(the_event=inc).split(' in ')[0]} in the whole region this year.",
        ]
    )
    wrong = g.r.choice([n * 2, n + g.r.randint(5, 50), max(1, n // 3)])
    if qual.strip() == "at least" and wrong > n:
        wrong = max(1, n // 3)
    con = g.r.choice(
        [
            f"Only {wrong} {para.format(the_event=inc)}.",
            f"Officials said {wrong} {para.format(the_event=inc)}.",
        ]
    )
    if not con.startswith("Only") and qual.strip() == "at least":
        con = f"Fewer than {max(2, n // 2)} {para.format(the_event=inc)}."
    return prem, ent, neu, con


def number_money(g: Gen) -> Triple:
    org = g.r.choice(ORGS)
    amt = g.r.choice([1.2, 2.5, 3.8, 4.1, 5.6, 7.3, 8.9, 12.4, 15.0, 21.7])
    unit = g.r.choice(["million", "billion"])
    what = g.r.choice([("profit", "earned"), ("loss", "lost"), ("revenue", "took in")])
    year = g.r.choice(["last year", "in the third quarter", "in the first half"])
    prem = f"{org} reported a {what[0]} of ${amt} {unit} {year}."
    ent = (
        f"{org} {what[1]} about ${round(amt)} {unit} {year}."
        if amt >= 2
        else f"{org} {what[1]} more than $1 {unit} {year}."
    )
    neu = f"{org}'s shares rose after the results were published."
    wrong = round(amt * g.r.choice([2, 3, 0.5]), 1)
    con = g.r.choice(
        [
            f"{org} reported a {what[0]} of ${wrong} {unit} {year}.",
            f"{org}'s {what[0]} {year} was ${amt} {'billion' if unit == 'million' else 'million'}.",
        ]
    )
    return prem, ent, neu, con


def number_percent(g: Gen) -> Triple:
    what = g.r.choice(
        ["Inflation", "Unemployment", "Turnout", "Support for the government", "The jobless rate"]
    )
    p = g.r.randint(3, 70)
    q = p + g.r.choice([-2, -1, 1, 2, 3])
    month = g.r.choice(MONTHS)
    prem = f"{what} {'rose' if q < p else 'fell'} to {p}% in {month}, from {q}% a month earlier."
    ent = f"{what} was {p}% in {month}."
    neu = f"{what} is expected to keep {'rising' if q < p else 'falling'} next year."
    con = g.r.choice(
        [
            f"{what} {'fell' if q < p else 'rose'} in {month}.",
            f"{what} was {p + g.r.randint(5, 15)}% in {month}.",
        ]
    )
    return prem, ent, neu, con


def date_day(g: Gen) -> Triple:
    actor = g.r.choice(ACTORS)
    act = g.r.choice(ACTIONS)
    day = g.day()
    d = g.r.randint(1, 28)
    month = g.r.choice(MONTHS)
    if g.r.random() < 0.5:
        prem = f"{g.cap(actor)} {act[1]} on {day}, a spokesperson said."
        ent = f"{g.cap(actor)} {act[3]} on {day}."
        con = f"{g.cap(actor)} {act[1]} on {g.other_day(day)}."
    else:
        prem = f"{g.cap(actor)} {act[1]} on {d} {month}, a spokesperson said."
        ent = f"{g.cap(actor)} {act[3]} in {month}."
        other_month = g.r.choice([m for m in MONTHS if m != month])
        con = g.r.choice(
            [
                f"{g.cap(actor)} {act[1]} on {d} {other_month}.",
                f"{g.cap(actor)} {act[1]} on {(d % 28) + 1 if d < 27 else d - 5} {month}.",
            ]
        )
    neu = f"{g.cap(actor)} is expected to {g.r.choice(ACTIONS)[0]} next year."
    return prem, ent, neu, con


def date_year(g: Gen) -> Triple:
    name = g.name()
    org = g.r.choice(ORGS)
    y = g.r.randint(1998, 2024)
    prem = f"{name} founded {org} in {y} and ran it until {y + g.r.randint(5, 15)}."
    ent = f"{org} was set up by {name} in {y}."
    neu = f"{name} sold {g.r.choice(['her', 'his'])} stake in {org} last year."
    con = f"{org} was founded by {name} in {y + g.r.choice([-4, -2, 3, 6])}."
    return prem, ent, neu, con


def negation(g: Gen) -> Triple:
    actor = g.r.choice(ACTORS)
    act = g.r.choice(ACTIONS)
    day = g.day()
    if g.r.random() < 0.5:
        prem = f"{g.cap(actor)} {act[1]} on {day} after a long debate."
        ent = f"{g.cap(actor)} {act[3]}."
        con = g.r.choice([f"{g.cap(actor)} {act[2]}.", f"{g.cap(actor)} {act[4]} on {day}."])
    else:
        prem = (
            f"{g.cap(actor)} {act[2]} on {day}, despite pressure from {g.r.choice(OTHER_SOURCES)}."
        )
        ent = f"{g.cap(actor)} declined to {act[0]}."
        con = f"{g.cap(actor)} {act[1]} on {day}."
    neu = f"{g.cap(actor)} will meet again next {g.day()} to discuss the issue."
    return prem, ent, neu, con


def agent_patient(g: Gen) -> Triple:
    a, b = g.two_names()
    verb = g.r.choice(
        [
            ("sued", "took legal action against", "was sued by"),
            ("defeated", "beat", "lost to"),
            ("criticised", "attacked", "was criticised by"),
            ("endorsed", "backed", "was endorsed by"),
            ("replaced", "took over from", "was replaced by"),
            ("interviewed", "questioned", "was interviewed by"),
        ]
    )
    place = g.place()
    prem = f"{a} {verb[0]} {b} in {place} on {g.day()}."
    ent = g.r.choice([f"{a} {verb[1]} {b}.", f"{b} {verb[2]} {a}."])
    neu = f"{a} and {b} have known each other for years."
    con = f"{b} {verb[0]} {a} in {place}."
    return prem, ent, neu, con


def partial_overlap(g: Gen) -> Triple:
    actor = g.r.choice(ACTORS)
    a1, a2 = g.r.sample(ACTIONS, 2)
    day = g.day()
    prem = f"{g.cap(actor)} {a1[1]} on {day}. It gave no details about plans to {a2[0]}."
    ent = f"On {day}, {actor} {a1[3]}."
    neu = f"{g.cap(actor)} {a1[1]} and {a2[1]}."
    con = f"{g.cap(actor)} {a1[4]}, but {a2[1]}."
    return prem, ent, neu, con


def partial_two_facts(g: Gen) -> Triple:
    n = g.r.randint(3, 90)
    inc = g.r.choice(INCIDENTS) + " in " + g.place()
    ev, para, _ = g.r.choice(COUNT_EVENTS[:2])
    day = g.day()
    prem = f"{n} {ev.format(the_event=inc)} on {day}. The cause is still being investigated."
    ent = f"{n} {para.format(the_event=inc)}, and investigators do not yet know why."
    neu = f"{n} {para.format(the_event=inc)}, which was caused by {g.r.choice(['a gas leak', 'faulty wiring', 'heavy rain', 'driver error'])}."
    con = f"{n} {para.format(the_event=inc)}, and officials have already named the cause."
    return prem, ent, neu, con


def paraphrase(g: Gen) -> Triple:
    name = g.name()
    role = g.r.choice(ROLES)
    place = g.place()
    act = g.r.choice(ACTIONS)
    actor = g.r.choice(ACTORS)
    prem = f"{g.cap(actor)} {act[1]} on {g.day()}, {role[0]} {name} told reporters in {place}."
    ent = f"{g.cap(role[1])} said that {actor} had {act[3].split(' ', 1)[0]} {act[3].split(' ', 1)[1]}."
    neu = f"{name} called the decision a 'turning point' for {place}."
    con = f"{name} said {actor} {act[4]}."
    return prem, ent, neu, con


def location(g: Gen) -> Triple:
    p1, p2 = g.r.sample(PLACES, 2)
    inc = g.r.choice(INCIDENTS).replace("the ", "", 1)
    n = g.r.randint(2, 30)
    art = "An" if inc[0] in "aeiou" else "A"
    prem = f"{art} {inc} in {p1} left {n} people injured on {g.day()}, the fire service said."
    ent = f"{n} people were hurt in {art.lower()} {inc} in {p1}."
    neu = f"The {inc} in {p1} was the worst in a decade."
    con = f"{n} people were injured in {art.lower()} {inc} in {p2}."
    return prem, ent, neu, con


GENERATORS: dict[str, tuple[Callable[[Gen], Triple], int]] = {
    # phenomenon of each generator and its weight (relative number of groups)
    "attribution_figure": (attribution_figure, 3),
    "attribution_unconfirmed": (attribution_unconfirmed, 3),
    "attribution_speaker_swap": (attribution_speaker_swap, 2),
    "attribution_quote_owner": (attribution_quote_owner, 2),
    "hedging_expected": (hedging_expected, 3),
    "hedging_reportedly": (hedging_reportedly, 3),
    "hedging_conditional": (hedging_conditional, 1),
    "hedging_denial": (hedging_denial, 2),
    "hedging_may": (hedging_may, 2),
    "role_change": (role_change, 2),
    "role_modifier": (role_modifier, 2),
    "role_two_people": (role_two_people, 2),
    "number_count": (number_count, 2),
    "number_money": (number_money, 1),
    "number_percent": (number_percent, 1),
    "date_day": (date_day, 2),
    "date_year": (date_year, 1),
    "negation": (negation, 2),
    "agent_patient": (agent_patient, 2),
    "partial_overlap": (partial_overlap, 2),
    "partial_two_facts": (partial_two_facts, 1),
    "paraphrase": (paraphrase, 1),
    "location": (location, 1),
}


def phenomenon(kind: str) -> str:
    """The phenomenon tag of a generator (the hand-written set's names where they exist)."""
    if kind.startswith("partial_"):
        return "partial_overlap"
    return kind if kind == "agent_patient" else kind.split("_")[0]


# unrelated sentences put around some premises, so the fitted models see paragraph
# premises where most sentences say nothing about the hypothesis; their names and places
# are drawn from pools no template uses, so they cannot change a label
FILLER_PLACES = ("Aldermoor", "Vesna Bay", "Quillon", "Stormhaven", "Larkfield", "Ombria")
FILLER_PEOPLE = ("Rosa Ibarra", "Ken Holloway", "Dana Whitcombe", "Ilse Maurer", "Obi Nwosu")
FILLER = (
    "Heavy rain is forecast for {place} over the weekend.",
    "The museum in {place} reopened to visitors after a two-year renovation.",
    "{person}, a local historian, has written a book about the port of {place}.",
    "Tickets for the summer music festival in {place} sold out within hours.",
    "A new cycle lane linking {place} with the coast opened last spring.",
    "The football club of {place} won its third match in a row on Saturday.",
    "Schools in {place} will close a week early for the holidays.",
    "{person} was named head of the chamber orchestra of {place} last year.",
)


def distract(premise: str, rng: random.Random) -> tuple[str, int]:
    """The premise with one or two unrelated sentences before and/or after it."""
    n = rng.choice((1, 2))
    fill = [
        rng.choice(FILLER).format(place=rng.choice(FILLER_PLACES), person=rng.choice(FILLER_PEOPLE))
        for _ in range(n)
    ]
    if n == 2:
        return f"{fill[0]} {premise} {fill[1]}", n
    return (f"{fill[0]} {premise}" if rng.random() < 0.5 else f"{premise} {fill[0]}"), n


def generate(groups: int, seed: int, distractor_share: float = 0.0) -> list[dict[str, object]]:
    """``groups`` premises x 3 hypotheses; ``distractor_share`` of the premises get unrelated
    sentences around them (a separate random stream: the pairs themselves do not change)."""
    rng = random.Random(seed)
    drng = random.Random(seed + 1)
    g = Gen(rng)
    names = list(GENERATORS)
    weights = [GENERATORS[n][1] for n in names]
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    k = 0
    while k < groups:
        kind = rng.choices(names, weights)[0]
        prem, ent, neu, con = GENERATORS[kind][0](g)
        if prem in seen:
            continue
        seen.add(prem)
        k += 1
        fillers = 0
        if drng.random() < distractor_share:
            prem, fillers = distract(prem, drng)
        for label, hyp in (("entailment", ent), ("neutral", neu), ("contradiction", con)):
            rows.append(
                {
                    "id": f"s-{len(rows) + 1:05d}",
                    "group": f"s-g{k:04d}",
                    "premise": prem,
                    "hypothesis": hyp,
                    "label": label,
                    "phenomenon": phenomenon(kind),
                    "template": kind,
                    "distractors": fillers,
                    "split": "train",
                }
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument(
        "--distractor-share", type=float, default=0.0, help="premises with unrelated sentences"
    )
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    rows = generate(args.groups, args.seed, args.distractor_share)
    args.out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} pairs -> {args.out}")


if __name__ == "__main__":
    main()
