/* "Jak cytować": copy buttons for the formatted citations. Works offline and from file://:
   the Clipboard API where the browser allows it (secure contexts), otherwise a selection of the
   citation text and the legacy copy command, otherwise the text stays selected for Ctrl+C.
   Without JS the buttons stay hidden (inline style: the theme's .md-button overrides [hidden])
   and the citation can be selected by hand. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".wiedza-cite");
  if (!boxes.length) return;

  function say(box, message) {
    var status = box.querySelector(".wiedza-cite-status");
    if (status) status.textContent = message;
  }

  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return selection;
  }

  function legacyCopy(element) {
    select(element);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(box, element) {
    var text = (element.textContent || "").replace(/\s+/g, " ").trim();
    var done = function () { say(box, "Skopiowano opis do schowka."); };
    var fallback = function () {
      if (legacyCopy(element)) {
        done();
      } else {
        select(element);
        say(box, "Opis jest zaznaczony – naciśnij Ctrl+C (na Macu Cmd+C), aby go skopiować.");
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  Array.prototype.forEach.call(boxes, function (box) {
    Array.prototype.forEach.call(box.querySelectorAll("button[data-copy]"), function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target) return;
      button.hidden = false;
      button.style.display = "";  // the theme's button class would override [hidden]
      button.addEventListener("click", function () { copy(box, target); });
    });
  });
})();
