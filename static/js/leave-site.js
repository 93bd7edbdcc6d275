// "Leave this site quickly" on every victim page (templates/victim/base.html). Without script it
// is a plain link to a neutral site. With script, the page is replaced rather than left
// (location.replace), so Back does not return to it, and the Esc key does the same from anywhere
// on the page. The page is blanked first so nothing stays on screen while the next site loads.
(function () {
  "use strict";
  var link = document.querySelector("[data-leave-site]");
  if (!link) {
    return;
  }
  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") {
      leave(event);
    }
  });
})();
