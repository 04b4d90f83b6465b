"""The pages in a real browser against the real server: search as you type, a question
page (with and without JavaScript), running and cancelling an experiment, charts, the
devices and jobs pages, dark mode and a phone-sized window. Every test also checks that
the page logged no errors (see the `driver` fixture), and saves screenshots to look at."""

import json
import time
import urllib.request

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def wait(driver, condition, timeout=20):
    """Polls `condition` until it is truthy; elements replaced while it looks (results
    re-rendered as the user types) just mean another try."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: condition(d))


def one(context, selector):
    return context.find_element(By.CSS_SELECTOR, selector)


def every(context, selector):
    return context.find_elements(By.CSS_SELECTOR, selector)


def screenshot(driver, folder, name, full_page=True):
    """Saves `name`.png; a full page is taken by growing the window to the page's height."""
    width = driver.get_window_size()["width"]
    height = driver.get_window_size()["height"]
    if full_page:
        page_height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(max(page_height + 120, 600), 6000))
        time.sleep(0.3)
    driver.save_screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(width, height)


def element_screenshot(driver, folder, name, element):
    """Saves `name`.png of one element, with the window grown so that all of it is drawn."""
    size = driver.get_window_size()
    page_height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], min(max(page_height + 120, 600), 6000))
    time.sleep(0.3)
    element.screenshot(str(folder / f"{name}.png"))
    driver.set_window_size(size["width"], size["height"])


def type_slowly(element, text):
    for character in text:
        element.send_keys(character)
        time.sleep(0.05)


def get_json(url):
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def experiment(driver):
    """The first experiment panel once experiment.js has built its form."""
    return wait(driver, lambda d: next(iter(every(d, "article.experiment[data-state]")), None))


def set_field(panel, name, value):
    field = one(panel, f"[name='{name}']")
    if field.tag_name == "select":
        one(field, f"option[value='{value}']").click()
    else:
        field.clear()
        field.send_keys(str(value))


# ---- Search ---------------------------------------------------------------------------------


def test_search_as_you_type_shows_highlighted_results_and_keeps_the_query_in_the_url(driver, base_url, screenshots):
    driver.get(base_url + "/")
    box = wait(driver, lambda d: one(d, "#q"))
    wait(driver, lambda d: len(every(d, "#results .result")) > 20)  # no query: every entry listed
    type_slowly(box, "warp")
    wait(driver, lambda d: "warp divergence" in one(d, "#results .result-title").text)
    assert every(driver, "#results .snippet mark"), "matches are highlighted"
    assert all(mark.text.lower().startswith("warp") for mark in every(driver, "#results .snippet mark"))
    assert one(driver, "#results .kind").text.lower() == "question"
    assert "?q=warp" in driver.current_url
    assert "results for “warp”" in one(driver, "#status").text
    facets = {link.text.split()[0]: link for link in every(driver, "#facets a")}
    assert "cuda" in facets
    screenshot(driver, screenshots, "search-warp")

    facets["cuda"].click()
    wait(driver, lambda d: "topic=cuda" in d.current_url)
    wait(driver, lambda d: one(d, "#facets a[aria-pressed='true']").text.startswith("cuda"))
    assert "in cuda" in one(driver, "#status").text


def test_search_offers_did_you_mean_and_the_back_button_returns(driver, base_url):
    driver.get(base_url + "/?q=coalesing")
    suggestion = wait(driver, lambda d: one(d, "#suggestions a"))
    assert suggestion.text == "coalescing"
    suggestion.click()
    wait(driver, lambda d: "q=coalescing" in d.current_url)
    wait(driver, lambda d: "coalescing" in one(d, "#results .result-title").text.lower())
    assert one(driver, "#q").get_attribute("value") == "coalescing"
    driver.back()
    wait(driver, lambda d: d.current_url.endswith("q=coalesing"))
    wait(driver, lambda d: one(d, "#q").get_attribute("value") == "coalesing")
    driver.refresh()
    wait(driver, lambda d: one(d, "#suggestions a").text == "coalescing")


def test_search_finds_keywords_and_tables_each_marked_with_its_kind(driver, base_url):
    driver.get(base_url + "/")
    box = wait(driver, lambda d: one(d, "#q"))
    type_slowly(box, "classmethod")
    wait(driver, lambda d: {"keyword", "table"} <= {k.text.lower() for k in every(d, "#results .kind")})
    links = [link.get_attribute("href") for link in every(driver, "#results .result-link")]
    assert any("/keywords/" in href for href in links) and any("/tables/" in href for href in links)


def test_keyboard_moves_through_results_and_opens_one(driver, base_url, screenshots):
    driver.get(base_url + "/")
    box = wait(driver, lambda d: one(d, "#q"))
    type_slowly(box, "coal")  # a prefix
    wait(driver, lambda d: "coalescing" in one(d, "#results .result-title").text.lower())
    box.send_keys(Keys.ARROW_DOWN)
    links = every(driver, "#results .result-link")
    assert driver.switch_to.active_element == links[0]
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element == links[1]
    screenshot(driver, screenshots, "search-keyboard", full_page=False)
    driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert driver.switch_to.active_element == one(driver, "#q")
    one(driver, "body").send_keys("/")  # from anywhere, "/" comes back to the box
    box.send_keys(Keys.ARROW_DOWN)
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(driver, lambda d: "/questions/8" in d.current_url)
    assert "memory coalescing" in one(driver, "h1").text


# ---- Entry pages ----------------------------------------------------------------------------


def test_question_page_reads_with_javascript_off(driver, base_url, screenshots):
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver.get(base_url + "/questions/memory-coalescing-in-cuda")
    assert one(driver, "h1").text == "How does memory coalescing work in CUDA, and why is it important?"
    assert one(driver, ".kind").text.lower() == "question"
    assert len(every(driver, "pre .tk-kw")) >= 3, "code highlighted on the server"
    assert every(driver, ".related-list a[href='/questions/9']")
    assert every(driver, "aside .chips a[href='/?q=coalescing']")
    assert not every(driver, "article.experiment form"), "forms come from JavaScript"
    screenshot(driver, screenshots, "question-8-no-javascript")
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_table_is_a_real_html_table(driver, base_url, screenshots):
    driver.get(base_url + "/tables/method-types")
    headers = [th.text for th in every(driver, "table.data thead th[scope='col']")]
    assert headers[:2] == ["Feature", "Instance Method"]
    assert len(every(driver, "table.data tbody tr")) >= 5
    assert every(driver, "table.data tbody th[scope='row']")
    screenshot(driver, screenshots, "table-method-types")


def test_keyword_page_links_related_entries(driver, base_url):
    driver.get(base_url + "/keywords/slots")
    assert "__slots__" in one(driver, "h1").text
    assert one(driver, ".kind").text.lower() == "keyword"
    assert every(driver, ".related-list a")


def test_the_same_url_stays_json_for_curl(base_url):
    request = urllib.request.Request(base_url + "/questions/8", headers={"Accept": "*/*"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"] == "application/json"
        assert json.load(response)["id"] == 8
    request = urllib.request.Request(base_url + "/questions/8", headers={"Accept": BROWSER_ACCEPT})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/html")


# ---- Experiments ----------------------------------------------------------------------------


def test_run_a_small_experiment_and_see_its_chart_and_summary(driver, base_url, screenshots):
    driver.get(base_url + "/questions/12")
    panel = experiment(driver)
    assert one(panel, "[name='n']").get_attribute("max") == "8192", "limits come from the kind's description"
    assert not one(panel, "[name='kernel']").is_enabled(), "kernel applies to the opencl backend only"
    set_field(panel, "n", 32)
    one(panel, "button.run").click()
    wait(driver, lambda d: panel.get_attribute("data-state") == "succeeded", timeout=60)
    summary = one(panel, ".output .summary").text
    assert "GFLOP/s" in summary and "32×32" in summary
    assert len(every(panel, "figure.chart svg rect.bar")) == 1
    rows = {row.find_element(By.CSS_SELECTOR, "th").text: row.find_element(By.CSS_SELECTOR, "td").text
            for row in every(panel, "table.figures tbody tr")}
    assert rows["Throughput"].endswith("GFLOP/s")
    assert float(one(panel, "progress").get_attribute("value")) == 1
    job_href = one(panel, ".job-link a").get_attribute("href")
    assert get_json(job_href)["status"] == "succeeded"
    screenshot(driver, screenshots, "experiment-matmul-run")

    one(panel, "button.compare").click()
    wait(driver, lambda d: panel.get_attribute("data-state") == "succeeded"
         and one(panel, ".output .summary").text.startswith("At n=32"), timeout=90)
    bars = every(panel, "figure.chart svg text")
    labels = [text.text for text in bars]
    assert {"blas", "cpu-naive"} <= set(labels)
    assert "the plain loop" in one(panel, ".output .summary").text
    element_screenshot(driver, screenshots, "experiment-matmul-compare", panel)


def test_cancel_a_running_experiment(driver, base_url, screenshots):
    driver.get(base_url + "/questions/12")
    panel = experiment(driver)
    set_field(panel, "backend", "cpu-naive")
    set_field(panel, "n", 1024)
    set_field(panel, "repeats", 20)
    one(panel, "button.run").click()
    wait(driver, lambda d: "running" in one(panel, ".run-status").text, timeout=30)
    element_screenshot(driver, screenshots, "experiment-running", panel)
    one(panel, "button.cancel").click()
    wait(driver, lambda d: panel.get_attribute("data-state") == "cancelled", timeout=30)
    assert one(panel, ".run-status").text == "Cancelled."
    assert get_json(one(panel, ".job-link a").get_attribute("href"))["status"] == "cancelled"
    assert one(panel, "button.run").is_enabled() and not one(panel, "button.cancel").is_enabled()


# A finished job of one of the experiment kinds, in the one shape GET /jobs/kinds gives every kind and
# POST /jobs/{kind} give it; the test serves them from a stub of fetch so that the
# drawing of figures, sweeps and verification is checked whatever kinds the server has.
SUMMATION_KIND = {
    "kind": "summation", "title": "Floating-point summation error",
    "description": "Relative error of naive, Kahan and pairwise float32 sums as n grows.",
    "parameters": [
        {"name": "max_n", "type": "int", "default": 1048576, "min": 1024, "max": 16777216, "allowed": None,
         "unit": "elements", "description": "largest n of the sweep", "applies_when": None},
        {"name": "method", "type": "choice", "default": "all", "min": None, "max": None,
         "allowed": ["all", "naive", "kahan"], "unit": None, "description": "which sums", "applies_when": None},
    ],
    "questions": [14],
}


def summation_job(figures_as_object):
    figures = [
        {"name": "naive_error", "value": 3.1e-4, "unit": "relative error", "label": "naive float32 sum at max n"},
        {"name": "kahan_error", "value": 5.9e-8, "unit": "relative error", "label": "Kahan sum at max n"},
    ]
    if figures_as_object:
        figures = {f["name"]: {k: v for k, v in f.items() if k != "name"} for f in figures}
    sweep = [1024, 16384, 262144, 1048576]
    return {
        "id": "stubbed-summation", "kind": "summation", "status": "succeeded", "progress": 1,
        "created_at": "2026-01-01T00:00:00.000Z", "started_at": "2026-01-01T00:00:00.000Z",
        "finished_at": "2026-01-01T00:00:01.500Z", "links": {"events": "/jobs/stubbed-summation/events"},
        "result": {
            "figures": figures,
            "series": [
                {"name": "naive", "x_label": "n", "x_unit": "elements", "y_label": "relative error", "y_unit": "",
                 "points": [{"x": x, "y": 1e-7 * x ** 0.6} for x in sweep]},
                {"name": "Kahan", "x_label": "n", "x_unit": "elements", "y_label": "relative error", "y_unit": "",
                 "points": [{"x": x, "y": 6e-8} for x in sweep]},
            ],
            "verification": {"method": "an exact sum with math.fsum semantics", "passed": True},
            "summary": "The naive sum's error grows with n; Kahan's stays at one rounding.",
        },
    }


@pytest.mark.parametrize("figures_as_object", [False, True], ids=["figures-array", "figures-object"])
def test_an_experiment_sweep_is_drawn_as_lines_beside_its_summary(driver, base_url, screenshots, figures_as_object):
    stub = f"""
      const kinds = {json.dumps({"kinds": [SUMMATION_KIND]})};
      const job = {json.dumps(summation_job(figures_as_object))};
      const realFetch = window.fetch.bind(window);
      window.fetch = (url, options = {{}}) => {{
        const path = new URL(url, location.href).pathname;
        const answer = (body) => Promise.resolve(new Response(JSON.stringify(body),
          {{ status: 200, headers: {{ 'Content-Type': 'application/json' }} }}));
        if (path === '/jobs/kinds') return answer(kinds);
        if (path === '/jobs/summation' && options.method === 'POST') return answer(job);
        return realFetch(url, options);
      }};"""
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": stub})
    try:
        driver.get(base_url + "/questions/14")
        panel = experiment(driver)
        assert one(panel, "h3").text == "Naive float32 vs Kahan vs pairwise summation over n"  # the question's title for it
        assert one(panel, "[name='max_n']").get_attribute("min") == "1024"
        one(panel, "button.run").click()
        wait(driver, lambda d: panel.get_attribute("data-state") == "succeeded")
        assert one(panel, ".output .summary").text.startswith("The naive sum's error grows")
        assert len(every(panel, "figure.chart svg path.line")) == 2
        assert len(every(panel, "figure.chart svg circle.dot")) == 8
        assert "log" in one(panel, "figure.chart svg").get_attribute("aria-label")
        assert [li.text for li in every(panel, ".legend li")] == ["naive", "Kahan"]
        assert "passed" in one(panel, ".verification").text
        assert len(every(panel, "table.figures tbody tr")) == 2
        element_screenshot(driver, screenshots, f"experiment-sweep-{'object' if figures_as_object else 'array'}", panel)
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


# ---- Devices, jobs, dark mode, phone --------------------------------------------------------


def test_devices_and_jobs_pages(driver, base_url, screenshots):
    driver.get(base_url + "/devices")
    assert one(driver, "h1").text == "Devices"
    assert one(driver, "#blas-title").text.startswith("BLAS: ")
    assert one(driver, "nav a[aria-current='page']").text == "Devices"
    screenshot(driver, screenshots, "devices")
    driver.get(base_url + "/jobs")
    assert one(driver, "h1").text == "Recent jobs"
    rows = every(driver, "table.jobs tbody tr")
    assert rows, "the experiments above left jobs"
    assert {one(row, ".status").text for row in rows} <= {"queued", "running", "succeeded", "failed", "cancelled"}
    screenshot(driver, screenshots, "jobs")
    one(driver, "a.chip[href='/jobs?status=cancelled']").click()
    wait(driver, lambda d: d.current_url.endswith("status=cancelled"))
    assert all(one(row, ".status").text == "cancelled" for row in every(driver, "table.jobs tbody tr"))


def test_claims_show_what_this_machine_says_and_records_compare(driver, base_url, screenshots):
    driver.get(base_url + "/questions/14")
    claims = every(driver, "#claims article.claim")
    assert len(claims) >= 2, "question 14 marks its numeric claims"
    for claim in claims:
        assert one(claim, ".claim-status").text in {"Holds here", "Contradicted here", "Not measured here"}
    # Each claim gets the run form of its experiment.
    wait(driver, lambda d: claims[0].get_attribute("data-state") is not None)
    element_screenshot(driver, screenshots, "claims", one(driver, "#claims"))
    # The jobs the experiment tests above ran left records; two of one kind compare.
    records = get_json(base_url + "/records?kind=matmul")["records"]
    if len(records) >= 2:
        driver.get(base_url + f"/compare?a={records[0]['id']}&b={records[1]['id']}")
        assert "against B:" in one(driver, "h1").text
        assert every(driver, "table tr[class^='verdict-']"), "each measurement has a verdict"
        screenshot(driver, screenshots, "compare")
    driver.get(base_url + "/roofline")
    assert one(driver, "h1").text == "This machine's measured roofline" or "roofline" in one(driver, "h1").text


def test_dark_mode(driver, base_url, screenshots):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    driver.get(base_url + "/?q=shared%20memory")
    wait(driver, lambda d: every(d, "#results .result"))
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 17, 21)"
    screenshot(driver, screenshots, "search-dark")
    driver.get(base_url + "/questions/12")
    panel = experiment(driver)
    set_field(panel, "n", 32)
    one(panel, "button.run").click()
    wait(driver, lambda d: panel.get_attribute("data-state") == "succeeded", timeout=60)
    screenshot(driver, screenshots, "question-12-dark")


@pytest.mark.parametrize("path", ["/?q=warp", "/questions/12", "/tables/method-types", "/jobs", "/devices"])
def test_phone_width_has_no_sideways_scrolling(driver, base_url, screenshots, path):
    driver.set_window_size(390, 844)
    driver.get(base_url + path)
    time.sleep(0.5)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than the screen"
    if path == "/questions/12":
        panel = experiment(driver)
        set_field(panel, "n", 32)
        one(panel, "button.run").click()
        wait(driver, lambda d: panel.get_attribute("data-state") == "succeeded", timeout=60)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"with a result, {path} is {overflow}px wider than the screen"
        element_screenshot(driver, screenshots, "experiment-phone", panel)
    if path == "/?q=warp":
        wait(driver, lambda d: every(d, "#results .result"))
        screenshot(driver, screenshots, "search-phone", full_page=False)
