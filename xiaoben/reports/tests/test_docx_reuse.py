"""Many documents, fast (docx_style.reuse_documents): each document is complete and carries
only its own content, styles and page numbers included."""

import io
import zipfile

from docx import Document

from xiaoben.reportkit import docx_style as ds


def _build(text: str) -> bytes:
    doc = ds.new_document()
    ds.title(doc, text)
    ds.table(doc, ["序号", "内容"], [[1, text]])
    ds.paragraph(doc, f"{text}的正文")
    return ds.to_bytes(doc)


def test_reused_documents_are_whole_and_separate():
    plain = _build("甲")
    with ds.reuse_documents():
        a, b = _build("甲"), _build("乙")
    for data, mine, other in ((a, "甲", "乙"), (b, "乙", "甲")):
        doc = Document(io.BytesIO(data))
        text = "\n".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
        assert mine in text and other not in text
        assert len(doc.tables) == 1
        assert "PAGE" in zipfile.ZipFile(io.BytesIO(data)).read("word/footer1.xml").decode()
    assert sorted(zipfile.ZipFile(io.BytesIO(a)).namelist()) == sorted(zipfile.ZipFile(io.BytesIO(plain)).namelist())
    # outside the block, documents are built afresh again
    assert ds.new_document() is not ds.new_document()
