"""``portalwatch match [FILE ...] [--keyword K ...] [--rules RULES.yaml]``: the monitor on files.

Each input (a plain-text article, or an article JSON as ``portalwatch extract`` prints it; standard
input when no FILE is given, or for ``-``) gives one JSON line, in input order: directives, visits,
topic, keyword counts with snippets, and the rules that fire. Codes count as new directives when no
earlier input mentioned them: first sighting across the inputs, as the crawl cycle does across
articles (the database is not read).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from crawler.config import Settings
from crawler.errors import UserError


def register(sub) -> None:
    parser = sub.add_parser(
        "match",
        help="detect directives, foreign visits and keywords in article files (one JSON line each)",
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="plain text or article JSON; '-' or none: stdin")
    parser.add_argument(
        "--keyword", "-k", action="append", default=[], metavar="K", help="phrase to count (repeatable)"
    )
    parser.add_argument(
        "--accent-insensitive", action="store_true", help="match --keyword phrases without regard to accents"
    )
    parser.add_argument(
        "--rules", type=Path, metavar="RULES.yaml", help="rules file (default: PORTALWATCH_RULES, else bundled)"
    )
    parser.set_defaults(handler=handle)


def handle(args, settings: Settings) -> int:
    # Imported here: every command module is imported to build the parser, and the matcher's
    # dependencies are not free.
    from monitor.analysis import Monitor
    from monitor.registry import FirstSightings
    from monitor.rules import RulesError, load_rules, rules_from_setting

    try:
        rules = load_rules(args.rules) if args.rules else rules_from_setting(settings.rules)
    except RulesError as exc:
        raise UserError(str(exc)) from None
    monitor = Monitor(rules, keywords=args.keyword, accent_insensitive=args.accent_insensitive)
    registry = FirstSightings()
    skipped = 0
    for name in args.files or ["-"]:
        for article in _articles(name):
            if isinstance(article, str):  # a record that cannot be read: said once, the rest go on
                print(f"portalwatch match: {article}", file=sys.stderr, flush=True)
                skipped += 1
                continue
            analysis = monitor.analyse(article, known_codes=registry.known)
            registry.observe(analysis.keys)
            print(json.dumps(analysis.as_json(), ensure_ascii=False), flush=True)
    return 1 if skipped else 0


def _articles(name: str) -> list:
    raw = _read(name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{name}: not UTF-8 text") from None
    return _parse(text, name)


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise UserError(f"{name}: {exc.strerror or exc}") from None


TEXT_FIELDS = ("text", "title", "lead", "portal", "portal_id", "province", "url")


def _parse(text: str, name: str = "-") -> list:
    """Article JSON objects as ``portalwatch extract`` prints them (one or several, compact or
    ``--pretty``), or else plain text. Returns ``ArticleInput``s, and for a record whose fields are
    not text, a one-line reason in its place."""
    from monitor.analysis import ArticleInput

    objects = _json_objects(text)
    if objects and any("text" in o or "input" in o for o in objects):
        return [_record(ArticleInput, o, f"{name}: record {n}") for n, o in enumerate(objects, 1)]
    return [ArticleInput(text=text)]


def _record(article_input, data: dict, where: str):
    for key in TEXT_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            label = f" ({data['url']})" if isinstance(data.get("url"), str) else ""
            return f"{where}{label}: field {key!r} is {type(value).__name__}, not text; record skipped"
    return article_input.from_mapping(data)


def _json_objects(text: str) -> list[dict] | None:
    decoder, objects, position = json.JSONDecoder(), [], 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return objects
        if text[position] != "{":
            return None
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return None
        objects.append(value)
