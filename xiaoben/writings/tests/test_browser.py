"""On a 390×844 phone: paste a formatted reflection from Word, lose the connection
mid-way, come back and find the draft; the server keeps the sanitised version."""

import re

import pytest
from playwright.sync_api import expect

from xiaoben.core.testing_browser import shot
from xiaoben.org.testing import PASSWORD
from xiaoben.writings.models import Writing
from xiaoben.writings.textcount import count_chars

COUNT_CASES = [
    (t, count_chars(t))
    for t in [
        "我爱中国。",
        "Hello, world!",
        "2026年11月18日",
        "  \n\t\u3000\u00a0",
        "“你好”，他说——好…",
        "ＡＢＣ１２３",
        "a - b",
        "用PPT上课",
        "零\u200b宽",
        "𠀀𠀁",
    ]
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORD_HTML = (
    "<p class=MsoNormal style='mso-margin-top-alt:auto;font-family:宋体'><b>一、教学目标</b></p>"
    "<table class=MsoTableGrid border=1 style='border-collapse:collapse'><tr><td style='width:100pt'>环节</td><td>时间</td></tr>"
    "<tr><td>导入</td><td>5分钟</td></tr></table>"
    "<ul><li>朗读指导不到位</li><li>小组合作时间偏紧</li></ul>"
    "<p onclick='alert(1)'>学生读得很投入。<a href='javascript:alert(2)'>链接</a></p><script>alert(3)</script>"
)
PASTE = """(html) => {
  const dt = new DataTransfer();
  dt.setData('text/html', html);
  dt.setData('text/plain', '一、教学目标');
  const ed = document.querySelector('.ql-editor');
  ed.focus();
  ed.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
}"""


def test_paste_from_word_go_offline_and_find_the_draft(live_server, world, phone):
    page = phone.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", world.teacher.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/writings/new/")
    # the live count in the editor follows the same rule as the server
    samples = [text for text, _ in COUNT_CASES]
    assert page.evaluate("(xs) => xs.map((x) => window.xbCountChars(x))", samples) == [n for _, n in COUNT_CASES]
    page.fill("#id_title", "《海底世界》教学反思")
    page.evaluate(PASTE, WORD_HTML)
    page.wait_for_url(re.compile(r"/writings/\d+/edit/$"), timeout=15000)  # the first autosave created the draft
    expect(page.locator("#save-status")).to_contain_text("已自动保存", timeout=15000)
    pk = int(re.search(r"/writings/(\d+)/edit/", page.url).group(1))
    w = Writing.objects.get(pk=pk)
    assert w.status == "draft" and w.title == "《海底世界》教学反思"
    for kept in ("<table>", "<td>环节</td>", "<li>朗读指导不到位</li>", "<strong>一、教学目标</strong>"):
        assert kept in w.body, w.body
    for gone in ("style=", "onclick", "javascript:", "<script", "mso-", "alert(3)"):
        assert gone not in w.body
    assert page.inner_text("#char-count") == str(w.char_count)
    shot(page, "writings-pasted-phone")

    # The connection drops mid-way: what is typed now only reaches this phone.
    phone.set_offline(True)
    page.click(".ql-editor")
    page.keyboard.press("Control+End")
    page.keyboard.type("断网后补写的一句：下节课先复习。")
    expect(page.locator("#save-status")).to_contain_text("本机", timeout=15000)
    shot(page, "writings-offline-phone")
    page.close()  # the phone locks, the tab is gone
    assert "断网后补写" not in Writing.objects.get(pk=pk).body

    phone.set_offline(False)
    page = phone.new_page()
    page.goto(f"{live_server.url}/writings/{pk}/edit/")
    offer = page.locator("[data-testid=draft-offer]")
    offer.wait_for(state="visible", timeout=10000)
    shot(page, "writings-draft-offer-phone")
    offer.locator("[data-restore]").click()
    assert "断网后补写的一句" in page.inner_text(".ql-editor")
    assert "环节" in page.inner_text(".ql-editor")  # the pasted table came back too
    expect(page.locator("#save-status")).to_contain_text("已自动保存", timeout=15000)
    w.refresh_from_db()
    assert "断网后补写的一句" in w.body and "<table>" in w.body

    page.click("button[name=submit]")
    page.wait_for_url(re.compile(rf"/writings/{pk}/\?saved={pk}$"))
    w.refresh_from_db()
    assert w.status == "submitted"
    assert page.evaluate(f"localStorage.getItem('xb-writing-{pk}')") is None
