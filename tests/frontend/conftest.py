"""Frontend tests: page tests through Django's test client, browser tests through Playwright + chromium."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def demo(db):
    """The demo of 長野県 with 山梨県 and 群馬県 (the register is loaded once per session)."""
    from backend.demo.demo import demo_seed

    return demo_seed()


def login(client, username: str):
    from backend.accounts.models import User

    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.frontend.browser import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded(transactional_db):
    """Committed data for the live server: the register (the flush after each test empties it) and the demo."""
    from backend.demo.demo import demo_seed
    from backend.geo.services import register_load

    register_load()
    return demo_seed()


@pytest.fixture
def seeded_season(transactional_db):
    """As `seeded`, without this fiscal year's work in progress: for the tests of next year's season that count
    runs, renewals, costs and notices of a region nobody has worked in yet."""
    from backend.demo.demo import demo_seed
    from backend.geo.services import register_load

    register_load()
    return demo_seed(year=False)
