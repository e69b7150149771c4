"""Who said what: direct quotes and reported speech, with the speaker resolved.

Direct quotes are found between quote marks (straight or typographic, across sentence
boundaries within a paragraph); a quoted span of fewer than three words is a term in
quotes ("constructive"), not a quote. The speaker comes from the speech verb around the
quote ("…,” said X", "X told reporters: “…”", "…, adding, “…”"), found in the parse:

- a named subject → that name, mapped to the article's full form of it ("Putin" → "Vladimir
  Putin");
- a pronoun → the most recent person named before the quote;
- an unnamed subject ("a senior Ukrainian diplomat", "sources close to the talks") →
  that phrase, marked anonymous;
- "according to X" and "statements from X" → X;
- no speech verb in the sentence → the speaker of the previous quote in the paragraph;
- a sentence that says it is passed on ("Putin reportedly expressed …") right after a
  named person's statement in the same paragraph → that person, not its subject.

Reported speech ("Peskov claimed that …", "X characterized the situation as …") gives a
quote with ``direct=False`` whose text is the whole sentence.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from storycheck.claims.entities import ROLE_NOUNS, PersonIndex, is_role_word
from storycheck.model import Entity, Quote

SPEECH_VERBS = frozenset(
    """say tell add state claim describe insist warn note explain argue announce confirm deny
    admit acknowledge praise criticize criticise call suggest stress emphasize emphasise
    underscore reiterate declare proclaim assert maintain write tweet post reply respond comment
    remark observe predict vow pledge promise accuse characterize characterise articulate
    encapsulate communicate express concede caution urge question dismiss reject welcome lament
    complain recall ask report reveal disclose allege contend signal indicate""".split()
)
ANONYMOUS_HEADS = frozenset(
    """official officials source sources insider insiders diplomat diplomats aide aides person
    people adviser advisers advisor advisors analyst analysts expert experts observer observers
    spokesperson spokesman spokeswoman member members staffer staffers report reports statement
    statements""".split()
)
SPEAKING_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
PRONOUNS = frozenset({"he", "she", "they", "i", "we"})
_QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("«", "»"))
_SINGLE = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[(\[—–-]))‘([^‘’]{3,}?)’(?=[\s,.;:!?)\]—–-]|$)")
MIN_QUOTE_WORDS = 3
#: words that say a sentence is passed on by someone ("Putin reportedly expressed …"): its
#: source is the speaker of the sentence before, in the same paragraph, not its subject
RELAYED = frozenset({"reportedly", "allegedly", "purportedly", "supposedly"})


@dataclass(frozen=True, slots=True)
class _Speaker:
    name: str | None
    anonymous: bool = False


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Inner spans of quoted passages with at least three words, in text order."""
    spans: list[tuple[int, int]] = []
    for opening, closing in _QUOTE_PAIRS:
        i = 0
        while True:
            start = text.find(opening, i)
            if start < 0:
                break
            end = text.find(closing, start + 1)
            if end < 0:
                break
            inner = text[start + 1 : end]
            if "\n\n" in inner:  # quotes do not run across paragraphs here
                i = start + 1
                continue
            if len(inner.split()) >= MIN_QUOTE_WORDS:
                spans.append((start + 1, end))
            i = end + 1
    spans.extend(m.span(1) for m in _SINGLE.finditer(text) if len(m.group(1).split()) >= 3)
    return sorted(set(spans))


@dataclass(frozen=True, slots=True)
class _Context:
    """What speaker resolution knows about the article: names and their roles."""

    names: Mapping[str, str]  # mention text → canonical name
    people: PersonIndex

    @classmethod
    def build(cls, text: str, entities: list[Entity]) -> _Context:
        names = {text[s:e]: ent.name for ent in entities for s, e in ent.mentions}
        names.update({re.sub(r"[’']s$", "", k).strip(): v for k, v in list(names.items())})
        return cls(names, PersonIndex(entities))

    def last_person_before(self, char: int) -> str | None:
        person = self.people.last_before(char)
        return person.name if person else None

    def person_with_role(self, phrase: Any, char: int) -> str | None:
        """'the Russian president' → the person most recently given a matching role."""
        modifiers = {t.lower_ for t in phrase.subtree if t.i != phrase.i and t.is_alpha}
        modifiers -= {"the", "a", "an", "this", "that"}
        person = self.people.with_role(modifiers, char, head=phrase.lemma_)
        return person.name if person else None


def _entity_name(token: Any, ctx: _Context) -> str | None:
    """The named entity a token belongs to, mapped to its canonical form."""
    if token.ent_type_ not in SPEAKING_LABELS:
        return None
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            start = _name_start(token, ent.start)
            raw = re.sub(r"[’']s$", "", token.doc[start : ent.end].text).strip()
            return ctx.names.get(raw, raw)
    return None


def _name_start(token: Any, start: int) -> int:
    """Where a name really starts when the recogniser cut it at a conjunction: proper
    nouns of the token's own phrase, joined by "and", "of" or "&", to the left of
    ``start`` ("[Larrow Valley Fire and] Rescue Service")."""
    phrase = {t.i for t in token.subtree}
    doc = token.doc
    i, joined = start - 1, False
    while i >= 0 and i in phrase:
        word = doc[i]
        joins = word.lower_ in ("and", "of", "&") and i - 1 in phrase and doc[i - 1].pos_ == "PROPN"
        if (word.pos_ != "PROPN" or word.lower_ in ROLE_NOUNS) and not joins:
            break
        joined = joined or joins
        i -= 1
    return i + 1 if joined else start


def _subject(verb: Any) -> Any | None:
    """The verb's subject, climbing through 'adding', 'saying' and coordinated verbs."""
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if node.dep_ in ("advcl", "conj", "xcomp", "ccomp", "pcomp") and node.head.i != node.i:
            node = node.head
        else:
            break
    return None


def _phrase_text(head: Any) -> str:
    keep = [
        t
        for t in head.subtree
        if t.dep_ not in ("relcl", "acl", "punct", "advcl", "appos")
        and not any(
            a.dep_ in ("acl", "relcl", "appos") and a.i != head.i
            for a in t.ancestors
            if a.i in {x.i for x in head.subtree}
        )
    ]
    return " ".join(t.text for t in sorted(keep, key=lambda t: t.i)).strip()


def _np_speaker(subject: Any, ctx: _Context, char: int) -> _Speaker:
    for child in subject.children:
        if child.dep_ == "appos":  # "the spokesperson, Dmitry Peskov, said"
            name = _entity_name(child, ctx)
            if name:
                return _Speaker(name)
        if child.dep_ == "poss":  # "Putin's public statements"
            name = _entity_name(child, ctx)
            if name:
                return _Speaker(name)
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):  # "remarks by X"
            for obj in child.children:
                name = _entity_name(obj, ctx)
                if name:
                    return _Speaker(name)
    head = subject.lemma_.lower()
    if is_role_word(subject) or head in ANONYMOUS_HEADS:
        definite = any(c.lower_ in ("the", "this", "that") for c in subject.children)
        if definite:
            named = ctx.person_with_role(subject, char)
            if named:
                return _Speaker(named)
        return _Speaker(_phrase_text(subject), anonymous=True)
    if subject.pos_ == "PROPN":  # a name the entity recogniser missed
        words = [
            t
            for t in subject.subtree
            if t.i == subject.i or (t.dep_ == "compound" and t.pos_ == "PROPN")
        ]
        first = min(t.i for t in words)
        start = _name_start(subject, first)
        if start == first:
            raw = " ".join(t.text for t in sorted(words, key=lambda t: t.i))
        else:
            raw = subject.doc[start : subject.i + 1].text
        return _Speaker(ctx.names.get(raw, raw))
    return _Speaker(None)  # an abstract subject ("this juxtaposition") is nobody


def _speaker_of_verb(verb: Any, ctx: _Context, char: int) -> _Speaker:
    subject = _subject(verb)
    if subject is None:
        return _Speaker(None)
    name = _entity_name(subject, ctx)
    if name:
        return _Speaker(name)
    if subject.text[:1].isupper() and subject.text in ctx.names:  # a known name, mis-tagged
        return _Speaker(ctx.names[subject.text])
    if subject.lower_ in ("he", "she", "i"):
        return _Speaker(ctx.last_person_before(char))
    if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":  # "X, which criticized …"
        antecedent = _entity_name(verb.head, ctx)
        return _Speaker(antecedent) if antecedent else _Speaker(None)
    if subject.pos_ == "PRON":
        return _Speaker(None)
    return _np_speaker(subject, ctx, char)


def _according_to(sent: Any, ctx: _Context) -> _Speaker | None:
    for token in sent:
        if token.lower_ == "according" and token.i + 1 < len(token.doc):
            to = token.doc[token.i + 1]
            for obj in to.children:
                if obj.dep_ == "pobj":
                    name = _entity_name(obj, ctx)
                    if name:
                        return _Speaker(name)
                    return _Speaker(_phrase_text(obj), anonymous=True)
    return None


def _speech_verbs(tokens: Any, outside: tuple[int, int] | None = None) -> list[Any]:
    found = []
    for token in tokens:
        if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in SPEECH_VERBS:
            continue
        if outside and outside[0] <= token.idx < outside[1]:
            continue
        found.append(token)
    return found


def _outermost_speech(verb: Any) -> Any:
    """The speech verb that reports the whole clause: in "A Kremlin insider stated that
    Russian officials found it 'too simplistic', dismissing it as '…'" the words come to the
    reader from the insider, whose statement the officials' view is part of."""
    outer = verb
    node = verb
    while node.head.i != node.i and node.head.sent == verb.sent:
        node = node.head
        if node.pos_ == "VERB" and node.lemma_.lower() in SPEECH_VERBS:
            outer = node
    return outer


def extract_quotes(doc: Any, article_id: str, entities: list[Entity] | None = None) -> list[Quote]:
    """Direct quotes and reported statements of one parsed article, with speakers.

    ``entities`` (from :func:`storycheck.claims.entities.extract_entities`) lets pronouns and
    role phrases ("the Russian president") resolve to the people the article names.
    """
    text = doc.text
    ctx = _Context.build(text, entities or [])
    quotes: list[Quote] = []
    quoted_sentences: set[int] = set()
    previous: tuple[int, _Speaker] | None = None  # (paragraph end, speaker) of the last quote
    for start, end in quote_spans(text):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        sents = [s for s in doc.sents if s.start_char < end + 1 and s.end_char > start - 1]
        for s in sents:
            quoted_sentences.add(s.start)
        frame = [t for s in sents for t in s]
        verbs = _speech_verbs(frame, outside=(start - 1, end + 1))
        speaker = _Speaker(None)
        if verbs:
            verbs.sort(key=lambda v: min(abs(v.idx - start), abs(v.idx - end)))
            speaker = _speaker_of_verb(_outermost_speech(verbs[0]), ctx, start)
        if speaker.name is None and sents:
            speaker = _according_to(sents[0], ctx) or speaker
        paragraph_end = text.find("\n\n", end)
        paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
        if speaker.name is None and previous is not None and previous[0] == paragraph_end:
            speaker = previous[1]
        if speaker.name is not None:
            previous = (paragraph_end, speaker)
        elif len(text[start:end].split()) < 5:
            continue  # a term in quotes ("constructive", "sphere of influence"), not a quote
        quotes.append(
            Quote(
                id=f"{article_id}:q{len(quotes) + 1}",
                article_id=article_id,
                start=start,
                end=end,
                text=text[start:end],
                speaker=speaker.name,
                anonymous=speaker.anonymous,
                direct=True,
            )
        )
    quotes.extend(_reported(doc, article_id, ctx, quoted_sentences, len(quotes)))
    return _continue_anonymous(sorted(quotes, key=lambda q: (q.start, not q.direct)))


def _continue_anonymous(quotes: list[Quote]) -> list[Quote]:
    """'The official also warned …' after 'A senior … official called …': the same speaker."""
    seen: dict[str, str] = {}
    out: list[Quote] = []
    for quote in quotes:
        speaker = quote.speaker or ""
        words = speaker.split()
        if quote.anonymous and words:
            head = words[-1].lower()
            if words[0].lower() in ("the", "this", "that") and len(words) <= 3 and head in seen:
                quote = dataclasses.replace(quote, speaker=seen[head])
            elif words[0].lower() not in ("the", "this", "that"):
                seen[head] = speaker
        out.append(quote)
    return out


#: verbs of saying that also take a thing as their object ("added 12 points", "noted the
#: change"): they report words only with a clause ("added that …")
_THING_VERBS = frozenset({"add", "note"})


def _reported(
    doc: Any, article_id: str, ctx: _Context, skip: set[int], offset: int
) -> Iterator[Quote]:
    count = offset
    text = doc.text
    # (paragraph end, speaker) of the previous sentence, when a named person said it
    previous: tuple[int, _Speaker] | None = None
    for sent in doc.sents:
        if sent.start in skip or len(sent) < 5:
            previous = None
            continue
        paragraph_end = text.find("\n\n", sent.start_char)
        paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
        relayed = previous if previous is not None and previous[0] == paragraph_end else None
        speaker: _Speaker | None = None
        for verb in _speech_verbs(sent):
            has_content = any(
                c.dep_ in ("ccomp", "dobj", "xcomp", "prep", "advcl", "oprd") for c in verb.children
            )
            if verb.lemma_ in _THING_VERBS and not any(c.dep_ == "ccomp" for c in verb.children):
                continue  # "Carter added 12 points", "noted the score": a thing, not words
            if not has_content or verb.dep_ in ("relcl", "acl"):
                # a speech verb inside a relative clause ("a proposal that officials
                # criticized") reports that clause only, not the sentence
                continue
            if relayed is not None and any(c.lower_ in RELAYED for c in verb.children):
                # "Ushakov praised the talks … Putin reportedly expressed harsh criticism":
                # the words reach the reader through the speaker before, not from Putin
                speaker = relayed[1]
                break
            candidate = _speaker_of_verb(verb, ctx, verb.idx)
            if candidate.name:
                speaker = candidate
                break
        if speaker is None:
            speaker = _according_to(sent, ctx)
        if speaker is None and relayed is not None and any(t.lower_ in RELAYED for t in sent):
            speaker = relayed[1]  # "Police said …. The suspect reportedly fled …"
        if speaker is None or speaker.name is None:
            previous = None
            continue
        named = not speaker.anonymous
        previous = (paragraph_end, speaker) if named else None
        count += 1
        yield Quote(
            id=f"{article_id}:q{count}",
            article_id=article_id,
            start=sent.start_char,
            end=sent.end_char,
            text=sent.text,
            speaker=speaker.name,
            anonymous=speaker.anonymous,
            direct=False,
        )
