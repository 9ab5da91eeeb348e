"""Pages anyone may open: the login form and the accessibility statement (tilgængelighedserklæring)."""

import pytest

from tests.browser.pages import assert_accessible, check_page

pytestmark = pytest.mark.browser


def test_login_page_and_accessibility_statement(open_page):
    w = open_page()
    w.goto("/login/")
    check_page(w, screenshot="login.png")
    # The statement is linked from every page's footer and needs no login.
    with w.page.expect_navigation():
        w.page.get_by_role("contentinfo").get_by_role("link", name="Tilgængelighedserklæring").press("Enter")
    assert w.page.url.endswith("/accessibility/")
    assert w.page.get_by_role("heading", level=1).inner_text() == "Tilgængelighedserklæring"
    assert "WCAG 2.1" in w.page.content() and "Digitaliseringsstyrelsen" in w.page.content()
    check_page(w, screenshot="accessibility-statement.png")


def test_the_checks_catch_a_csp_violation_and_an_accessibility_error(open_page):
    """The page checks are not vacuous: an inline script is refused and reported, a bare image fails axe."""
    w = open_page()
    w.goto("/accessibility/")
    check_page(w, axe=False)
    w.page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "document.body.dataset.injected = 'yes'";
        document.body.appendChild(script);
        const img = document.createElement("img");
        img.src = "/static/favicon.svg";
        document.querySelector("main").appendChild(img);
    }"""
    )
    w.page.wait_for_timeout(200)
    assert w.page.evaluate("() => document.body.dataset.injected") is None, "the inline script ran despite the CSP"
    assert any("Content Security Policy" in error for error in w.errors), w.errors
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(w.page)
