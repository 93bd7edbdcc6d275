// The event form shows only the fields the chosen kind of event asks for: an arrest asks for no
// hearing date. Each such field says its kinds (data-event-kinds, from cases.models
// EVENT_KIND_FIELDS); without this script every field shows and the server drops what the kind
// does not ask for. The case page swaps its event panel in with htmx, so forms are set up again
// after each swap.
(function () {
  "use strict";

  function fieldBox(input) {
    // The field's wrapper (crispy-forms' div holding its label, input, help and errors).
    return input.closest(".mb-3") || input.parentElement;
  }

  function show(form) {
    var kind = form.querySelector('select[name="kind"]');
    if (!kind) return;
    form.querySelectorAll("[data-event-kinds]").forEach(function (input) {
      var asked = input.getAttribute("data-event-kinds").split(" ").indexOf(kind.value) !== -1;
      fieldBox(input).hidden = !asked;
    });
  }

  function setUp(root) {
    root.querySelectorAll("form").forEach(function (form) {
      var kind = form.querySelector('select[name="kind"]');
      if (!kind || !form.querySelector("[data-event-kinds]") || kind.dataset.eventFormReady) return;
      kind.dataset.eventFormReady = "yes";
      kind.addEventListener("change", function () { show(form); });
      show(form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  // After any swap, the whole page again: a form already set up is left alone.
  document.addEventListener("htmx:afterSettle", function () { setUp(document); });
})();
