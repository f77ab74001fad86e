"""``portalwatch documents``: the document register as stored — newest first, with sightings and files."""

from __future__ import annotations

import json

from crawler.config import Settings
from crawler.errors import UserError
from crawler.store import open_store
from crawler.timefmt import iso_vn, short_vn
from storage import documents as docs
from storage.db import transaction


def register(sub) -> None:
    parser = sub.add_parser("documents", help="list stored documents (registers, attachments, mentions), newest first")
    parser.add_argument("--portal", metavar="ID", help="only documents this portal's registers or posts showed")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--limit", type=int, default=50)
    parser.set_defaults(handler=handle)


def _day_first(iso: str | None) -> str:
    if not iso:
        return "-"
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def document_json(row: docs.DocumentRow) -> dict:
    d = row.document
    return {
        "code": d.code,
        "kind": d.kind,
        "issuer": d.issuer,
        "issuer_name": d.issuer_name,
        "issued_on": d.issued_on,
        "effective_on": d.effective_on,
        "signer": d.signer,
        "summary": d.summary,
        "register_url": d.register_url,
        "first_seen_at": iso_vn(d.first_seen_at),
        "first_portal": d.first_portal_id,
        "sightings": row.sightings,
        "files": [
            {"url": f.url, "media_type": f.media_type, "pages": f.pages, "chars": len(f.text) if f.text else 0,
             "source": f.text_source, "ocr_confidence": f.ocr_confidence, "error": f.error,
             "copy_of": f.duplicate_of}
            for f in row.files
        ],
    }


def handle(args, settings: Settings) -> int:
    if args.limit is not None and args.limit < 1:
        raise UserError("--limit must be at least 1")
    with transaction(open_store(settings.database_url)) as session:
        rows = docs.list_documents(session, args.portal, args.limit)
        for row in rows:
            if args.json:
                print(json.dumps(document_json(row), ensure_ascii=False))
                continue
            d = row.document
            print(f"{_day_first(d.issued_on):10}  {d.code:24}  {d.kind or '-':14}  {d.issuer_name or d.issuer or '-'}")
            if d.summary:
                print(f"{'':12}{d.summary[:160]}")
            files = ", ".join(
                f"{f.text_source or 'error'} {len(f.text) if f.text else 0} chars" if not f.error else f"error: {f.error}"
                for f in row.files
            )
            print(f"{'':12}first seen {short_vn(d.first_seen_at)}, {row.sightings} sighting(s){'; files: ' + files if files else ''}")
    return 0
