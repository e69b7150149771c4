"""A generator of synthetic news corpora with many fictional stories (for speed benches/tests).

Each story is one fictional event (a fire, a vote, a trial, a storm, a merger, …) in an
invented place with invented people, organisations, numbers and a date; several outlets
report it over a few days with different headlines, different sentence orders and
wordings, and shared background filler. Story sizes follow a heavy-tailed law (many
single reports, a few big stories), dates spread over a year. Everything is derived
from a seed, so a corpus is reproducible.

    python -m bench.storygen 1000 --out corpus.jsonl   # one article object per line
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storycheck.model import Article, SourceFormat

_SYL = (
    "ar bel cor dun el fen gar hal is jor kel lan mor nor os pel quin ros sal tor ul ven wal "
    "yar zen bra cla dre fro gri ka le mi no pa ri su ta vo wy"
).split()
_FIRST = (
    "Amina Ben Clara David Elena Farid Grace Hugo Ines Jonas Kira Liam Maya Nils Omar Priya "
    "Rosa Sami Tara Umar Vera Wen Yusuf Zoe Aldo Beata Cyril Dalia Emil Freya"
).split()
_OUTLETS = (
    "Herald Courier Gazette Post Observer Ledger Chronicle Times Tribune Messenger Record "
    "Journal Star Press Dispatch Bulletin Sentinel Mercury Echo Standard"
).split()

# event kind → (headline templates, body templates); slots: {place} {person} {org} {n} {m}
# {role} {thing} {day}
_EVENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fire": (
        (
            "Fire at {org} {thing} forces evacuation of {n} in {place}",
            "{place} blaze: {n} residents evacuated as {thing} burns",
            "Crews battle fire at {place} {thing} for {m} hours",
        ),
        (
            "A fire broke out at the {org} {thing} in {place} on {day}, forcing {n} people "
            "from their homes.",
            "Fire chief {person} said {m} crews fought the flames through the night.",
            "Residents near the {thing} were told to keep windows closed because of the smoke.",
            "The cause of the fire at the {thing} is under investigation, {person} said.",
            "About {n} people spent the night in emergency shelters in {place}.",
            "{org} said it was cooperating fully with investigators.",
        ),
    ),
    "vote": (
        (
            "{place} council approves {thing} plan in {n}-{m} vote",
            "Green light for {place} {thing} after council vote",
            "Councillors back {thing} for {place} despite objections",
        ),
        (
            "Councillors in {place} voted {n} to {m} on {day} to approve the {thing}.",
            "Council leader {person} called the decision a turning point for the town.",
            "Opponents, led by the {org}, said the {thing} would cost too much.",
            "The {thing} is expected to cost {n} million and open within {m} years.",
            "{person} said work on the {thing} could start next spring.",
            "Campaigners from the {org} vowed to challenge the vote.",
        ),
    ),
    "trial": (
        (
            "{person} found guilty in {place} {thing} case",
            "Jury convicts {person} over {thing} at {place} court",
            "{place} court hears {thing} case against {person}",
        ),
        (
            "A jury in {place} found {person} guilty on {day} of charges linked to the {thing}.",
            "Prosecutors said {person} took {n} thousand from the {org}.",
            "The trial lasted {m} weeks and heard from dozens of witnesses.",
            "Lawyers for {person} said they would appeal the verdict.",
            "Sentencing is expected next month, the court said.",
            "The {org} said it welcomed the end of the {thing} case.",
        ),
    ),
    "storm": (
        (
            "Storm {person} cuts power to {n} homes in {place}",
            "{place} hit by floods as Storm {person} sweeps in",
            "Thousands without power after storm batters {place}",
        ),
        (
            "Storm {person} brought winds of {m} miles per hour to {place} on {day}.",
            "About {n} homes lost power, according to the {org}.",
            "Rivers burst their banks near the {thing}, flooding several streets.",
            "Forecasters warned that more rain would fall over {place} overnight.",
            "The {org} said engineers were working to restore supplies within {m} hours.",
            "Schools in {place} were closed as a precaution.",
        ),
    ),
    "merger": (
        (
            "{org} agrees to buy {thing} maker in {n} million deal",
            "{org} takeover of {place} {thing} firm approved",
            "Shares jump as {org} confirms {place} deal",
        ),
        (
            "The {org} said on {day} that it would buy the {place} {thing} maker for {n} million.",
            "Chief executive {person} said the deal would create {m} hundred jobs.",
            "Regulators are expected to review the {thing} deal.",
            "Shares in the {org} rose {m} percent after the announcement.",
            "{person} said the {place} site would stay open.",
            "Unions said they wanted guarantees for workers at the {thing} plant.",
        ),
    ),
    "protest": (
        (
            "Thousands march in {place} against {thing} plan",
            "{place} protest over {thing} draws {n} people",
            "Police and protesters clash in {place} over {thing}",
        ),
        (
            "Around {n} people marched through {place} on {day} to protest against the {thing}.",
            "Organiser {person} of the {org} said the {thing} would harm local families.",
            "Police said {m} people were arrested during the march.",
            "The march ended with speeches outside the town hall in {place}.",
            "{person} said further protests against the {thing} were planned.",
            "Officials said they would meet the {org} next week.",
        ),
    ),
    "science": (
        (
            "{place} researchers discover {thing} in {org} study",
            "Scientists in {place} report {thing} breakthrough",
            "{org} team finds {thing} after {m}-year search",
        ),
        (
            "Researchers at the {org} in {place} said on {day} that they had found a {thing}.",
            "Lead author {person} said the team studied {n} samples over {m} years.",
            "The {thing} had not been recorded in {place} before, the study said.",
            "Other scientists called the {thing} finding important but said it needed checking.",
            "{person} said the team would publish the full {thing} data next year.",
            "The {org} study was funded by a {n} thousand grant.",
        ),
    ),
    "election": (
        (
            "{person} wins {place} mayoral race with {m} percent",
            "{place} elects {person} as mayor",
            "{person} of the {org} takes {place} in close race",
        ),
        (
            "{person} of the {org} won the {place} mayoral election on {day} with {m} percent "
            "of the vote.",
            "Turnout was {m} percent, with about {n} votes cast.",
            "{person} promised to focus on the {thing} in the first year.",
            "The defeated candidate conceded late in the evening in {place}.",
            "Supporters of the {org} celebrated outside the count in {place}.",
            "{person} will take office next month.",
        ),
    ),
}
_ORG_KINDS = ("Group", "Trust", "Party", "Institute", "Holdings", "Council", "Union")
_THINGS = (
    "warehouse bridge tram line harbour school library stadium hospital depot refinery "
    "reservoir museum pipeline factory ferry terminal airport runway market hall wind farm "
    "orchid fossil vaccine sensor battery mill quarry"
).split()
_FILLER = (
    "The area has seen several similar incidents in recent years.",
    "Local businesses said they were worried about the impact.",
    "A spokesperson declined to comment further.",
    "More details are expected in the coming days.",
    "The news was widely shared on social media.",
    "Officials urged people to follow updates from the authorities.",
    "It is not yet clear what the long-term effects will be.",
    "Several residents said they had been expecting the news.",
)


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(_SYL) for _ in range(parts)).capitalize()


@dataclass(frozen=True, slots=True)
class _Story:
    kind: str
    slots: dict[str, str]
    start: datetime


def _story(rng: random.Random, base: datetime, span_days: int) -> _Story:
    kind = rng.choice(sorted(_EVENTS))
    place = _name(rng, rng.choice((2, 3)))
    person = f"{rng.choice(_FIRST)} {_name(rng, 2)}"
    org = f"{_name(rng, 2)} {rng.choice(_ORG_KINDS)}"
    thing = rng.choice(_THINGS)
    start = base + timedelta(days=rng.uniform(0, span_days))
    slots = {
        "place": place,
        "person": person,
        "org": org,
        "thing": thing,
        "n": str(rng.randint(12, 4800)),
        "m": str(rng.randint(2, 60)),
        "day": start.strftime("%A"),
    }
    return _Story(kind, slots, start)


def _sizes(rng: random.Random, n: int) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(min(40, max(1, int(rng.paretovariate(1.3)))))
    sizes[-1] -= sum(sizes) - n
    return [s for s in sizes if s > 0]


def generate(n: int, seed: int = 7, span_days: int = 365) -> list[tuple[Article, str]]:
    """``n`` articles with their story labels, in publication order."""
    rng = random.Random(seed)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    items: list[tuple[datetime, int, dict[str, str | datetime], str]] = []
    for s_index, size in enumerate(_sizes(rng, n)):
        story = _story(rng, base, span_days)
        titles, body = _EVENTS[story.kind]
        for a_index in range(size):
            when = story.start + timedelta(hours=rng.uniform(0, 72) * (1 + a_index / 4))
            sentences = list(body)
            rng.shuffle(sentences)
            keep = sentences[: rng.randint(3, len(sentences))]
            keep.insert(0, body[0])
            keep += rng.sample(_FILLER, rng.randint(1, 3))
            text = " ".join(s.format(**story.slots) for s in dict.fromkeys(keep))
            title = rng.choice(titles).format(**story.slots)
            outlet = f"The {_name(rng, 2)} {rng.choice(_OUTLETS)}"
            items.append(
                (
                    when,
                    len(items),
                    {"title": title, "text": text, "outlet": outlet, "when": when},
                    f"story-{s_index}",
                )
            )
    items.sort(key=lambda x: (x[0], x[1]))
    out: list[tuple[Article, str]] = []
    for _, idx, fields, label in items:
        text = str(fields["text"])
        when = fields["when"]
        assert isinstance(when, datetime)
        out.append(
            (
                Article(
                    id=hashlib.sha1(f"{seed}-{idx}".encode()).hexdigest()[:16],
                    source=f"synthetic/{seed}/{idx}",
                    format=SourceFormat.JSON,
                    text=text,
                    paragraphs=(text,),
                    sentences=(),
                    content_hash=hashlib.sha1(text.encode()).hexdigest(),
                    title=str(fields["title"]),
                    outlet=str(fields["outlet"]),
                    published=when,
                ),
                label,
            )
        )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic news corpus as JSONL.")
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    with args.out.open("w", encoding="utf-8") as fh:
        for article, label in generate(args.n, args.seed):
            row = {
                "title": article.title,
                "outlet": article.outlet,
                "published": article.published.isoformat() if article.published else None,
                "text": article.text,
                "story": label,
            }
            fh.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    sys.exit(main())
