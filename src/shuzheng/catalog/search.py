"""Chinese search over the catalog without a search server.

A query is cut into words with jieba ("杭州企业登记" → 杭州 / 企业 / 登记);
a dataset matches when each word occurs in its title, description, keywords
or department name. Substring matching needs no index of words, so a word
jieba would cut differently in the document ("营业执照" inside "企业营业执照信息")
still matches. A province with millions of rows would swap this for
PostgreSQL full-text search or a search engine behind the same two functions.
"""

from __future__ import annotations

import logging
import re
from functools import cache

import jieba

_WORD = re.compile(r"\w", re.UNICODE)
# Words that carry no meaning on their own in a query.
_STOP = frozenset({"的", "和", "与", "及", "或", "在", "了", "数据"})


@cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)  # the dictionary load announces itself on stderr otherwise
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def index_text(*parts: str) -> str:
    """What to store for searching: the parts, lower-cased, one space apart."""
    return " ".join(part.strip().lower() for part in parts if part.strip())


def query_words(query: str) -> list[str]:
    """The words a dataset must all contain to match ``query``."""
    cut = _tokenizer().cut(query.lower())
    meaningful = [word.strip() for word in cut if _WORD.search(word) and word.strip() not in _STOP]
    return list(dict.fromkeys(meaningful))
