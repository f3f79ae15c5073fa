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
