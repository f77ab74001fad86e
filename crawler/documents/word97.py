"""Legacy Word 97–2003 .doc: antiword, with catdoc when antiword refuses the file.

antiword keeps tables and paragraph order (``-w 0``: one paragraph per line); catdoc reads some files
antiword calls "not a Word document" (Word 6/95 and odd writers). Both give decomposed tone marks,
normalised to NFC by tidy().
"""

from __future__ import annotations

from pathlib import Path

from crawler.documents.model import DocumentError, DocumentText, Limits
from crawler.documents.processes import ToolFailed, ToolTimeout, run_tool
from crawler.documents.sniff import DOC
from crawler.documents.textnorm import tidy


def doc_text(path: Path, limits: Limits) -> DocumentText:
    failures = []
    for args in (["antiword", "-w", "0", "-m", "UTF-8.txt", str(path)], ["catdoc", "-d", "utf-8", "-w", str(path)]):
        try:
            out = run_tool(args, timeout=limits.tool_seconds)
        except ToolFailed as exc:
            failures.append(str(exc))
            continue
        except ToolTimeout as exc:
            failures.append(str(exc))
            continue
        text = tidy(out.decode("utf-8", "replace"))
        if text:
            warnings = [f"antiword refused it; read by catdoc ({failures[0]})"] if failures else []
            return DocumentText(media_type=DOC, text=text, source="doc", warnings=warnings)
        failures.append(f"{args[0]}: no text")
    raise DocumentError("unreadable .doc: " + "; ".join(failures))
