"""Every writings page × every persona, autosave, exports and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiaoben.writings import services
from xiaoben.writings.models import RecommendedBook, Writing

from .helpers import html, scope, write
from .texts import REFLECTION_A, REFLECTION_B

ALL = ["anonymous", "teacher", "leader", "colleague", "dean", "principal", "other_teacher", "researcher", "platform_admin"]


def _expect(persona, ok: set[str], missing=404):
    if persona == "anonymous":
        return 302
    return 200 if persona in ok else missing


@pytest.mark.parametrize("persona", ALL)
def test_list_page(client_for, persona):
    assert client_for(persona).get(reverse("writings:list")).status_code == _expect(persona, set(ALL))


@pytest.mark.parametrize("persona", ALL)
def test_editor_pages_are_for_teachers(client_for, persona):
    teachers = {"teacher", "leader", "colleague", "dean", "principal", "other_teacher"}
    assert client_for(persona).get(reverse("writings:create")).status_code == _expect(persona, teachers)
    assert client_for(persona).get(reverse("writings:shelf")).status_code == _expect(persona, teachers)


@pytest.mark.parametrize("persona", ALL)
def test_submitted_writing_detail(world, client_for, persona):
    w = write(world.teacher, submit=True)  # visible to the whole school
    ok = {"teacher", "leader", "colleague", "dean", "principal", "platform_admin"}
    assert client_for(persona).get(reverse("writings:detail", args=[w.pk])).status_code == _expect(persona, ok)


@pytest.mark.parametrize("persona", ALL)
def test_draft_is_the_authors_only(world, client_for, persona):
    w = write(world.teacher)
    ok = {"teacher", "platform_admin"}
    assert client_for(persona).get(reverse("writings:detail", args=[w.pk])).status_code == _expect(persona, ok)
    assert client_for(persona).get(reverse("writings:edit", args=[w.pk])).status_code == _expect(persona, {"teacher"})
    r = client_for(persona).post(reverse("writings:autosave", args=[w.pk]), {"kind": "reflection", "title": "x", "version": w.version})
    assert r.status_code == _expect(persona, {"teacher"})


@pytest.mark.parametrize("persona", ["leader", "colleague", "other_teacher", "dean"])
def test_group_visibility(world, client_for, persona):
    w = write(world.teacher, visibility="group", submit=True)
    ok = {"leader", "dean"}  # 语文组长 leads her group; the admin sees the school; the 数学 colleague does not
    assert client_for(persona).get(reverse("writings:detail", args=[w.pk])).status_code == (200 if persona in ok else 404)


@pytest.mark.parametrize(
    "persona,status,reviewed",
    [("leader", 302, True), ("dean", 302, True), ("colleague", 403, False), ("other_teacher", 404, False), ("anonymous", 302, False)],
)
def test_review_action(world, client_for, persona, status, reviewed):
    w = write(world.teacher, submit=True)
    r = client_for(persona).post(reverse("writings:review", args=[w.pk]), {"comment": "很好", "excellent": "on"})
    assert r.status_code == status
    w.refresh_from_db()
    assert (w.status == "reviewed") is reviewed
    assert w.is_excellent is reviewed


def test_author_actions_and_refusals(world, client_for):
    c = client_for("teacher")
    w = write(world.teacher)
    assert c.post(reverse("writings:submit", args=[w.pk])).status_code == 302
    w.refresh_from_db()
    assert w.status == "submitted"
    r = c.post(reverse("writings:submit", args=[w.pk]), follow=True)
    assert "已经提交过了" in r.content.decode()
    r = client_for("leader").post(reverse("writings:withdraw", args=[w.pk]))  # visible, but refused with the reason
    assert r.status_code == 403 and "只有作者本人可以撤回" in r.content.decode()
    w.refresh_from_db()
    assert w.status == "submitted"
    c.post(reverse("writings:withdraw", args=[w.pk]))
    w.refresh_from_db()
    assert w.status == "draft"
    assert client_for("other_teacher").post(reverse("writings:delete", args=[w.pk])).status_code == 404
    c.post(reverse("writings:delete", args=[w.pk]))
    assert not Writing.objects.filter(pk=w.pk).exists()


def test_create_with_form_and_autosave(world, client_for):
    c = client_for("teacher")
    r = c.post(reverse("writings:autosave_new"), {"kind": "reflection", "body": "<p>第一段<script>x()</script></p>"})
    data = r.json()
    assert r.status_code == 200 and data["ok"] and data["char_count"] == 3
    w = Writing.objects.get(pk=data["id"])
    assert w.title == "未命名草稿" and "script" not in w.body
    r = c.post(
        reverse("writings:autosave", args=[w.pk]),
        {"kind": "reflection", "title": "第12周反思", "body": "<p>第二段</p>", "version": data["version"]},
    )
    assert r.json()["version"] == data["version"] + 1
    stale = c.post(reverse("writings:autosave", args=[w.pk]), {"kind": "reflection", "title": "旧", "version": data["version"]})
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["error"]
    r = c.post(
        reverse("writings:edit", args=[w.pk]),
        {"kind": "reflection", "title": "第12周反思", "body": "<p>定稿</p>", "version": data["version"] + 1, "submit": "1"},
    )
    assert r.status_code == 302
    w.refresh_from_db()
    assert w.status == "submitted" and w.body == "<p>定稿</p>"
    r = c.post(reverse("writings:create"), {"kind": "insight", "title": "", "body": "<p>x</p>"})
    assert "请填写标题" in r.content.decode()


def test_reviewer_sees_copied_share_sources_and_passages(world, client_for):
    write(world.mentor, html(REFLECTION_A), title="《海底世界》教学反思", on=world.prev_term.start_date.replace(day=25), submit=True)
    copy = write(world.teacher, html(REFLECTION_A.replace("二班", "五班")), submit=True)
    body = client_for("leader").get(reverse("writings:detail", args=[copy.pk])).content.decode()
    assert "复制比" in body and world.mentor.name in body and "<mark>" in body and 'data-testid="copy-decide"' in body
    mine = client_for("teacher").get(reverse("writings:detail", args=[copy.pk])).content.decode()
    assert "待审核：疑似雷同" in mine and "暂不计入统计" in mine
    assert "查重结果" not in client_for("teacher").get(reverse("writings:detail", args=[copy.pk])).content.decode()
    assert "查重结果" not in client_for("colleague").get(reverse("writings:detail", args=[copy.pk])).content.decode()


@pytest.mark.parametrize("persona", ALL)
def test_book_pages(world, client_for, persona):
    book = services.book_add(actor=scope(world.teacher), title="给教师的建议")
    ok = {"teacher", "dean", "principal", "platform_admin"}
    assert client_for(persona).get(reverse("writings:book", args=[book.pk])).status_code == _expect(persona, ok)
    rec_ok = {"teacher", "leader", "colleague", "dean", "principal", "other_teacher"}
    assert client_for(persona).get(reverse("writings:recommended")).status_code == _expect(persona, rec_ok)


def test_shelf_and_recommended_list(world, client_for):
    rec = services.recommended_add(school=world.school, actor=scope(world.dean), title="静悄悄的革命", author="佐藤学")
    assert client_for("teacher").post(reverse("writings:recommended"), {"title": "偷偷加一本"}).status_code == 403
    assert client_for("other_teacher").post(reverse("writings:recommended_delete", args=[rec.pk])).status_code == 404
    assert (
        client_for("teacher").post(reverse("writings:recommended_delete", args=[rec.pk])).status_code == 403
    )  # reads the list, may not keep it
    c = client_for("teacher")
    c.post(reverse("writings:book_add"), {"recommended": rec.pk})
    c.post(reverse("writings:book_add"), {"title": "给教师的建议", "author": "苏霍姆林斯基", "isbn": "978-7-5041-0000-1"})
    body = c.get(reverse("writings:shelf")).content.decode()
    assert "静悄悄的革命" in body and "给教师的建议" in body and "已在书架" in body
    assert 'data-testid="reading-progress"' not in body  # no 读书笔记 requirement, no invented target
    bad = c.post(reverse("writings:book_add"), {"title": "坏书号", "isbn": "12"}, follow=True).content.decode()
    assert "ISBN" in bad
    client_for("dean").post(reverse("writings:recommended"), {"title": "教学勇气", "author": "帕克·帕尔默"})
    assert RecommendedBook.objects.filter(school=world.school, title="教学勇气").exists()
    client_for("dean").post(reverse("writings:recommended_delete", args=[rec.pk]))
    assert not RecommendedBook.objects.filter(pk=rec.pk).exists()


@pytest.mark.parametrize("persona", ALL)
def test_settings_page(world, client_for, persona):
    ok = {"dean", "principal"}  # the platform admin has no home school to set it for
    assert client_for(persona).get(reverse("writings:settings")).status_code == _expect(persona, ok)


def test_threshold_setting_saved(world, client_for):
    client_for("dean").post(reverse("writings:settings"), {"percent": 40, "counts_before_review": "on"})
    world.school.refresh_from_db()
    assert world.school.setting("copy_threshold") == 0.4 and world.school.setting("copy_counts_before_review") is True
    r = client_for("dean").post(reverse("writings:settings"), {"percent": 2})
    assert r.status_code == 200 and "5" in r.content.decode()


def test_reviewer_decides_through_the_page(world, client_for):
    write(world.mentor, html(REFLECTION_A), on=world.prev_term.start_date.replace(day=25), submit=True)
    copy = write(world.teacher, html(REFLECTION_A.replace("二班", "五班")), submit=True)
    url = reverse("writings:copy_decide", args=[copy.pk])
    assert client_for("colleague").post(url, {"decision": "cleared"}).status_code == 403  # sees it, may not decide
    copy.refresh_from_db()
    assert copy.copy_state == "flagged"
    assert client_for("other_teacher").post(url, {"decision": "cleared"}).status_code == 404
    client_for("leader").post(url, {"decision": "cleared"})
    copy.refresh_from_db()
    assert copy.copy_state == "cleared" and not copy.copy_hold


@pytest.mark.parametrize("persona", ALL)
def test_reference_library_page(world, client_for, persona):
    ok = {"dean", "principal", "researcher", "other_researcher"}
    expected = 200 if persona in ok else (302 if persona == "anonymous" else 403)
    assert client_for(persona).get(reverse("writings:library")).status_code == expected


def test_reference_library_add_by_paste_and_upload(world, client_for):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document

    from xiaoben.core.models import ReferenceText
    from xiaoben.core.tests.textsim_corpus import TEMPLATE_XINDE

    c = client_for("dean")
    c.post(reverse("writings:library"), {"title": "范文一", "origin": "某范文网", "body": TEMPLATE_XINDE})
    doc = Document()
    doc.add_paragraph(REFLECTION_B)
    buf = io.BytesIO()
    doc.save(buf)
    c.post(reverse("writings:library"), {"title": "范文二", "file": SimpleUploadedFile("x.docx", buf.getvalue())})
    assert set(ReferenceText.objects.values_list("title", flat=True)) == {"范文一", "范文二"}
    r = c.post(reverse("writings:library"), {"title": "太短", "body": "短"})
    assert "太短" in r.content.decode() and ReferenceText.objects.count() == 2
    fake = SimpleUploadedFile("x.docx", b"<html>not a docx</html>")
    r = c.post(reverse("writings:library"), {"title": "坏文件", "file": fake})
    assert r.status_code == 200 and ReferenceText.objects.count() == 2
    row = ReferenceText.objects.get(title="范文一")
    assert client_for("other_teacher").post(reverse("writings:library_delete", args=[row.pk])).status_code == 404
    assert "范文一" not in client_for("researcher").get(reverse("writings:library")).content.decode()  # a school's library is its own


def test_district_reference_library_serves_its_schools_and_only_its_researchers_manage_it(world, client_for):
    from xiaoben.core.models import ReferenceText
    from xiaoben.core.tests.textsim_corpus import TEMPLATE_XINDE, swap_words

    client_for("researcher").post(reverse("writings:library"), {"title": "区范文", "origin": "某范文网", "body": TEMPLATE_XINDE})
    row = ReferenceText.objects.get(title="区范文")
    assert row.school_id is None and row.region_id is not None
    dean_page = client_for("dean").get(reverse("writings:library")).content.decode()
    assert "区范文" in dean_page and reverse("writings:library_delete", args=[row.pk]) not in dean_page  # read, not manage
    assert client_for("dean").post(reverse("writings:library_delete", args=[row.pk])).status_code in (403, 404)
    assert "区范文" not in client_for("other_researcher").get(reverse("writings:library")).content.decode()
    copy = write(world.teacher, html(swap_words(TEMPLATE_XINDE)), kind="insight", submit=True)
    copy.refresh_from_db()
    assert copy.copy_state == "flagged" and copy.copy_sources[0]["kind"] == "core.reference"
    other = write(world.other_teacher, html(swap_words(TEMPLATE_XINDE)), kind="insight", submit=True)
    other.refresh_from_db()
    assert other.copy_sources == []  # another district's schools are not compared with this library
    client_for("researcher").post(reverse("writings:library_delete", args=[row.pk]))
    assert not ReferenceText.objects.filter(pk=row.pk).exists()
    # a .txt saved by a Chinese Windows editor (GBK) is read as well as UTF-8
    from django.core.files.uploadedfile import SimpleUploadedFile

    gbk = SimpleUploadedFile("范文.txt", ("流传的教案：" + TEMPLATE_XINDE).encode("gb18030"), content_type="text/plain")
    client_for("researcher").post(reverse("writings:library"), {"title": "区范文二", "file": gbk})
    assert ReferenceText.objects.get(title="区范文二").body.startswith("流传的教案：作为一名人民教师")


@pytest.mark.parametrize(
    "persona,target,status",
    [
        ("teacher", None, 200),
        ("dean", "teacher", 200),
        ("leader", "teacher", 404),
        ("other_teacher", "teacher", 404),
        ("researcher", None, 404),
        ("anonymous", None, 302),
    ],
)
def test_docx_export(world, client_for, persona, target, status):
    write(world.teacher, "<p>第一段</p><table><tr><td>环节</td><td>时间</td></tr></table><ul><li>要点</li></ul>", submit=True)
    url = reverse("writings:export_docx") + (f"?teacher={world.teacher.pk}" if target else "")
    r = client_for(persona).get(url)
    assert r.status_code == status
    if status == 200:
        assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
        import io

        from docx import Document

        doc = Document(io.BytesIO(r.content))
        text = "\n".join(p.text for p in doc.paragraphs)
        assert "刘思雨" in text and "第一段" in text and "• 要点" in text
        assert doc.tables[0].cell(0, 0).text == "环节"


@pytest.mark.parametrize("persona,status", [("dean", 200), ("principal", 200), ("teacher", 404), ("leader", 404), ("other_teacher", 404)])
def test_xlsx_export(world, client_for, persona, status):
    write(world.teacher, submit=True, title="第12周教学反思")
    r = client_for(persona).get(reverse("writings:export_xlsx"))
    assert r.status_code == status
    if status == 200:
        import io

        from openpyxl import load_workbook

        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws["B3"].value == "刘思雨" and ws["D3"].value == "第12周教学反思"


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "persona,url",
    [
        ("teacher", "/writings/?tab=mine"),
        ("leader", "/writings/?tab=review"),
        ("dean", "/writings/?tab=shared"),
        ("teacher", "/writings/shelf/"),
        ("leader", "/api/v1/writings/?tab=review"),
        ("teacher", "/api/v1/writings/?tab=mine"),
    ],
)
def test_list_query_counts_are_constant(world, client_for, persona, url):
    c = client_for(persona)
    c.get(url)
    write(world.teacher, submit=True)
    before = _count(c, url)
    book = services.book_add(actor=scope(world.teacher), title="给教师的建议")
    for i in range(12):
        w = write(world.teacher, f"<p>第{i}篇，内容各不相同：{i * 7919}</p>", title=f"反思{i}", submit=i % 2 == 0)
        write(world.teacher, f"<p>笔记{i}</p>", kind="reading_note", book=book, title=f"笔记{i}", submit=True)
        if i % 4 == 0:
            services.writing_review(writing=w, actor=scope(world.leader), comment="好")
    assert _count(c, url) == before


def test_the_reading_figure_is_the_same_on_every_card(world, client_for):
    """One counting path: the 研修文章 card, the 量化要求 card and the shelf show the engine's
    figure for the school's 读书笔记 requirement (a 读后感, a draft and a held note do not count)."""
    import re

    from xiaoben.requirements.models import Period, Requirement

    from .helpers import write

    Requirement.objects.create(
        school=world.school,
        name="读书笔记每年不少于5000字",
        metric="writings.chars",
        filters={"kinds": ["reading_note"]},
        period=Period.SCHOOL_YEAR,
        threshold=5000,
    )
    book = services.book_add(actor=scope(world.teacher), title="给教师的建议")
    write(world.teacher, "<p>" + "读" * 1144 + "</p>", kind="reading_note", book=book, submit=True)
    write(world.teacher, "<p>" + "书" * 569 + "</p>", kind="book_review", book=book, submit=True)
    write(world.teacher, "<p>" + "草" * 900 + "</p>", kind="reading_note", book=book)
    c = client_for("teacher")
    home = c.get("/").content.decode()
    req_card = home[home.index('data-testid="home-requirements"') :]
    req_card = req_card[: req_card.index('data-testid="home-', 10)] if 'data-testid="home-' in req_card[10:] else req_card
    figures = re.findall(r"已完成 (\d+) / (\d+) 字", req_card)
    writings_card = home[home.index('data-testid="home-writings"') :]
    shown = re.search(r'data-testid="reading-figure">(\d+) / (\d+)字', writings_card)
    assert figures == [("1144", "5000")]
    assert shown and shown.groups() == ("1144", "5000")
    shelf = c.get(reverse("writings:shelf")).content.decode()
    assert re.search(r'data-testid="reading-figure"><strong>1144</strong> / 5000 字', shelf)
