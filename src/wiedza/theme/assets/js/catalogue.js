/* Kit catalogue filters: works with no server and from file://. Without JS the facet pages are used. */
(function () {
  "use strict";
  var form = document.getElementById("wiedza-filters");
  var list = document.getElementById("wiedza-kits");
  if (!form || !list) return;
  document.documentElement.classList.add("js");
  form.hidden = false;
  // On a phone the filters would push the kits below the fold: start folded there.
  var box = document.getElementById("wiedza-filter-box");
  if (box && window.matchMedia("(max-width: 40em)").matches) box.open = false;
  var kits = Array.prototype.slice.call(list.querySelectorAll(".wiedza-kit"));
  var status = document.getElementById("wiedza-filter-status");
  var facets = ["odbiorcy", "czas", "tematy", "dzialanie"];

  function chosen() {
    var out = {};
    facets.forEach(function (f) {
      out[f] = Array.prototype.map.call(form.querySelectorAll('input[name="' + f + '"]:checked'), function (i) { return i.value; });
    });
    return out;
  }
  function matches(kit, sel, skip) {
    return facets.every(function (f) {
      if (f === skip || sel[f].length === 0) return true;
      var values = (kit.getAttribute("data-" + f) || "").split(" ");
      return sel[f].some(function (v) { return values.indexOf(v) >= 0; });
    });
  }
  function update() {
    var sel = chosen(), shown = 0;
    kits.forEach(function (kit) {
      var ok = matches(kit, sel, null);
      kit.hidden = !ok;
      if (ok) shown++;
    });
    // Counts: how many kits each option would show, given the other facets' choices.
    form.querySelectorAll(".wiedza-count").forEach(function (el) {
      var f = el.getAttribute("data-facet"), key = el.getAttribute("data-key");
      var n = kits.filter(function (kit) {
        return matches(kit, sel, f) && (kit.getAttribute("data-" + f) || "").split(" ").indexOf(key) >= 0;
      }).length;
      el.textContent = "(" + n + ")";
    });
    status.textContent = "Pasujące zestawy: " + shown + " z " + kits.length + ".";
  }
  form.addEventListener("change", update);
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  update();
})();
