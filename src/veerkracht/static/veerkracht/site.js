/* Behaviour shared by every page. The Content-Security-Policy allows no inline scripts or
   event-handler attributes, so elements ask for behaviour with data- attributes:
   - data-print: a button that prints the page (hidden until this script shows it). */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
