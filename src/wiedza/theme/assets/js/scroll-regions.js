/* Wide tables scroll sideways inside Material's wrapper (.md-typeset__scrollwrap). A region that scrolls must
   be reachable with the keyboard (WCAG 2.1.1): it gets a tab stop and a name, but only while it overflows. */
(function () {
  "use strict";
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-typeset__scrollwrap"), function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        var caption = wrap.querySelector("caption");
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", caption ? caption.textContent.trim() + " (tabela przewijana w poziomie)"
                                                : "Tabela przewijana w poziomie");
      } else if (wrap.hasAttribute("tabindex")) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  var timer = null;
  if (document.readyState === "complete") { mark(); } else { window.addEventListener("load", mark); }
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(mark, 150); });
})();
