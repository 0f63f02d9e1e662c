"""Schemathesis hooks for Chirp's API fuzz test (test/e2e/schemathesis.test.ts).

What the OpenAPI document cannot say, said here, each as narrowly as it can be:

1. Cursors are opaque (base64url JSON of a keyset position, checked on decoding): no JSON Schema
   describes the set of cursors the API issued, so a generated "valid" cursor is almost always a
   malformed one (400 INVALID_CURSOR, as the contract requires). In positive cases only, a cursor
   that is valid by the schema but not a cursor is replaced by a real one, so the page after a
   position is fetched and checked; negative cases keep the cursor they were given.
2. Rules that depend on state or on a weighting no schema keyword expresses: a failure of the
   positive_data_acceptance check (ST202) is dropped only for the operation, answer code and
   input named in _excused, and only when that input really breaks the rule (following
   yourself, a tweet weighing over 280, an empty tweet without media, media or an avatar that are
   not the caller's own ready ones, a search with no word to look for); any other 4xx to a
   schema-valid request still fails the run.
3. A 503 DEPENDENCY_UNAVAILABLE says a store or service behind the gateway did not answer in time
   (documented on every operation, with Retry-After): on the loaded shared machine that happens to
   a request that is fine. Such a server-error failure (ST101) is dropped only when the same
   request, sent again after Retry-After, is answered without a 5xx; a 5xx that repeats fails.
"""

import base64
import hashlib
import json
import os
import re
import sys
import time
import unicodedata

import requests
import schemathesis
from schemathesis import GenerationMode

# The handle of the account the run signs in as (its bearer token is on every request).
OWN_HANDLE = os.environ.get("CHIRP_FUZZ_HANDLE", "").lower()

# JavaScript's String.prototype.trim set (WhiteSpace and LineTerminator): Python's str.strip differs
# (it keeps U+FEFF and strips U+001C..U+001F and U+0085).
JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Ids are 1..2^63-1 without leading zeros; handles ^[A-Za-z0-9_]{3,15}$. A position of 3 to 15
# digits not starting with 0 is both, so one cursor shape is valid on every list.
POSITION = re.compile(r"^[1-9][0-9]{2,14}$")
HANDLE = re.compile(r"^[A-Za-z0-9_]{3,15}$")
ID = re.compile(r"^[1-9][0-9]{0,18}$")


def _decodes(cursor: str) -> bool:
    """Whether the API could accept this cursor: base64url JSON of one id or handle."""
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        return False
    return isinstance(position, list) and len(position) == 1 and isinstance(position[0], str) and bool(ID.match(position[0]) or HANDLE.match(position[0]))


def _real_cursor(generated: str) -> str:
    """A real cursor derived from the generated value, so a run is reproducible from its seed."""
    digest = int.from_bytes(hashlib.sha256(generated.encode("utf-8", "surrogatepass")).digest()[:8], "big")
    position = str(100 + digest % (10**15 - 100))
    assert POSITION.match(position)
    return base64.urlsafe_b64encode(json.dumps([position]).encode()).decode().rstrip("=")


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE or not isinstance(case.query, dict):
        return case
    cursor = case.query.get("cursor")
    if isinstance(cursor, str) and 1 <= len(cursor) <= 512 and not _decodes(cursor):
        case.query["cursor"] = _real_cursor(cursor)
    return case


def _weight_bound(text: str) -> int:
    """An upper bound of twitter-text's weighted length: at most 2 per code point, and a URL
    (which counts 23 however short) needs a dot in its domain or a scheme's '://'."""
    return 2 * len(text) + 23 * (text.count(".") + text.count("://"))


def _problem_code(response) -> str | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _search_terms(query: str) -> set[str]:
    """The words a tweet search looks for, as the tweet service finds them (runs of letters, marks,
    digits and _, lower-cased): a query without any is refused, and so is one with more than 10."""
    terms, run = set(), ""
    for character in unicodedata.normalize("NFC", query).lower() + " ":
        if unicodedata.category(character)[0] in "LMN" or character == "_":
            run += character
        elif run:
            terms.add(run)
            run = ""
    return terms


def _excused(case, response) -> bool:
    """A schema-valid request the API refuses for a rule the schema cannot state, and breaks."""
    code = _problem_code(response)
    operation = case.operation.label
    if operation in ("PUT /v1/users/me/following/{handle}", "DELETE /v1/users/me/following/{handle}"):
        # Following yourself is 400 (the contract); which handle is "yourself" depends on the token.
        return code == "CANNOT_FOLLOW_SELF" and str(case.path_parameters.get("handle", "")).lower() == OWN_HANDLE
    if operation == "PATCH /v1/users/me" and isinstance(case.body, dict):
        # avatarMediaId must name the caller's own ready media: state, not shape.
        return code == "INVALID_MEDIA" and case.body.get("avatarMediaId") is not None
    if operation == "GET /v1/search/tweets" and isinstance(case.query, dict):
        # Nothing to look for (no word, no hashtag) or more than 10 terms: a rule about words.
        terms = _search_terms(str(case.query.get("q", "")))
        return code == "INVALID_SEARCH_QUERY" and (len(terms) == 0 or len(terms) > 10)
    if operation == "POST /v1/tweets" and isinstance(case.body, dict):
        text = case.body.get("text")
        media = case.body.get("mediaIds") or []
        if not isinstance(text, str):
            return False
        # mediaIds must name the caller's own ready media, each on no other tweet: state, not shape.
        if code == "INVALID_MEDIA":
            return len(media) > 0
        # The text may be empty once trimmed only when media are attached: a rule across two fields.
        if code == "TWEET_EMPTY":
            return text.strip(JS_WHITESPACE) == "" and len(media) == 0
        # 1-280 as twitter-text weighs them (CJK and emoji 2, a URL 23): no maxLength can state it.
        return code == "TWEET_TOO_LONG" and _weight_bound(text) > 280
    return False


def _transient(response) -> bool:
    """A 503 DEPENDENCY_UNAVAILABLE whose request, sent once more after Retry-After, is answered without a 5xx."""
    if response.status_code != 503 or _problem_code(response) != "DEPENDENCY_UNAVAILABLE":
        return False
    retry_after = (response.headers.get("retry-after") or ["1"])[0]
    time.sleep(min(5.0, float(retry_after)) if retry_after.isdigit() else 1.0)
    with requests.Session() as session:
        again = session.send(response.request, timeout=30)
    print(f"chirp hooks: {response.request.method} {response.request.url} was 503 DEPENDENCY_UNAVAILABLE, then {again.status_code}", file=sys.stderr)
    return again.status_code < 500


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Keep every failure except a positive_data_acceptance one (ST202) that _excused explains,
    and a server error (ST101) that was a passing unavailability."""
    if failure.code == "ST101":
        return not _transient(response)
    return not (failure.code == "ST202" and _excused(case, response))
