"""Data: what page junk looks like.

Lines of a web page or a scraped text that are not article text: failed widgets,
photo credits, "related stories" blocks, share/subscribe prompts, cookie notices,
ads. Each entry is ``(category, regex)``; a regex matches a whole line (after
whitespace is collapsed), case-insensitively. ``TRAILING`` patterns remove such a
block when it is glued to the end of a real paragraph. ``KEYWORDS`` feed the generic
rule in :mod:`storycheck.ingest.clean` for short lines no pattern names.

Keep entries generic (what any site prints), never the exact strings of one corpus.
"""

from __future__ import annotations

LINE_PATTERNS: tuple[tuple[str, str], ...] = (
    # widgets and media that did not render
    ("placeholder", r"(failed|unable) to (load|display|render)\b.*"),
    (
        "placeholder",
        r"(loading|rendering)\s*(\.\.\.|…)?\s*(chart|graphic|map|video|visuali[sz]ation)?",
    ),
    (
        "placeholder",
        r"(this|the) (video|chart|graphic|map|visuali[sz]ation|content|embed|media|image)"
        r" (is|was) (not available|unavailable|loading|no longer available).*",
    ),
    ("placeholder", r"(your browser|javascript) (does not|doesn't|must) (support|be enabled).*"),
    (
        "placeholder",
        r"(video|image|audio|graphic|chart|map|embed) (unavailable|not available|failed)",
    ),
    ("placeholder", r"\[?(image|photo|video|graphic|chart|embed)\]?"),
    # credits and captions
    (
        "credit",
        r"(photo|picture|image|video|graphic|illustration|cover|header)s? (credit|courtesy|source|by)\s*[:：].*",
    ),
    (
        "credit",
        r"(credit|source|courtesy|©|\(c\)|copyright)\s*[:：]?\s*(getty|reuters|afp|ap|"
        r"shutterstock|wikimedia|alamy|epa|istock|www\.|https?://)\b.*",
    ),
    ("credit", r"(copyright|©)\s*\d{4}.*"),
    ("credit", r"all rights reserved\.?"),
    # related / recommended blocks
    (
        "related",
        r"(related|recommended|suggested|more|popular|trending|top|latest|further)"
        r" (sources|stories|articles|reading|links|news|coverage|content|posts|videos)"
        r"(\s*[:：|•»›-].*)?",
    ),
    ("related", r"(must|also) read(\s*[:：|•»›-].*)?"),
    (
        "related",
        r"(read|see|watch|listen)( the)? (more|also|next|full story|full article|original"
        r"( article| story)?)(\s*[:：|•»›-].*|\s*(\.{3}|…))?",
    ),
    ("related", r"(click|tap) here\b.*"),
    ("related", r"(continue|keep) reading\b.*"),
    ("related", r"(read|view) (\d+ )?comments?.*"),
    ("related", r"(\d+ )?comments?"),
    ("related", r"•\s*(source|story|article|link) \d+.*"),
    # share / follow / subscribe
    ("share", r"share (this|on)\b.{0,40}"),
    ("share", r"share( the)? (article|story|post|page)\b.*"),
    (
        "share",
        r"(share|tweet|email|print|copy link|whatsapp|facebook|twitter|linkedin|reddit|x)"
        r"(\s*[|•·/,]\s*(share|tweet|email|print|copy link|whatsapp|facebook|twitter|linkedin|reddit|x))+",
    ),
    ("share", r"follow us (on|at)\b.*"),
    ("share", r"follow .{1,40} (for|to get) (more|the latest|updates|live|all)\b.*"),
    (
        "related",
        r"(read|see|view|watch|get) (the |our )?(full|whole|complete|latest) (story|article|report|coverage|version)\b.*",
    ),
    (
        "subscribe",
        r"(subscribe|sign up|register|join)\b.{0,60}(newsletter|updates|inbox|free|today|now|alerts).*",
    ),
    ("subscribe", r"(get|receive) (our|the) .{0,40}(newsletter|in your inbox|delivered).*"),
    ("subscribe", r"(already a subscriber|log ?in|sign in)\b.*"),
    # cookies / consent
    ("cookies", r".*\b(we|this site|this website) uses? cookies\b.*"),
    ("cookies", r"(accept|reject|manage) (all )?(cookies|preferences|settings)\b.*"),
    ("cookies", r"(cookie|privacy) (policy|settings|preferences|notice)\b.*"),
    # ads
    ("ad", r"(advertisement|advertising|sponsored( content)?|ad|promoted|paid content)"),
    ("ad", r"(story|article) continues (below|after)( advertisement| this ad)?"),
    # page furniture
    ("furniture", r"(skip to (main )?content|back to top|table of contents|jump to)\b.*"),
    ("furniture", r"(updated|last updated|published|posted)\s*[:：]?\s*\d{1,2}:\d{2}.*"),
    ("furniture", r"(reading time|min read|\d+ min(ute)?s? read).*"),
    ("furniture", r"(tags?|topics?|filed under|categories)\s*[:：].*"),
)

# Patterns that also match real sentences ("Inspectors were given full access to the site."):
# they condemn a line only when it does not end like a sentence.
UNPUNCTUATED_PATTERNS: tuple[tuple[str, str], ...] = (
    ("related", r".{0,60}\b(on|at|in) our (website|site|app|homepage)"),
    ("subscribe", r"(subscribe|become a (member|subscriber)|support our journalism|donate)\b.*"),
    ("subscribe", r".{0,40}\b(unlimited|full|digital|premium) access\b.*"),
    ("subscribe", r"(listen to|subscribe to|download) (our|the) (podcast|app)\b.*"),
)

# Junk glued to the end of a real paragraph ("... alone. Related Sources: • Source 1 • Source 2").
TRAILING_PATTERNS: tuple[str, ...] = (
    r"(?<=[.!?\"”’])\s+(related|recommended|more|further|additional)"
    r" (sources|stories|articles|reading|links|coverage)\s*([:：]\s*(•.*)?|•.*)$",
    r"(?<=[.!?\"”’])\s+(read more|see also|more on this story)\s*[:：].*$",
    r"(?<=[.!?\"”’])\s+(share this (article|story)|subscribe to our newsletter)\.?$",
    r"(?<=[.!?\"”’])\s+•\s*(source|story|article|link) \d+(\s*•\s*(source|story|article|link) \d+)*$",
)

# Words that mark a short, unpunctuated line as page furniture (generic rule).
KEYWORDS: frozenset[str] = frozenset(
    [
        "share",
        "shares",
        "subscribe",
        "subscribed",
        "subscription",
        "newsletter",
        "cookie",
        "cookies",
        "advertisement",
        "advert",
        "sponsored",
        "promoted",
        "related",
        "recommended",
        "trending",
        "popular",
        "credit",
        "credits",
        "courtesy",
        "copyright",
        "click",
        "tap",
        "login",
        "signup",
        "sign",
        "register",
        "follow",
        "menu",
        "navigation",
        "nav",
        "loading",
        "load",
        "visualization",
        "visualisation",
        "widget",
        "embed",
        "comments",
        "comment",
        "print",
        "email",
        "tweet",
        "facebook",
        "twitter",
        "linkedin",
        "whatsapp",
        "instagram",
        "youtube",
        "tiktok",
        "telegram",
        "download",
        "premium",
        "paywall",
    ]
)
