"""Links the app prints (share links, the FGD form's address) point at the server the reader is on."""

import re

import pytest

from sinergi.core.settings import PROJECT_ROOT
from sinergi.core.urls import BARE_PAGES, PAGE_PATHS, app_base, page_path, page_url


@pytest.mark.parametrize(
    ("now", "base"),
    [
        ("http://127.0.0.1:8501", "http://127.0.0.1:8501"),
        ("http://127.0.0.1:8501/", "http://127.0.0.1:8501"),
        ("http://127.0.0.1:8501/?regency=3", "http://127.0.0.1:8501"),
        ("https://sinergi.example.id/program?id=3", "https://sinergi.example.id"),
        ("https://example.id/sinergi/present?meeting=2", "https://example.id/sinergi"),
        ("https://example.id/sinergi/", "https://example.id/sinergi"),
        (None, ""),
    ],
)
def test_the_base_drops_the_page_and_keeps_host_and_base_path(now: str | None, base: str) -> None:
    assert app_base(now) == base


def test_a_share_link_from_the_overview_has_its_host() -> None:
    assert page_url("http://127.0.0.1:8501", "shared?token=abc") == "http://127.0.0.1:8501/shared?token=abc"


@pytest.mark.parametrize(
    ("now", "path"),
    [
        ("http://127.0.0.1:8501", ""),
        ("http://127.0.0.1:8501/?regency=3", ""),
        ("http://127.0.0.1:8501/program?id=3", "program"),
        ("https://example.id/sinergi/present?meeting=2", "present"),
        ("https://example.id/sinergi/feedback/", "feedback"),
        ("https://example.id/sinergi", ""),
        (None, ""),
    ],
)
def test_the_page_an_address_is_on(now: str | None, path: str) -> None:
    assert page_path(now) == path


def test_the_page_paths_are_those_app_py_registers() -> None:
    registered = set(re.findall(r'url_path="([a-z_]*)"', (PROJECT_ROOT / "app.py").read_text()))
    assert registered - {""} == PAGE_PATHS and "" in registered, "the overview is the empty path"
    assert BARE_PAGES <= PAGE_PATHS
