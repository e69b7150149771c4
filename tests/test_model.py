from __future__ import annotations

import json
from datetime import UTC, datetime

from storycheck.model import Article, Sentence, SourceFormat, to_jsonable


def test_to_jsonable_round_trips_through_json() -> None:
    article = Article(
        id="abc",
        source="a.txt",
        format=SourceFormat.TEXT,
        text="One. Two.",
        paragraphs=("One. Two.",),
        sentences=(Sentence("abc", 0, 0, 4, "One."), Sentence("abc", 1, 5, 9, "Two.")),
        content_hash="h",
        published=datetime(2025, 3, 4, tzinfo=UTC),
        outlets=("X",),
    )
    data = json.loads(json.dumps(to_jsonable(article)))
    assert data["format"] == "txt"
    assert data["published"] == "2025-03-04T00:00:00+00:00"
    assert data["sentences"][1] == {
        "article_id": "abc",
        "index": 1,
        "start": 5,
        "end": 9,
        "text": "Two.",
        "paragraph": 0,
    }
    assert article.display_outlet == "a"
