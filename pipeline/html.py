"""Article text from an HTML page: paragraphs only, without scripts, menus or comment forms."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser as HTMLParser

NOISE_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "iframe", "button", "svg", "template", "select", "textarea", "input", "label"]
NOISE_SELECTORS = ['[class*="comment"]', '[id*="comment"]', '[class*="share"]', '[class*="social"]',
                   '[class*="related"]', '[class*="newsletter"]', '[class*="advert"]', '[role="navigation"]']
DATE_META = ["article:published_time", "og:published_time", "pubdate", "publishdate", "date",
             "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date"]


@dataclass
class Page:
    title: str | None
    text: str
    published: str | None
    url: str | None


def _meta(tree: HTMLParser, names: list[str]) -> str | None:
    for node in tree.css("meta"):
        attrs = node.attributes
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        if key in names and attrs.get("content"):
            return attrs["content"].strip()
    return None


def extract_article(html: str) -> Page:
    tree = HTMLParser(html)
    published = _meta(tree, DATE_META + ["datepublished"])
    if published is None:
        node = tree.css_first("time[datetime]")
        published = node.attributes.get("datetime") if node else None
    url = _meta(tree, ["og:url"])
    title = _meta(tree, ["og:title"])
    if title is None:
        node = tree.css_first("title") or tree.css_first("h1")
        title = node.text(strip=True) if node else None
    tree.strip_tags(NOISE_TAGS)
    for selector in NOISE_SELECTORS:
        for node in tree.css(selector):
            node.decompose()
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    paragraphs = []
    if root is not None:
        for node in root.css("p, h2, h3, blockquote, li"):
            if node.tag == "li" and node.css_first("a") is not None and len(node.text(strip=True)) < 80:
                continue  # link lists are navigation, not prose
            text = node.text(separator=" ", strip=True)
            if text:
                paragraphs.append(" ".join(text.split()))
        if not paragraphs:
            paragraphs = [line.strip() for line in root.text(separator="\n").splitlines() if line.strip()]
    return Page(title=title, text="\n\n".join(paragraphs), published=published, url=url)
