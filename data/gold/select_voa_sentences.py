"""Draw the sentences of the VOA real-news development set, at random with a fixed seed.

Usage: python data/gold/select_voa_sentences.py ../shared/corpora/voa_stories.jsonl > data/gold/voa_sample.jsonl

45 stories are drawn from the 89 (random.Random(20261206)), then 6 sentences from each story
(or all of a shorter story), so the set is not picked for being easy. Sentences are split with
a plain rule (end punctuation, optional closing quote, whitespace, capital or quote) so the
draw needs no model and gives the same sentences everywhere. The sample is then coded by hand
into voa_realnews.jsonl (see README.md in this folder).
"""

from __future__ import annotations

import json
import random
import re
import sys

SEED = 20261206
STORIES = 45
SENTENCES_PER_STORY = 6
# Split after . ! ? (and a closing quote) before whitespace and an upper-case letter or quote;
# common abbreviations that end in a full stop are not sentence ends.
_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z])")
_ABBREVIATIONS = re.compile(r"\b(?:U\.S|U\.N|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Sen|Rep|Gov|St|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec|a\.m|p\.m|[A-Z])\.$")


def split_sentences(text: str) -> list[str]:
    pieces = _SPLIT.split(text.strip())
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ABBREVIATIONS.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return [s for s in sentences if len(s.split()) >= 4]


def main(path: str) -> None:
    stories = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    rng = random.Random(SEED)
    chosen = sorted(rng.sample(range(len(stories)), STORIES))
    for story_index in chosen:
        story = stories[story_index]
        sentences = split_sentences(story["text"])
        picks = sorted(rng.sample(range(len(sentences)), min(SENTENCES_PER_STORY, len(sentences))))
        for sentence_index in picks:
            record = {
                "id": f"{story['id']}-s{sentence_index:03d}",
                "text": sentences[sentence_index],
                "published": story["published"],
                "url": story["url"],
            }
            print(json.dumps(record, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
