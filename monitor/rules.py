"""Alert rules: the bundled defaults, a YAML file, and subscribers' keyword rules, in one model.

Rules are data from people, so loading is strict and errors point at the spot: file, rule, field.
Terms are literal phrases, never regular expressions: matching is by automaton, so no rule, however
written, can make matching slow.

A term is an exact phrase: its syllables, in order, adjacent, each whole ("biên giới" does not match
"giới biên" nor "biên giớii"), after normalisation (case, Unicode form, tone-mark placement,
punctuation and spacing: "kinh tế - xã hội" = "kinh tế-xã hội" = "Kinh tế xã hội"). Accents count
unless the rule sets ``accent_insensitive``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from monitor.directives import KINDS
from monitor.normalise import canonical, fold_key, fold_term, tokens
from monitor.places import partner_name

BUNDLED = Path(__file__).resolve().parent / "default_rules.yaml"
DETECTORS = ("directive", "new-directive", "visit")
MAX_TERM_CHARS = 200
MAX_TERM_TOKENS = 30
MAX_TERMS = 200


def issuer_key(issuer: str) -> str:
    """"BCĐ", "bcd", "BTC-BNV" / "BTC BNV" compare equal."""
    return fold_key(issuer).upper().replace(" ", "")


class RulesError(ValueError):
    """A rules file or rule that cannot be used; the message names the file, the rule and the field."""


class TermError(ValueError):
    """A term the matcher cannot use; ``vi`` says why to a subscriber, in Vietnamese."""

    def __init__(self, message: str, vi: str):
        super().__init__(message)
        self.vi = vi


def _term(value: str) -> str:
    if not isinstance(value, str):
        raise TermError("a term is a string", "từ khóa phải là chữ")
    value = " ".join(canonical(value).split())
    if len(value) > MAX_TERM_CHARS:
        raise TermError(f"term longer than {MAX_TERM_CHARS} characters", f"dài quá {MAX_TERM_CHARS} ký tự")
    if not fold_term(value):
        raise TermError(f"term {value!r} has no letters or digits", "không có chữ cái hay chữ số nào")
    if len(tokens(value)) > MAX_TERM_TOKENS:
        raise TermError(f"term has more than {MAX_TERM_TOKENS} words", f"dài quá {MAX_TERM_TOKENS} từ")
    return value


class Rule(BaseModel):
    """One rule. Keyword rules need ``any`` or ``all``; detector rules fire on the detector's events
    and may narrow them (``kinds``/``issuers`` for directives, ``partners`` for visits) and add terms."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=120)
    name: str | None = Field(default=None, max_length=300)
    # Who the rule belongs to (a Telegram chat id, or any owner key); None for a global rule.
    subscriber: int | str | None = None
    detector: Literal["directive", "new-directive", "visit"] | None = None
    any: list[str] = Field(default_factory=list, max_length=MAX_TERMS)
    all: list[str] = Field(default_factory=list, max_length=MAX_TERMS)
    none: list[str] = Field(default_factory=list, max_length=MAX_TERMS)
    accent_insensitive: bool = False
    portals: list[str] = Field(default_factory=list)
    provinces: list[str] = Field(default_factory=list)
    topic: Literal["doi-ngoai"] | None = None
    kinds: list[str] = Field(default_factory=list)
    issuers: list[str] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not re.fullmatch(r"[\w.:@/+-]+", value):
            raise ValueError("use letters, digits and . : @ / + - _ only")
        return value

    @field_validator("any", "all", "none", mode="before")
    @classmethod
    def _terms(cls, value):
        if isinstance(value, str):
            value = [value]
        return [_term(term) for term in value] if isinstance(value, list) else value

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        known = {fold_key(kind): kind for kind in KINDS}
        out = []
        for kind in value:
            if fold_key(kind) not in known:
                raise ValueError(f"unknown document kind {kind!r}; known: {', '.join(KINDS)}")
            out.append(known[fold_key(kind)])
        return out

    @field_validator("issuers")
    @classmethod
    def _issuers(cls, value: list[str]) -> list[str]:
        return [issuer_key(issuer) for issuer in value]

    @field_validator("partners")
    @classmethod
    def _partners(cls, value: list[str]) -> list[str]:
        out = []
        for partner in value:
            name = partner_name(partner)
            if name is None:
                raise ValueError(f"unknown country or organisation {partner!r}")
            out.append(name)
        return out

    @model_validator(mode="after")
    def _shape(self) -> "Rule":
        if self.detector is None and not (self.any or self.all):
            raise ValueError("a rule needs a detector or terms in 'any' or 'all'")
        if (self.kinds or self.issuers) and self.detector not in ("directive", "new-directive"):
            raise ValueError("'kinds' and 'issuers' need detector 'directive' or 'new-directive'")
        if self.partners and self.detector != "visit":
            raise ValueError("'partners' needs detector 'visit'")
        return self


class RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    include_defaults: bool = False
    rules: list[dict]


def bundled_rules() -> list[Rule]:
    return load_rules(BUNDLED)


def rules_from_setting(path: Path | None) -> list[Rule]:
    """``PORTALWATCH_RULES``: that file (plus the defaults if it says ``include_defaults``), else the defaults."""
    return bundled_rules() if path is None else load_rules(path)


def load_rules(path: Path | str) -> list[Rule]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RulesError(f"{path}: not UTF-8 text") from None
    return parse_rules(text, str(path))


def parse_rules(text: str, source: str = "<rules>") -> list[Rule]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise RulesError(f"{source}:{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if isinstance(data, list):
        data = {"rules": data}
    if not isinstance(data, dict):
        raise RulesError(f"{source}: expected a mapping with 'rules:' (or a list of rules)")
    try:
        document = RulesFile.model_validate(data)
    except ValidationError as exc:
        raise RulesError(f"{source}: {_describe(exc)}") from None
    rules = bundled_rules() if document.include_defaults else []
    for index, raw in enumerate(document.rules, start=1):
        label = f"rule {raw.get('id')!r}" if isinstance(raw, dict) and raw.get("id") else f"rule #{index}"
        try:
            rules.append(Rule.model_validate(raw))
        except ValidationError as exc:
            raise RulesError(f"{source}: {label}: {_describe(exc)}") from None
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulesError(f"{source}: rule {rule.id!r}: duplicate id")
        seen.add(rule.id)
    return rules


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"field {where}: {message}" if where else message)
    return "; ".join(parts)


def parse_query(query: str) -> dict[str, list[str]]:
    """A subscriber's one-line keyword query as rule fields.

    Comma-separated phrases; ``+phrase`` must also appear, ``-phrase`` must not; quotes keep commas
    inside a phrase: ``biên giới, "Việt - Lào", +Lai Châu, -bóng đá``.
    """
    fields: dict[str, list[str]] = {"any": [], "all": [], "none": []}
    for raw in re.findall(r'\s*[+-]?\s*["“][^"”]*["”]|[^,]+', query):
        part = raw.strip()
        role = "any"
        if part[:1] in "+-" and part[1:].strip():
            role = "all" if part[0] == "+" else "none"
            part = part[1:].strip()
        part = part.strip('"“” ').strip()
        if part:
            fields[role].append(part)
    return fields
