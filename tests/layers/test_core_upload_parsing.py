"""Uploads are checked by parsing them (issue #12, 8): images decode, PDFs parse, Office files
have their parts — the magic bytes alone let an HTML page called 证书.pdf through."""

import io
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from xiaoben.core.samples import jpeg_bytes, pdf_bytes, png_bytes
from xiaoben.core.uploads import validate_upload

HTML_AS_PDF = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def _upload(name, data):
    return SimpleUploadedFile(name, data)


def _docx() -> bytes:
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("教学设计")
    d.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["工号", "姓名"])
    wb.save(buf)
    return buf.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def _rezip(data: bytes, **replace: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    return _zip({n: replace.get(n.replace("/", "_").replace(".", "_"), src.read(n)) for n in src.namelist()})


class TestPdf:
    def test_a_real_pdf_passes(self):
        assert validate_upload(_upload("证书.pdf", pdf_bytes()), {"pdf"}) == "pdf"

    def test_an_html_page_beginning_with_pdf_is_refused_in_chinese(self):
        with pytest.raises(ValidationError, match="不是有效的 PDF") as e:
            validate_upload(_upload("证书.pdf", HTML_AS_PDF), {"pdf", "image"})
        assert "证书.pdf" in str(e.value)

    def test_a_truncated_pdf_is_refused(self):
        with pytest.raises(ValidationError, match="不是有效的 PDF"):
            validate_upload(_upload("半截.pdf", pdf_bytes()[:200]), {"pdf"})


class TestImages:
    @pytest.mark.parametrize("data", [png_bytes(), jpeg_bytes()], ids=["png", "jpeg"])
    def test_real_images_pass(self, data):
        assert validate_upload(_upload("板书.img", data), {"image"}) == "image"

    def test_a_png_header_on_garbage_is_refused(self):
        with pytest.raises(ValidationError, match="不是有效的图片"):
            validate_upload(_upload("板书.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200), {"image"})

    def test_a_truncated_jpeg_is_refused(self):
        with pytest.raises(ValidationError, match="不是有效的图片"):
            validate_upload(_upload("照片.jpg", jpeg_bytes(64)[:120]), {"image"})


class TestOffice:
    def test_real_docx_and_xlsx_pass(self):
        assert validate_upload(_upload("教案.docx", _docx()), {"docx"}) == "docx"
        assert validate_upload(_upload("名册.xlsx", _xlsx()), {"xlsx"}) == "xlsx"

    def test_a_docx_without_its_document_part_is_refused(self):
        data = _zip({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<w:styles/>"})
        with pytest.raises(ValidationError, match="不是有效的 Word 文档"):
            validate_upload(_upload("教案.docx", data), {"docx"})

    def test_an_xlsx_whose_workbook_xml_is_corrupt_is_refused(self):
        data = _rezip(_xlsx(), xl_workbook_xml=b"<workbook><sheets><sheet")
        with pytest.raises(ValidationError, match="不是有效的 Excel 表格"):
            validate_upload(_upload("名册.xlsx", data), {"xlsx"})

    def test_a_zip_with_office_folder_names_only_is_refused(self):
        data = _zip({"xl/evil.html": b"<script>x</script>"})
        with pytest.raises(ValidationError, match="不是有效的 Excel 表格"):
            validate_upload(_upload("名册.xlsx", data), {"xlsx"})


class TestText:
    def test_gbk_text_is_text(self):
        assert validate_upload(_upload("计划.txt", "每周至少一次教学反思".encode("gb18030")), {"text"}) == "text"


# --- every upload path goes through the helper -----------------------------------------------


@pytest.mark.django_db
def test_a_fake_pdf_certificate_is_refused_by_the_training_claim(world):
    from xiaoben.core.scope import scope_for
    from xiaoben.hours import services
    from xiaoben.hours.models import TrainingClaim
    from xiaoben.hours.tests.factories import claim_kwargs

    with pytest.raises(ValidationError, match="不是有效的 PDF"):
        services.claim_submit(actor=scope_for(world.teacher.user), certificate=_upload("证书.pdf", HTML_AS_PDF), **claim_kwargs())
    assert not TrainingClaim.objects.exists()


@pytest.mark.django_db
def test_a_fake_pdf_is_refused_as_an_attachment(world):
    from xiaoben.core.models import Attachment
    from xiaoben.core.services import attachment_add

    with pytest.raises(ValidationError, match="不是有效的 PDF"):
        attachment_add(user=world.users["leader"], target=world.chinese, upload=_upload("记录.pdf", HTML_AS_PDF), kinds={"pdf"})
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_fake_pdf_is_refused_as_a_research_document(world):
    from xiaoben.research.models import ProjectDocument
    from xiaoben.research.services import project_document_add
    from xiaoben.research.tests.factories import project, scope

    p = project(world)
    with pytest.raises(ValidationError, match="不是有效的 PDF"):
        project_document_add(actor=scope(world, "dean"), project=p, kind="application", upload=_upload("申报书.pdf", HTML_AS_PDF))
    assert not ProjectDocument.objects.exists()


@pytest.mark.django_db
def test_a_fake_image_is_refused_by_the_resource_library(world):
    from xiaoben.resources.models import ResourceFile
    from xiaoben.resources.services import FILE_KINDS

    with pytest.raises(ValidationError, match="不是有效的图片"):
        validate_upload(_upload("板书.png", b"\x89PNG\r\n\x1a\n" + b"\x01" * 99), FILE_KINDS)
    assert not ResourceFile.objects.exists()


@pytest.mark.django_db
def test_plan_and_reference_text_uploads_refuse_a_broken_docx():
    from xiaoben.core.reference_library import text_from_upload as reference_text
    from xiaoben.requirements.plan_import import text_from_upload as plan_text

    broken = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"})
    for read in (plan_text, reference_text):
        with pytest.raises(ValidationError, match="不是有效的 Word 文档"):
            read(_upload("计划.docx", broken))


@pytest.mark.django_db
def test_roster_import_reports_a_corrupt_workbook(world):
    import datetime as dt

    from xiaoben.org import roster

    data = _rezip(_xlsx(), xl_workbook_xml=b"<workbook><sheets")
    report = roster.read_rows(_upload("名册.xlsx", data), school=world.school, today=dt.date(2026, 11, 18))
    assert "不是有效的 Excel 表格" in " ".join(e.message for e in report.errors)


@pytest.mark.django_db
def test_a_school_template_that_is_not_a_docx_is_refused(world, client_for):
    from django.urls import reverse

    from xiaoben.reports.models import DocumentTemplate

    r = client_for("dean").post(
        reverse("reports:template_upload", args=["summary"]), {"file": _upload("模板.docx", HTML_AS_PDF)}, follow=True
    )
    assert "类型不被接受" in r.content.decode()
    assert not DocumentTemplate.objects.exists()


@pytest.mark.django_db
def test_files_are_served_with_their_checked_type_not_their_name(world, client_for):
    from xiaoben.core.services import attachment_add

    leader, c = world.users["leader"], client_for("leader")
    cases = [
        ("通知.html", pdf_bytes(), {"pdf"}, "application/pdf", "inline"),
        ("板书.html", png_bytes(), {"image"}, "image/png", "inline"),
        ("教案.png", _docx(), {"docx"}, "application/octet-stream", "attachment"),
    ]
    for name, data, kinds, content_type, disposition in cases:
        att = attachment_add(user=leader, target=world.chinese, upload=_upload(name, data), kinds=kinds)
        r = c.get(f"/files/{att.pk}/")
        assert r.status_code == 200 and r["Content-Type"] == content_type, name
        assert r["Content-Disposition"].startswith(disposition) and r["X-Content-Type-Options"] == "nosniff", name
