"""Stage 7, web: a FastAPI app with a REST API and a server-rendered browser UI.

``storycheck serve`` runs it (loopback by default). Analyses and audits run as jobs in a
background worker; results live in a SQLite job database beside the article store.
Needs the ``web`` extra (``pip install 'storycheck[web]'``).
"""

from storycheck.web.settings import BindError, WebSettings, check_bind, is_loopback

__all__ = ["BindError", "WebSettings", "check_bind", "create_app", "is_loopback"]


def __getattr__(name: str) -> object:
    if name == "create_app":
        from storycheck.web.app import create_app

        return create_app
    raise AttributeError(name)
