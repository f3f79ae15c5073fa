// The writing editor: Quill, a live 字数 (same rule as writings/textcount.py),
// autosave to the server (debounced) plus a copy in localStorage so nothing is lost
// when a phone locks or the network drops. On reopening, the newer copy is offered.
(function () {
  "use strict";
  const CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3134f}";
  const WIDE = "\u00b7\u2010-\u2027\u3001-\u303f\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffee";
  const TOKEN = new RegExp("[" + CJK + WIDE + "]|[^\\s" + CJK + WIDE + "]+", "gu");
  const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
  function countChars(text) {
    const m = (text || "").replace(ZERO_WIDTH, "").match(TOKEN);
    return m ? m.length : 0;
  }
  window.xbCountChars = countChars;

  const form = document.getElementById("writing-form");
  if (!form || !window.Quill) return;
  const bodyField = form.querySelector("textarea[name=body]");
  const statusEl = document.getElementById("save-status");
  const countEl = document.getElementById("char-count");
  const offer = document.getElementById("draft-offer");
  const FIELDS = ["title", "kind", "sub_kind", "book", "visibility", "written_on", "observation", "activity"];
  const state = { id: form.dataset.writingId || "", url: form.dataset.autosaveUrl, timer: null, saving: false, again: false, conflict: false };

  const modules = {
    toolbar: [[{ header: [2, 3, false] }], ["bold", "italic", "underline"], [{ list: "ordered" }, { list: "bullet" }], ["blockquote", "link"], ["clean"]],
  };
  try { if (Quill.import("modules/table")) modules.table = true; } catch (e) { /* older Quill: no tables */ }
  const quill = new Quill("#editor", { theme: "snow", modules: modules, placeholder: "在这里写，或直接从 Word / WPS 粘贴…" });
  // Pasted pages (Word, WPS, the web) carry scripts, styles and metadata: keep only the text's structure.
  const Delta = Quill.import("delta");
  ["SCRIPT", "STYLE", "TITLE", "META", "LINK", "XML", "TEMPLATE"].forEach((tag) => quill.clipboard.addMatcher(tag, () => new Delta()));
  const initial = JSON.parse(document.getElementById("body-html").textContent || '""');
  if (initial) quill.setContents(quill.clipboard.convert({ html: initial }), "silent");

  function bodyHtml() {
    if (quill.getText().trim() === "" && !quill.root.querySelector("img,table")) return "";
    return quill.getSemanticHTML().replace(/&nbsp;/g, " ");
  }
  function key(id) { return "xb-writing-" + (id === undefined ? state.id || "new" : id || "new"); }
  function status(text, tone) {
    statusEl.textContent = text;
    statusEl.className = tone ? "text-" + tone : "";
  }
  function snapshot() {
    const snap = { id: state.id, body: bodyHtml(), saved_at: Date.now(), synced: false };
    FIELDS.forEach((f) => { if (form.elements[f]) snap[f] = form.elements[f].value; });
    return snap;
  }
  function storeLocal(snap) {
    try { localStorage.setItem(key(), JSON.stringify(snap)); } catch (e) { /* private mode or full: the server copy still works */ }
  }
  function readLocal(id) {
    try { return JSON.parse(localStorage.getItem(key(id)) || "null"); } catch (e) { return null; }
  }
  function updateCount() { countEl.textContent = countChars(quill.getText()); }
  function syncField() { bodyField.value = bodyHtml(); }

  async function save(keepalive) {
    if (state.conflict || state.submitting) return;
    if (state.saving) { state.again = true; return; }
    state.saving = true;
    syncField();
    const snap = snapshot();
    storeLocal(snap);
    status("正在保存…", "secondary");
    try {
      const fd = new FormData(form);
      const r = await fetch(state.url, { method: "POST", body: fd, credentials: "same-origin", keepalive: !!keepalive, headers: { "X-Requested-With": "fetch" } });
      const data = await r.json().catch(() => ({}));
      if (r.ok && data.ok) {
        const wasNew = !state.id;
        state.id = String(data.id);
        state.url = data.autosave_url;
        form.dataset.writingId = state.id;
        form.elements.version.value = data.version;
        if (wasNew) {
          try { localStorage.removeItem(key("")); } catch (e) { /* ignore */ }
          history.replaceState(null, "", data.edit_url);
          form.action = data.edit_url;
        }
        snap.id = state.id;
        snap.synced = true;
        snap.saved_at = data.saved_at;
        storeLocal(snap);
        status("已自动保存 " + new Date().toLocaleTimeString("zh-CN", { hour12: false }), "success");
      } else if (r.status === 409) {
        state.conflict = true;
        status(data.error || "这条记录已被他人修改，请刷新页面。", "danger");
      } else {
        status((data.error || "保存失败") + "（草稿已保存在本机）", "danger");
      }
    } catch (e) {
      status("网络不通，草稿已保存在本机，恢复联网后会自动保存", "warning");
    } finally {
      state.saving = false;
      if (state.submitAfter) {
        const by = state.submitAfter; state.submitAfter = null;
        form.requestSubmit(by === true ? undefined : by);
      } else if (state.again) { state.again = false; schedule(); }
    }
  }
  function schedule() {
    syncField();
    storeLocal(snapshot());
    status("未保存的修改…", "secondary");
    clearTimeout(state.timer);
    state.timer = setTimeout(save, 1500);
  }

  function showKindFields() {
    const kind = form.elements.kind.value;
    form.querySelectorAll("[data-show-for]").forEach((el) => { el.hidden = !el.dataset.showFor.split(" ").includes(kind); });
  }

  // Offer the local copy when it is newer than the server's and differs from it.
  function offerLocal() {
    const local = readLocal();
    const serverAt = Number(form.dataset.serverSavedAt || 0);
    if (!local || local.synced || local.saved_at <= serverAt) return;
    const differs = local.body !== bodyHtml() || FIELDS.some((f) => form.elements[f] && (local[f] || "") !== (form.elements[f].value || ""));
    if (!differs) return;
    offer.querySelector("[data-local-time]").textContent = new Date(local.saved_at).toLocaleString("zh-CN", { hour12: false });
    offer.classList.remove("d-none");
    offer.querySelector("[data-restore]").addEventListener("click", () => {
      FIELDS.forEach((f) => { if (form.elements[f] && local[f] !== undefined) form.elements[f].value = local[f]; });
      quill.setContents(quill.clipboard.convert({ html: local.body || "" }), "silent");
      offer.classList.add("d-none");
      showKindFields();
      updateCount();
      schedule();
    });
    offer.querySelector("[data-discard]").addEventListener("click", () => {
      try { localStorage.removeItem(key()); } catch (e) { /* ignore */ }
      offer.classList.add("d-none");
    });
  }

  quill.on("text-change", (delta, old, source) => { updateCount(); if (source === "user") schedule(); });
  FIELDS.forEach((f) => { const el = form.elements[f]; if (el) el.addEventListener("change", schedule); });
  if (form.elements.title) form.elements.title.addEventListener("input", schedule);
  form.elements.kind.addEventListener("change", showKindFields);
  // Once the form is posted the page is leaving: no autosave may follow it (a keepalive save on
  // the way out used to create a second, stray draft of a new writing that was just submitted).
  // A save still on its way is let finish first, so a new writing is posted to its own draft.
  form.addEventListener("submit", (e) => {
    if (state.saving) { e.preventDefault(); state.submitAfter = e.submitter || true; return; }
    state.submitting = true; clearTimeout(state.timer); state.timer = null; syncField(); storeLocal(snapshot());
  });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden" && state.timer) { clearTimeout(state.timer); state.timer = null; save(true); } });
  window.addEventListener("online", () => { const l = readLocal(); if (l && !l.synced) save(); });
  showKindFields();
  updateCount();
  syncField();
  offerLocal();
  window.xbEditor = { quill: quill, save: save };
})();
