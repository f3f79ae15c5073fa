"""集体备课: versions kept, personal revisions, 教后反思, side-by-side comparison."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaoben.activities import services_prep
from xiaoben.activities.models import LessonPlanVersion
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for


def _prep(world, body="一、教学目标\n1. 认识8个生字\n2. 有感情地朗读课文\n二、教学过程"):
    return services_prep.prep_create(
        actor=scope_for(world.users["mentor"]),
        school=world.school,
        term=world.term,
        title="《富饶的西沙群岛》",
        lead=world.mentor,
        group=world.prep,
        body=body,
    )


def test_compare_marks_changed_characters():
    rows = services_prep.compare("认识8个生字\n朗读课文\n旧的一行", "认识10个生字\n朗读课文\n新增一行\n")
    ops = [r["op"] for r in rows]
    assert ops[1] == "equal"
    assert "<del>8</del>" in rows[0]["left"] and "<ins>10</ins>" in rows[0]["right"]
    assert any("<ins>" in r["right"] for r in rows[2:])


def test_compare_escapes_html():
    rows = services_prep.compare("<script>x</script>", "<b>y</b>")
    assert "<script" not in rows[0]["left"] and "&lt;" in rows[0]["left"] and "<b>" not in rows[0]["right"]


def test_versions_flow(world):
    prep = _prep(world)
    personal = services_prep.version_add(
        prep=prep, actor=scope_for(world.teacher.user), body="一、教学目标\n1. 认识8个生字，会写5个\n二、教学过程"
    )
    assert personal.kind == "personal" and personal.based_on.kind == "draft"
    revised = services_prep.version_add(prep=prep, actor=scope_for(world.mentor.user), body="修改稿")
    assert revised.kind == "revised"
    assert LessonPlanVersion.objects.filter(prep=prep).count() == 3
    services_prep.version_reflect(version=personal, actor=scope_for(world.teacher.user), text="学生对“富饶”理解不够，下次补充图片。")
    with pytest.raises(NotPermitted, match="只能在自己的教案版本上"):
        services_prep.version_reflect(version=personal, actor=scope_for(world.mentor.user), text="x")
    with pytest.raises(NotPermitted) as refused:
        services_prep.version_add(prep=prep, actor=scope_for(world.other_teacher.user), body="x")
    assert refused.value.hides_object  # another school's 集体备课: as if it did not exist


def test_docx_upload_text_is_extracted(world):
    import docx

    d = docx.Document()
    d.add_paragraph("《富饶的西沙群岛》教学设计")
    d.add_paragraph("教学目标：认识生字")
    buf = io.BytesIO()
    d.save(buf)
    up = SimpleUploadedFile("教案.docx", buf.getvalue())
    prep = services_prep.prep_create(
        actor=scope_for(world.users["mentor"]), school=world.school, term=world.term, title="西沙", lead=world.mentor, upload=up
    )
    v = prep.versions.get()
    assert "教学目标：认识生字" in v.body and v.source_name == "教案.docx"
    with pytest.raises(ValidationError):
        services_prep.version_add(prep=prep, actor=scope_for(world.teacher.user), upload=SimpleUploadedFile("x.docx", b"not a docx"))


def test_compare_page_and_comments(world, client_for):
    prep = _prep(world)
    v2 = services_prep.version_add(prep=prep, actor=scope_for(world.teacher.user), body="一、教学目标\n1. 认识10个生字\n二、教学过程")
    r = client_for("teacher").get(reverse("activities:version_compare", args=[prep.pk]) + f"?a={prep.versions.first().pk}&b={v2.pk}")
    body = r.content.decode()
    assert r.status_code == 200 and "<ins>10</ins>" in body and "<del>8</del>" in body
    assert client_for("other_teacher").get(reverse("activities:version_compare", args=[prep.pk])).status_code == 404
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(prep)
    url = reverse("core:comment_add", args=[ct.pk, prep.pk])
    next_url = reverse("activities:prep_detail", args=[prep.pk])
    assert client_for("teacher").post(url, {"body": "第二课时可以加入图片导入。", "next": next_url}).status_code == 302
    assert "第二课时可以加入图片导入" in client_for("leader").get(next_url).content.decode()
    assert client_for("other_teacher").post(url, {"body": "x", "next": next_url}).status_code == 404


def test_version_post_via_page(world, client_for):
    prep = _prep(world)
    r = client_for("teacher").post(reverse("activities:version_create", args=[prep.pk]), {"body": "我的修改", "note": "加了板书"})
    assert r.status_code == 302
    assert prep.versions.filter(author=world.teacher, kind="personal").exists()
    assert client_for("other_teacher").post(reverse("activities:version_create", args=[prep.pk]), {"body": "x"}).status_code == 404


PLAN = (
    "一、教学目标：1. 认识“礁”“蚌”等八个生字，会写“富饶”“岛屿”等十个词语。2. 有感情地朗读课文，背诵第二至四自然段。"
    "3. 了解西沙群岛风景优美、物产丰富，激发热爱祖国的感情。二、教学重点：抓住中心句理解课文内容，体会总分总的段落结构。"
    "三、教学过程：（一）出示地图，介绍西沙群岛的位置；（二）初读课文，读准字音，找出概括全文的句子；（三）精读第二自然段，"
    "感受海水的五光十色，说说为什么会有这么多颜色；（四）小组合作学习海底和海滩的段落，用表格整理物产；（五）小结并布置小练笔。"
)
OTHER_PLAN = (
    "教学目标：能正确流利地朗读《海滨小城》，认识本课十二个生字，学习作者按照从远到近的顺序观察描写景物的方法。"
    "教学过程：先请学生说说自己见过的海，再自由读课文，圈出描写颜色的词语，体会海滨小城的美丽和整洁，最后仿写一段校园景物。"
)


def test_a_personal_version_is_not_compared_with_its_own_draft_but_with_everything_else(world):
    """集体备课: a personal revision is expected to share the draft's text; copying another
    lesson plan of the school is what the 复制比 shows."""
    prep = _prep(world, body=PLAN)
    personal = services_prep.version_add(
        prep=prep, actor=scope_for(world.teacher.user), body=PLAN.replace("五光十色", "色彩斑斓") + "补充：课前布置学生搜集海洋生物的图片。"
    )
    personal.refresh_from_db()
    assert personal.copied_share == 0 and personal.copy_sources == []  # its own draft does not count
    other = _prep(world, body=OTHER_PLAN)
    copied = services_prep.version_add(prep=other, actor=scope_for(world.teacher.user), body=PLAN.replace("西沙群岛", "海滨小城", 1))
    copied.refresh_from_db()
    assert copied.copied_share >= 0.9
    assert {s["id"] for s in copied.copy_sources} >= {prep.versions.get(kind="draft").pk}
