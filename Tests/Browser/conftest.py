"""Fixtures for the browser tests: one headless Chromium (Debian's chromium and
chromium-driver) for the session, the server's URL, and a screenshots folder.

scripts/browser-check.sh starts the server and sets HPCLAB_URL and SCREENSHOT_DIR;
to run against a server of your own:
    HPCLAB_URL=http://127.0.0.1:8080 python -m pytest Tests/Browser
"""

import os
import pathlib

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

# Resources the pages may fail to load on purpose: the experiment forms ask for
# GET /jobs/kinds and fall back to their built-in description of matmul when a
# server without that route answers 404. Chromium logs any 4xx as a console error.
EXPECTED_NETWORK_ERRORS = ("/jobs/kinds - Failed to load resource: the server responded with a status of 404",)


@pytest.fixture(scope="session")
def base_url():
    url = os.environ.get("HPCLAB_URL")
    if not url:
        pytest.fail("Set HPCLAB_URL to a running hpclab server (scripts/browser-check.sh does).")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def screenshots():
    folder = pathlib.Path(os.environ.get("SCREENSHOT_DIR", ".build/screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=en-US", "--hide-scrollbars"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def console_errors(driver):
    """SEVERE console entries since the last call (reading the log empties it), less the expected ones."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and not any(expected in entry["message"] for expected in EXPECTED_NETWORK_ERRORS)]


@pytest.fixture
def driver(browser):
    """The session's browser, reset for a test: light scheme, desktop size, JavaScript on, empty log;
    after the test, the page must have logged no errors."""
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    browser.set_window_size(1280, 900)
    browser.get("about:blank")
    browser.get_log("browser")
    yield browser
    errors = console_errors(browser)
    assert not errors, f"the page logged errors: {errors}"
