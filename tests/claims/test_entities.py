from __future__ import annotations

from typing import Any

from storycheck.claims.entities import extract_entities


def roles(nlp: Any, text: str) -> dict[str, tuple[str, ...]]:
    return {e.name: e.roles for e in extract_entities(nlp(text), "a") if e.label == "PERSON"}


def test_title_before_the_name(nlp: Any) -> None:
    found = roles(nlp, "Fire chief Ana Ruiz said the blaze was under control by noon.")
    assert found["Ana Ruiz"] == ("Fire chief",)


def test_former_title(nlp: Any) -> None:
    found = roles(nlp, "Former Mayor Harold Brook criticised the plan on Monday.")
    assert found["Harold Brook"] == ("Former Mayor",)


def test_appositive_roles(nlp: Any) -> None:
    found = roles(
        nlp,
        "Marco Duval, a council spokesperson, said the vote would go ahead. "
        "Lena Ortiz, the city's treasurer and former deputy mayor, disagreed.",
    )
    assert found["Marco Duval"] == ("council spokesperson",)
    assert "city's treasurer" in found["Lena Ortiz"]
    assert "former deputy mayor" in found["Lena Ortiz"]


def test_short_mentions_merge_into_the_full_name(nlp: Any) -> None:
    entities = extract_entities(
        nlp("Governor Alicia Moreno arrived at noon. Later, Moreno met the families."), "a"
    )
    (moreno,) = [e for e in entities if e.label == "PERSON"]
    assert moreno.name == "Alicia Moreno"
    assert len(moreno.mentions) == 2
    assert moreno.roles == ("Governor",)


def test_plain_modifiers_are_not_roles(nlp: Any) -> None:
    found = roles(nlp, "The Moscow talks between Elena Petrova and Omar Haddad ended late.")
    assert all(not r for r in found.values())
