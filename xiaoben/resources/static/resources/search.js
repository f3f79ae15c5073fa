// Title suggestions for the search box (a <datalist>), fetched as you type.
(function () {
  var input = document.getElementById("xb-q");
  var list = document.getElementById("xb-suggest");
  if (!input || !list) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(function () {
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          list.innerHTML = "";
          (data.suggestions || []).forEach(function (t) {
            var o = document.createElement("option");
            o.value = t;
            list.appendChild(o);
          });
        });
    }, 250);
  });
})();
