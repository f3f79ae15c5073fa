// Plan sections as rich text: each <textarea data-rich> becomes a Quill editor whose
// HTML goes back into the textarea when the form is sent (the server cleans it).
// Without JavaScript the textarea still works (plain text becomes paragraphs).
(function () {
  "use strict";
  if (!window.Quill) return;
  const Delta = Quill.import("delta");
  document.querySelectorAll("form").forEach(function (form) {
    const areas = form.querySelectorAll("textarea[data-rich]");
    if (!areas.length) return;
    const editors = [];
    areas.forEach(function (area) {
      const box = document.createElement("div");
      box.className = "plan-editor";
      area.classList.add("d-none");
      area.parentNode.insertBefore(box, area);
      const quill = new Quill(box, {
        theme: "snow",
        modules: { toolbar: [["bold", "italic", "underline"], [{ list: "ordered" }, { list: "bullet" }], ["clean"]] },
        placeholder: "在这里写，或直接从 Word / WPS 粘贴…",
      });
      ["SCRIPT", "STYLE", "TITLE", "META", "LINK", "XML"].forEach((tag) => quill.clipboard.addMatcher(tag, () => new Delta()));
      if (area.value.trim()) quill.setContents(quill.clipboard.convert({ html: area.value }), "silent");
      editors.push([area, quill]);
    });
    form.addEventListener("submit", function () {
      editors.forEach(function ([area, quill]) {
        area.value = quill.getText().trim() ? quill.getSemanticHTML().replace(/&nbsp;/g, " ") : "";
      });
    });
  });
})();
