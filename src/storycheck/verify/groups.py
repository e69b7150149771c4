"""Group claims that say the same thing in different articles.

Entailment links between claims (``Evidence.claim_id``) are noisy, so their transitive
closure would chain a whole story into one group. Instead each group is a *star*: a seed
claim and the claims directly linked to it. Seeds are taken in order of how many links a
claim has (ties by id), so the most corroborated wording anchors its group; a claim joins
at most one group. Deterministic for the same claims.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from storycheck.model import Claim, Relation


def claim_groups(
    claims: Sequence[Claim], allowed: Collection[str] | None = None
) -> list[list[Claim]]:
    """Star groups of the ``allowed`` claims (all when None), seed first in each group."""
    by_id = {c.id: c for c in claims if allowed is None or c.id in allowed}
    links: dict[str, set[str]] = defaultdict(set)
    for claim in by_id.values():
        for ev in claim.evidence:
            if ev.relation is Relation.ENTAILS and ev.claim_id in by_id and ev.claim_id != claim.id:
                links[claim.id].add(ev.claim_id)
                links[ev.claim_id].add(claim.id)
    order = sorted(by_id, key=lambda i: (-len(links[i]), i))
    assigned: set[str] = set()
    groups: list[list[Claim]] = []
    for seed in order:
        if seed in assigned:
            continue
        members = [seed, *sorted(n for n in links[seed] if n not in assigned)]
        assigned.update(members)
        groups.append([by_id[m] for m in members])
    return groups


def group_ids(claims: Sequence[Claim]) -> dict[str, str]:
    """claim id → the id of its group's seed, for every claim."""
    return {c.id: group[0].id for group in claim_groups(claims) for c in group}
