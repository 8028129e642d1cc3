"""Shared fixtures: the real codebooks and one loaded model per test session."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def books():
    from pipeline.codebook.loader import load_codebooks

    return load_codebooks(ROOT / "codebooks")


@pytest.fixture(scope="session")
def article_coder(books):
    from pipeline.code import ArticleCoder, CodeSettings

    return ArticleCoder(books, CodeSettings())


@pytest.fixture(scope="session")
def code_text(article_coder):
    """Code one text as an article; returns the event rows."""
    from pipeline.code import code_articles
    from pipeline.ingest import Article

    def run(text: str, published: dt.date | None = dt.date(2016, 5, 2), article_id: str = "t1", dateline=None):
        art = Article.from_text(article_id, text, published, input="test", dateline_place=dateline)
        return [r for rows in code_articles([art], article_coder) for r in rows]

    return run


@pytest.fixture()
def book_copy(tmp_path):
    """A copy of the project's codebooks to edit in a test."""
    target = tmp_path / "codebooks"
    shutil.copytree(ROOT / "codebooks", target)
    return target


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is optional)")
    return path
