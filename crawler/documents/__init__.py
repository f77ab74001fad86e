"""Official documents' text: PDF (text layer or OCR), DOCX, ODT, legacy DOC, old TCVN3/VNI fonts.

Knows no portal; the crawl hands it bytes, the CLI a file.
"""

from crawler.documents.extract import extract_document, extract_document_file
from crawler.documents.model import DocumentError, DocumentText, Limits
from crawler.documents.sniff import sniff

__all__ = ["DocumentError", "DocumentText", "Limits", "extract_document", "extract_document_file", "sniff"]
