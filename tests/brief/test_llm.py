"""The LLM writer against a small OpenAI-compatible server on a real loopback socket."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from storycheck.brief.llm import LLMError, LLMOptions, chat, parse_sentences
from storycheck.models import ModelUnavailableError
from storycheck.pipeline import AnalyzeOptions, analyze

ARTICLES = {
    "a.txt": (
        "Harbour bridge reopens after repairs\n\nBy Ana Ruiz | The Coast Times\n\n"
        "The Harbour Bridge in Portlow reopened to traffic on Monday after eight weeks of "
        "repairs. Engineers replaced 40 steel cables on the bridge. The city council said the "
        "repairs cost 3 million euros."
    ),
    "b.txt": (
        "Portlow bridge open again\n\nBy Tom Vale | Portlow Daily\n\n"
        "Traffic returned to the Harbour Bridge in Portlow on Monday after eight weeks of "
        "repair work. Engineers replaced 40 steel cables on the bridge. The work cost 3 "
        "million euros, according to the city council."
    ),
    "c.txt": (
        "Bridge back in service\n\nBy Lea Moss | Bay Radio\n\n"
        "The Harbour Bridge in Portlow reopened on Monday after eight weeks of repairs. "
        "Engineers replaced 40 steel cables on the bridge."
    ),
}


@pytest.fixture
def chat_server(
    http_server: Callable[..., str],
) -> Callable[[int, dict[str, Any]], tuple[str, list[dict[str, Any]]]]:
    """An OpenAI-style chat endpoint (conftest's loopback server) that records requests."""

    def start(status: int, answer: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        raw: list[dict[str, Any]] = []
        body = json.dumps(answer).encode()
        url = http_server(
            {"/v1/chat/completions": (status, {"Content-Type": "application/json"}, body)}, raw
        )

        return f"{url}/v1", raw

    return start


def _completion(text: str) -> dict[str, Any]:
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}


def _corpus(tmp_path: Path) -> list[str]:
    for name, text in ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [str(tmp_path)]


def test_parse_sentences_maps_citations_to_articles() -> None:
    parsed = parse_sentences(
        "- The bridge reopened on Monday [1][2]. Nobody was hurt. [9]", {1: "x", 2: "y"}
    )
    assert parsed == [("The bridge reopened on Monday.", ("x", "y")), ("Nobody was hurt.", ())]


def test_llm_writer_keeps_supported_sentences_and_drops_invented_ones(
    tmp_path: Path, chat_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = (
        "The Harbour Bridge in Portlow reopened on Monday after eight weeks of repairs [1][2][3]. "
        "The mayor of Portlow resigned over the cost of the repairs on Friday [1][2]."
    )
    url, seen = chat_server(200, _completion(answer))
    monkeypatch.setenv("STORYCHECK_LLM_KEY", "test-key")
    try:
        analysis = analyze(
            _corpus(tmp_path), AnalyzeOptions(llm=LLMOptions(url=url, model="fake-model"))
        )
    except ModelUnavailableError as exc:
        pytest.skip(f"models not installed: {exc}")
    (brief,) = analysis.briefs.values()
    assert brief.writer == "llm:fake-model"
    what = brief.sections["what_happened"]
    texts = [s.text for s in what]
    assert any("reopened on Monday" in t for t in texts)
    assert not any("resigned" in t for t in texts)
    assert brief.dropped >= 1
    assert all(len(s.citations) >= 2 and all(x >= 0.5 for x in s.support) for s in what)
    # the request: chat completions, the key from the environment, only verified facts
    assert seen[0]["path"] == "/v1/chat/completions"
    assert seen[0]["headers"]["Authorization"] == "Bearer test-key"
    request = json.loads(seen[0]["body"])
    prompt = request["messages"][-1]["content"]
    assert "Verified facts" in prompt and request["model"] == "fake-model"


def test_llm_failure_falls_back_to_the_extractive_brief(tmp_path: Path, chat_server: Any) -> None:
    url, _ = chat_server(500, {"error": "overloaded"})
    messages: list[str] = []
    try:
        analysis = analyze(
            _corpus(tmp_path),
            AnalyzeOptions(llm=LLMOptions(url=url, model="m")),
            progress=messages.append,
        )
    except ModelUnavailableError as exc:
        pytest.skip(f"models not installed: {exc}")
    (brief,) = analysis.briefs.values()
    assert brief.writer == "extractive"
    assert any(m.startswith("warning: LLM writer failed") and "HTTP 500" in m for m in messages)


def test_chat_reports_unreachable_endpoints_in_one_line() -> None:
    with pytest.raises(LLMError) as err:
        chat(LLMOptions(url="http://127.0.0.1:9/v1", model="m", timeout=2), [])
    assert "\n" not in str(err.value) and "127.0.0.1:9" in str(err.value)
