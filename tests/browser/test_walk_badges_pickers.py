"""Issue 14 follow-ups seen in a browser: the bell's unread count sits inside the header and is
white on red at both widths; the host screen's badges are dark on light (no green on green) and
列席 people are labelled; the teacher pickers filter by name or pinyin initials."""

import pytest
from django.utils import timezone

from xiaoben.activities import services as act
from xiaoben.activities.tests.factories import TZ, make_activity
from xiaoben.core.notifications import notify
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.core.testing_browser import shot, sign_in
from xiaoben.org import services as org
from xiaoben.org.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Any CSS colour (rgb, oklab, oklch…) as rgb(), laid over white, via a 1×1 canvas.
TO_RGB = """([el, prop]) => {
  const c = document.createElement('canvas'); c.width = c.height = 1;
  const x = c.getContext('2d'); x.fillStyle = '#fff'; x.fillRect(0, 0, 1, 1);
  x.fillStyle = getComputedStyle(el)[prop]; x.fillRect(0, 0, 1, 1);
  const d = x.getImageData(0, 0, 1, 1).data; return `rgb(${d[0]}, ${d[1]}, ${d[2]})`;
}"""


def _colours(locator) -> tuple[str, str]:
    h = locator.element_handle()
    page = locator.page
    return page.evaluate(TO_RGB, [h, "color"]), page.evaluate(TO_RGB, [h, "backgroundColor"])


def _luminance(rgb: str) -> float:
    parts = [int(x) for x in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")]
    lin = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(fg: str, bg: str) -> float:
    a, b = sorted([_luminance(fg), _luminance(bg)], reverse=True)
    return (a + 0.05) / (b + 0.05)


@pytest.mark.parametrize("page_fixture", ["phone_page", "desktop_page"])
def test_bell_count_is_inside_the_header_and_readable(live_server, world, request, page_fixture):
    page = request.getfixturevalue(page_fixture)
    for i in range(12):
        notify("core.mention", recipients=[world.teacher.user_id], context={"author": "组长", "text": f"通知{i}"}, url="/")
    sign_in(page, live_server.url, world.teacher.user.username, PASSWORD)
    page.goto(f"{live_server.url}/")
    badge = page.locator(".badge-notification:visible").first
    badge.wait_for()
    box = badge.bounding_box()
    header = page.locator("header:visible, .navbar:visible").first.bounding_box()
    shot(page, f"bell-{page_fixture}")
    assert box["y"] >= 0 and box["y"] >= header["y"], box
    assert badge.inner_text().strip() == "12"
    color, bg = _colours(badge)
    size = badge.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 10 and _contrast(color, bg) >= 4.5, (color, bg, size)
    # the whole number is drawn: the badge is at least as wide as its text
    assert badge.evaluate("el => el.scrollWidth <= el.clientWidth + 1")


def test_host_screen_badges_are_readable_and_guests_labelled(live_server, world, desktop_page):
    start = timezone.now().astimezone(TZ).replace(second=0, microsecond=0)
    a = make_activity(world, start=start)
    outsider = org.teacher_create(actor=SYSTEM, school=world.school, staff_no="777", name="列席者", gender="M")
    act.attendance_sign_in(activity=a, actor=scope_for(world.mentor.user))
    act.attendance_sign_in(activity=a, actor=scope_for(outsider.user))
    sign_in(desktop_page, live_server.url, world.leader.user.username, PASSWORD)
    desktop_page.goto(f"{live_server.url}/activities/{a.pk}/host/")
    desktop_page.locator("[data-testid=guests]").wait_for()
    shot(desktop_page, "host-screen-guests")
    for sel in ("[data-testid=present-count]", f"[data-testid=present-{world.mentor.pk}]", "[data-testid=guest]"):
        fg, bg = _colours(desktop_page.locator(sel).first)
        assert _contrast(fg, bg) >= 4.5, (sel, fg, bg)
    assert "列席者" in desktop_page.locator("[data-testid=guests]").inner_text()


def test_teacher_picker_filters_by_initials(live_server, world, phone_page):
    sign_in(phone_page, live_server.url, world.leader.user.username, PASSWORD)
    phone_page.goto(f"{live_server.url}/activities/new/")
    box = phone_page.locator("input[data-picker-for=recorder]")
    box.wait_for()
    box.fill(world.mentor.name_initials)
    values = phone_page.eval_on_selector_all("select[name=recorder] option", "os => os.map(o => o.textContent)")
    shot(phone_page, "picker-initials")
    assert any(world.mentor.name in v for v in values)
    assert not any(world.dean.name in v for v in values)
    box.fill("")
    values = phone_page.eval_on_selector_all("select[name=recorder] option", "os => os.map(o => o.textContent)")
    assert any(world.dean.name in v for v in values)
