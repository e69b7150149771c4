#!/usr/bin/env python3
"""Check examples/gold.json against the example corpus (stdlib only).

Run from anywhere:  python3 examples/check_gold.py

Every path in the gold file must exist, every title must appear in its article, and
every evidence/text/line/quote string must occur verbatim in the article it names:
in the decoded body for JSON/JSONL/feeds, in the visible <article> text for HTML, in
the raw file for TXT/MD, and also in the raw file after ``html.unescape`` for HTML and
feeds. It also prints word counts and 3-word-shingle Jaccard similarities: each
syndicated pair must be >= 0.85, every other pair in an event < 0.5.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
GOLD = HERE / "gold.json"

FORMATS = {
    "txt": ".txt",
    "md": ".md",
    "html": ".html",
    "json": ".json",
    "jsonl": ".jsonl",
    "rss": (".rss", ".xml"),
    "atom": ".atom",
}
CONFLICT_KINDS = {"number", "date", "role", "attribution", "statement"}
REQUIRED_CONFLICT_KINDS = {"number", "date", "role", "attribution"}
NS = {
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "atom": "http://www.w3.org/2005/Atom",
}

failures: list[str] = []


def check(cond: bool, msg: str) -> None:
    if not cond:
        failures.append(msg)


# ---------------------------------------------------------------- HTML text extraction


class _BodyText(HTMLParser):
    """Visible text of a fragment, or only of <article> when ``article_only``."""

    SKIP = frozenset(
        {
            "script",
            "style",
            "noscript",
            "nav",
            "aside",
            "header",
            "footer",
            "figure",
            "form",
            "button",
            "template",
            "svg",
        }
    )
    BLOCK = frozenset(
        {
            "p",
            "div",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "br",
            "section",
            "article",
            "blockquote",
            "ul",
            "ol",
            "tr",
            "figcaption",
            "pre",
        }
    )

    def __init__(self, article_only: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.article_only = article_only
        self.in_article = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.in_article += 1
        elif tag in self.SKIP and tag != "br":
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.in_article -= 1
        elif tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip or (self.article_only and not self.in_article):
            return
        self.parts.append(data)

    def text(self) -> str:
        lines = (re.sub(r"[ \t\r\f\v]+", " ", ln).strip() for ln in "".join(self.parts).split("\n"))
        return "\n\n".join(ln for ln in lines if ln)


def html_text(markup: str, article_only: bool) -> str:
    parser = _BodyText(article_only)
    parser.feed(markup)
    parser.close()
    return parser.text()


# ---------------------------------------------------------------- per-format readers


def read_record(meta: dict) -> dict:
    """Return {raw, search (list of texts evidence must be in), body, title_ok, outlet_ok, date}."""
    path = CORPUS / meta["path"]
    raw = path.read_text(encoding="utf-8")
    fmt = meta["format"]
    title, outlet = meta["title"], meta["outlet"]
    rec: dict = {"raw": raw}
    if fmt == "txt":
        lines = raw.split("\n")
        rec["title_ok"] = lines[0].strip() == title
        header_end = lines.index("")
        header = lines[:header_end]
        rec["outlet_ok"] = any(outlet in ln for ln in header[1:])
        pub = [ln.split(":", 1)[1].strip() for ln in header if ln.lower().startswith("published:")]
        rec["date"] = pub[0][:10] if pub else None
        rec["body"] = "\n".join(lines[header_end + 1 :])
        rec["search"] = [raw]
    elif fmt == "md":
        m = re.match(r"---\n(.*?)\n---\n", raw, re.S)
        check(m is not None, f"{meta['path']}: no YAML front matter")
        fm = {}
        for ln in m.group(1).split("\n"):
            key, _, val = ln.partition(":")
            val = val.strip()
            fm[key.strip()] = json.loads(val) if val.startswith('"') else val
        rec["title_ok"] = fm.get("title") == title and title in raw[m.end() :]
        rec["outlet_ok"] = fm.get("outlet") == outlet
        rec["date"] = str(fm.get("published", ""))[:10]
        rec["body"] = raw[m.end() :]
        rec["search"] = [raw]
    elif fmt == "html":
        un = html.unescape(raw)
        body = html_text(raw, article_only=True)
        rec["title_ok"] = (
            f"<title>{title}" in un
            and re.search(r">\s*" + re.escape(title) + r"\s*</h1>", un) is not None
        )
        rec["outlet_ok"] = f'property="og:site_name" content="{outlet}"' in un
        m = re.search(r'property="article:published_time" content="([^"]+)"', un)
        rec["date"] = m.group(1)[:10] if m else None
        check(
            re.search(r'<meta name="author" content="[^"]+"', un) is not None,
            f"{meta['path']}: no author meta",
        )
        for marker in (
            "<nav",
            "cookie",
            "share",
            "Related articles",
            "newsletter",
            "comments",
            "<footer",
        ):
            check(marker.lower() in un.lower(), f"{meta['path']}: page chrome lacks {marker!r}")
        # body text without header (title, byline) for similarity
        m2 = re.search(
            r'<div class="article-body"[^>]*>(.*?)</div>\s*<footer class="article-footer"',
            raw,
            re.S,
        )
        rec["body"] = html_text(m2.group(1), article_only=False) if m2 else body
        rec["search"] = [un, body]
    elif fmt in ("json", "jsonl"):
        if fmt == "json":
            objs = [json.loads(raw)]
        else:
            objs = [json.loads(ln) for ln in raw.splitlines() if ln.strip()]
            check(
                all(isinstance(o, dict) for o in objs),
                f"{meta['path']}: a JSONL line is not an object",
            )
        hits = [o for o in objs if o.get("title") == title]
        check(len(hits) == 1, f"{meta['path']}: expected exactly one record titled {title!r}")
        obj = hits[0] if hits else {}
        fields = [k for k in ("text", "body", "content") if k in obj]
        check(len(fields) == 1, f"{meta['path']}: record needs exactly one of text/body/content")
        text = obj.get(fields[0], "") if fields else ""
        for key in ("outlet", "published", "author", "url"):
            check(bool(obj.get(key)), f"{meta['path']}: record {title!r} lacks {key}")
        rec["title_ok"] = bool(hits)
        rec["outlet_ok"] = obj.get("outlet") == outlet
        rec["date"] = str(obj.get("published", ""))[:10]
        rec["body"] = text
        rec["search"] = [text]
        rec["text_field"] = fields[0] if fields else None
    elif fmt in ("rss", "atom"):
        root = ET.fromstring(raw.encode("utf-8"))
        if fmt == "rss":
            items = root.findall("./channel/item")
            hits = [it for it in items if (it.findtext("title") or "") == title]
            check(len(hits) == 1, f"{meta['path']}: expected one <item> titled {title!r}")
            it = hits[0]
            content = (
                it.findtext("content:encoded", namespaces=NS) or it.findtext("description") or ""
            )
            creator = it.findtext("dc:creator", namespaces=NS) or it.findtext("author") or ""
            check(bool(creator), f"{meta['path']}: item {title!r} lacks author/dc:creator")
            check(bool(it.findtext("link")), f"{meta['path']}: item {title!r} lacks link")
            rec["outlet_ok"] = (it.findtext("source") or "") == outlet
            rec["date"] = parsedate_to_datetime(it.findtext("pubDate")).date().isoformat()
        else:
            entries = root.findall("atom:entry", NS)
            hits = [e for e in entries if (e.findtext("atom:title", namespaces=NS) or "") == title]
            check(len(hits) == 1, f"{meta['path']}: expected one <entry> titled {title!r}")
            it = hits[0]
            content = it.findtext("atom:content", namespaces=NS) or ""
            check(
                bool(it.findtext("atom:author/atom:name", namespaces=NS)),
                f"{meta['path']}: entry lacks author",
            )
            rec["outlet_ok"] = (root.findtext("atom:title", namespaces=NS) or "") == outlet
            rec["date"] = (it.findtext("atom:published", namespaces=NS) or "")[:10]
        text = html_text(content, article_only=False)
        rec["title_ok"] = bool(hits)
        rec["body"] = text
        rec["search"] = [text, html.unescape(raw)]
    else:
        raise SystemExit(f"unknown format {fmt!r}")
    return rec


# ---------------------------------------------------------------- similarity

WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def strip_junk(body: str, junk: list[str]) -> str:
    drop = {j.strip() for j in junk}
    return "\n".join(ln for ln in body.split("\n") if ln.strip() not in drop)


# ---------------------------------------------------------------- main


def main() -> int:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    check(gold.get("schema") == "storycheck.gold/1", "schema must be storycheck.gold/1")
    arts: dict = gold["articles"]
    recs: dict = {}

    # articles table
    print(f"{len(arts)} articles")
    for gid, meta in arts.items():
        path = CORPUS / meta["path"]
        if not path.is_file():
            check(False, f"{gid}: missing file {meta['path']}")
            continue
        ext = FORMATS.get(meta["format"])
        check(
            ext is not None and path.name.endswith(ext),
            f"{gid}: format {meta['format']} vs {path.name}",
        )
        rec = read_record(meta)
        recs[gid] = rec
        check(rec["title_ok"], f"{gid}: title not found in {meta['path']}")
        check(rec["outlet_ok"], f"{gid}: outlet {meta['outlet']!r} not found in {meta['path']}")
        check(
            rec["date"] == meta["published"],
            f"{gid}: published {rec['date']} != gold {meta['published']}",
        )
        check(re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["published"]) is not None, f"{gid}: bad date")
    titles = Counter(m["title"] for m in arts.values())
    check(
        all(c == 1 for c in titles.values()),
        f"duplicate titles: {[t for t, c in titles.items() if c > 1]}",
    )
    outlets = Counter(m["outlet"] for m in arts.values())
    check(
        all(c == 1 for c in outlets.values()),
        f"duplicate outlets: {[o for o, c in outlets.items() if c > 1]}",
    )
    fields = {r.get("text_field") for r in recs.values()}
    check(bool(fields & {"body", "content"}), "no JSON record uses body/content")
    check(
        sum(1 for m in arts.values() if m["format"] == "html") >= 2, "need at least two HTML files"
    )

    def has(gid: str, s: str, what: str) -> None:
        if gid not in recs:
            check(False, f"{what}: unknown article {gid}")
            return
        for hay in recs[gid]["search"]:
            if s not in hay:
                check(False, f"{what}: not verbatim in {gid} ({arts[gid]['path']}): {s!r}")
                return

    # events
    seen: Counter = Counter()
    counts = {}
    for ev in gold["events"]:
        eid = ev["id"]
        members = ev["articles"]
        seen.update(members)
        for gid in members:
            check(
                arts.get(gid, {}).get("event") == eid,
                f"{eid}: article {gid} has event {arts.get(gid, {}).get('event')}",
            )
        copies = {s["copy"] for s in ev["syndicated"]}
        for s in ev["syndicated"]:
            check(
                s["original"] in members and s["copy"] in members,
                f"{eid}: syndicated pair outside event",
            )
        # formats
        fmts = {arts[g]["format"] for g in members}
        check(len(fmts) >= 4, f"{eid}: only {len(fmts)} formats")
        # junk lines: whole lines of the body
        for j in ev["junk_lines"]:
            has(j["article"], j["line"], f"{eid} junk")
            if j["article"] in recs:
                lines = {ln.strip() for ln in recs[j["article"]]["body"].split("\n")}
                check(
                    j["line"] in lines,
                    f"{eid} junk: not a standalone line in {j['article']}: {j['line']!r}",
                )
        junk_articles = {j["article"] for j in ev["junk_lines"]}
        check(len(junk_articles) >= 3, f"{eid}: junk lines in fewer than 3 files")
        # corroborated
        strong = 0
        for f in ev["corroborated"]:
            arts_f = f["articles"]
            check(len(set(arts_f)) >= 2, f"{eid}: fact with <2 articles: {f['fact']}")
            strong += len(set(arts_f)) >= 3
            check(
                not (set(arts_f) & copies), f"{eid}: syndicated copy used as supporter: {f['fact']}"
            )
            check(
                set(f["evidence"]) == set(arts_f),
                f"{eid}: evidence keys != articles for {f['fact']}",
            )
            for gid, s in f["evidence"].items():
                check(gid in members, f"{eid}: {gid} not in event")
                has(gid, s, f"{eid} corroborated")
        check(strong >= 5, f"{eid}: only {strong} facts with >= 3 outlets")
        # conflicts
        kinds = set()
        for c in ev["conflicts"]:
            kinds.add(c["kind"])
            check(c["kind"] in CONFLICT_KINDS, f"{eid}: bad conflict kind {c['kind']}")
            check(len(c["sides"]) >= 2, f"{eid}: conflict with <2 sides: {c['summary']}")
            used = [g for side in c["sides"] for g in side["articles"]]
            check(len(used) == len(set(used)), f"{eid}: article on two sides of {c['summary']}")
            for side in c["sides"]:
                check(
                    not (set(side["articles"]) & copies),
                    f"{eid}: copy used in conflict {c['summary']}",
                )
                check(
                    set(side["evidence"]) == set(side["articles"]),
                    f"{eid}: evidence keys != articles in {c['summary']}",
                )
                for gid, s in side["evidence"].items():
                    has(gid, s, f"{eid} conflict {c['kind']}")
        check(
            kinds >= REQUIRED_CONFLICT_KINDS,
            f"{eid}: missing conflict kinds {REQUIRED_CONFLICT_KINDS - kinds}",
        )
        for a in ev["anachronisms"]:
            has(a["article"], a["evidence"], f"{eid} anachronism")
        check(len(ev["anachronisms"]) >= 1, f"{eid}: no anachronism")
        for s in ev["single_source"]:
            has(s["article"], s["text"], f"{eid} single_source")
            check(s["kind"] in ("claim", "quote"), f"{eid}: bad single_source kind")
            others = [g for g in recs if g != s["article"] and s["text"] in recs[g]["body"]]
            check(not others, f"{eid}: single-source text also in {others}")
        n_claims = sum(1 for s in ev["single_source"] if s["kind"] == "claim")
        check(n_claims >= 3, f"{eid}: only {n_claims} single-source claims")
        for q in ev["fabricated_quotes"]:
            has(q["article"], q["quote"], f"{eid} fabricated quote")
            has(q["article"], q["speaker"], f"{eid} fabricated quote speaker")
            others = [g for g in recs if g != q["article"] and q["quote"] in recs[g]["body"]]
            check(not others, f"{eid}: fabricated quote also in {others}")
            check(
                q["quote"][:1] not in "\"“'‘" and q["quote"][-1:] not in "\"”'’",
                f"{eid}: quote marks in quote",
            )
        check(len(ev["fabricated_quotes"]) >= 1, f"{eid}: no fabricated quote")
        for h in ev["hedged"]:
            has(h["article"], h["text"], f"{eid} hedged")
            check(
                re.search(
                    r"\b(reportedly|could|if confirmed|allegedly|may|might)\b", h["text"], re.I
                )
                is not None,
                f"{eid}: hedged text has no hedge word: {h['text']!r}",
            )
        counts[eid] = {
            "articles": len(members),
            "formats": sorted(fmts),
            "syndicated": len(ev["syndicated"]),
            "junk_lines": len(ev["junk_lines"]),
            "corroborated": len(ev["corroborated"]),
            "corroborated_3plus": strong,
            "conflicts": dict(Counter(c["kind"] for c in ev["conflicts"])),
            "anachronisms": len(ev["anachronisms"]),
            "single_source": dict(Counter(s["kind"] for s in ev["single_source"])),
            "fabricated_quotes": len(ev["fabricated_quotes"]),
            "hedged": len(ev["hedged"]),
        }

    seen.update(gold["standalone"])
    for gid in arts:
        check(seen[gid] == 1, f"{gid}: listed in {seen[gid]} events/standalone (want exactly 1)")

    # word counts and similarity
    junk_by_article: dict[str, list[str]] = {}
    for ev in gold["events"]:
        for j in ev["junk_lines"]:
            junk_by_article.setdefault(j["article"], []).append(j["line"])
    clean = {g: strip_junk(r["body"], junk_by_article.get(g, [])) for g, r in recs.items()}
    print("\nword counts (body without junk lines):")
    for gid, text in clean.items():
        n = len([w for w in text.split() if WORD.search(w)])
        print(f"  {gid:28s} {arts[gid]['format']:5s} {n:4d}")
        check(250 <= n <= 650, f"{gid}: {n} words, want 250-650")
    sh = {g: shingles(t) for g, t in clean.items()}
    print("\nsyndicated pairs (3-word shingle Jaccard, want >= 0.85):")
    pairs = set()
    for ev in gold["events"]:
        for s in ev["syndicated"]:
            j = jaccard(sh[s["original"]], sh[s["copy"]])
            pairs.add(frozenset((s["original"], s["copy"])))
            print(f"  {s['original']} ~ {s['copy']}: {j:.3f}")
            check(j >= 0.85, f"syndicated pair {s} Jaccard {j:.3f} < 0.85")
    print("\nother pairs within events (want < 0.5):")
    for ev in gold["events"]:
        worst = (0.0, "")
        for a, b in itertools.combinations(ev["articles"], 2):
            if frozenset((a, b)) in pairs:
                continue
            j = jaccard(sh[a], sh[b])
            worst = max(worst, (j, f"{a} ~ {b}"))
            check(j < 0.5, f"{a} ~ {b}: Jaccard {j:.3f} >= 0.5")
        print(f"  {ev['id']}: max {worst[0]:.3f} ({worst[1]})")
    if gold["standalone"]:
        for sa in gold["standalone"]:
            m = max(jaccard(sh[sa], sh[g]) for g in sh if g != sa)
            print(f"  standalone {sa}: max {m:.3f} against any article")

    print("\nplanted items per event:")
    for eid, c in counts.items():
        print(f"  {eid}: {json.dumps(c, ensure_ascii=False)}")

    if failures:
        print(f"\nFAILED: {len(failures)} problem(s)")
        for f in failures:
            print("  -", f)
        return 1
    print("\nOK: gold.json is consistent with the corpus")
    return 0


if __name__ == "__main__":
    sys.exit(main())
