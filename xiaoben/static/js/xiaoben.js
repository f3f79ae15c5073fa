// Small helpers shared by pages. htmx sends the CSRF token with every request.
document.addEventListener("htmx:configRequest", (e) => {
  const t = document.querySelector("meta[name=csrf-token]");
  if (t) e.detail.headers["X-CSRFToken"] = t.content;
});
// Charts: <div class="chart" data-chart='{...echarts option...}'></div>
function xbRenderCharts(root) {
  if (!window.echarts) return;
  (root || document).querySelectorAll("[data-chart]").forEach((el) => {
    if (el._chart) return;
    el._chart = echarts.init(el);
    el._chart.setOption(JSON.parse(el.dataset.chart));
  });
}
window.addEventListener("resize", () => document.querySelectorAll("[data-chart]").forEach((el) => el._chart && el._chart.resize()));
document.addEventListener("DOMContentLoaded", () => xbRenderCharts());
document.addEventListener("htmx:afterSettle", (e) => xbRenderCharts(e.target));

// No inline event handlers (the Content-Security-Policy forbids them): behaviour by attribute.
// <select data-autosubmit> submits its form on change; <form data-confirm="…"> asks first;
// <input data-select-on-focus> selects its text when tapped (copy a link on a phone).
document.addEventListener("change", (e) => {
  const el = e.target.closest && e.target.closest("[data-autosubmit]");
  if (el && el.form) el.form.submit();
});
document.addEventListener("submit", (e) => {
  const msg = e.target.dataset && e.target.dataset.confirm;
  if (msg && !window.confirm(msg)) e.preventDefault();
}, true);
document.addEventListener("click", (e) => {
  const el = e.target.closest && e.target.closest("[data-select-on-focus]");
  if (el) el.select();
});

// <select data-picker="teacher">: a search box above a long list of teachers. Typing 张, 晓明
// or the pinyin initials zxm (data-initials, computed on the server) narrows the options;
// chosen options always stay. Options are removed and put back (hidden options still show
// in some phone pickers). Group members come first (server order).
function xbPicker(select) {
  if (select.dataset.pickerReady) return;
  select.dataset.pickerReady = "1";
  const all = Array.from(select.options);
  const box = document.createElement("input");
  box.type = "search";
  box.className = "form-control form-control-sm mb-1";
  box.placeholder = "输入姓名或拼音首字母筛选，如 zxm";
  box.setAttribute("aria-label", "筛选教师");
  box.dataset.pickerFor = select.name;
  select.parentNode.insertBefore(box, select);
  box.addEventListener("input", () => {
    const q = box.value.trim().toLowerCase();
    const keep = all.filter((o) => {
      if (!q || o.selected || !o.value) return true;
      const name = (o.dataset.name || o.textContent).toLowerCase();
      return name.includes(q) || (o.dataset.initials || "").startsWith(q);
    });
    select.replaceChildren(...keep);
    if (!select.multiple && q) {
      const hits = keep.filter((o) => o.value);
      if (hits.length === 1 && !select.value) hits[0].selected = true;
    }
  });
}
function xbPickers(root) {
  (root || document).querySelectorAll("select[data-picker]").forEach(xbPicker);
}
document.addEventListener("DOMContentLoaded", () => xbPickers());
document.addEventListener("htmx:afterSettle", (e) => xbPickers(e.target));
