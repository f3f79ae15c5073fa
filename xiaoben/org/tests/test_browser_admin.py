"""On a 390×844 phone: the 教导主任 reads the structure analysis (charts drawn), uploads a
roster with mistakes and sees each one by row and column, then imports a good one."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from xiaoben.core.testing_browser import phone_context, shot
from xiaoben.org.models import Teacher
from xiaoben.org.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _book(path: Path, rows) -> str:
    wb = Workbook()
    ws = wb.active
    ws.title = "教师名册"
    ws.append(["工号", "姓名", "性别", "出生日期", "职称"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return str(path)


def test_dean_on_phone_reads_analysis_and_imports_roster(live_server, world, browser, tmp_path):
    base = live_server.url
    page = phone_context(browser).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", world.dean.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{base}/org/analysis/")
    page.wait_for_load_state("networkidle")
    assert "学校现有专任教师6人" in page.inner_text("[data-testid=analysis-paragraph]")
    page.wait_for_selector("[data-chart] canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    shot(page, "org_analysis_phone")

    page.goto(f"{base}/org/roster/import/")
    page.set_input_files(
        "input[name=file]",
        _book(tmp_path / "bad.xlsx", [["T1", "林小雨", "女", "1995/6/30", "教授"], ["", "王五", "男", "1990-13-01", ""]]),
    )
    page.click("form[enctype] button")
    page.wait_for_load_state("networkidle")
    errors = page.inner_text("[data-testid=import-errors]")
    assert "未导入任何数据" in errors and "职称「教授」不在可选范围内" in errors and "第3行" in errors and "工号不能为空" in errors
    shot(page, "org_import_errors_phone")
    assert not Teacher.objects.filter(staff_no="T1").exists()

    page.set_input_files("input[name=file]", _book(tmp_path / "good.xlsx", [["T1", "林小雨", "女", "1995年6月30日", "二级教师"]]))
    page.uncheck("input[name=dry_run]")
    page.click("form[enctype] button")
    page.wait_for_load_state("networkidle")
    assert "导入完成：新增 1 人，更新 0 人。" in page.inner_text("[data-testid=import-done]")
    assert Teacher.objects.get(school=world.school, staff_no="T1").title == "erji"
