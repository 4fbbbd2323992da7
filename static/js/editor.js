/* The questionnaire editor's few behaviours; without them every part is shown and works.
   - The preview's width (phone 360 px / desktop) and the language it shows.
   - A question's form shows only the parts of its kind (choices, number or text rules),
     and "Add a choice" adds a row to the choices formset at once.
   - Deleting a question asks first. */
(function () {
  "use strict";

  function previewControls() {
    var frame = document.getElementById("preview");
    var widths = document.querySelector(".preview-widths");
    if (!frame || !widths) return;
    widths.hidden = false;
    widths.querySelectorAll("button[data-width]").forEach(function (button) {
      button.addEventListener("click", function () {
        frame.className = "preview-frame " + button.dataset.width;
        widths.querySelectorAll("button[data-width]").forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === button));
        });
      });
    });
    document.querySelectorAll(".preview-language").forEach(function (link) {
      link.addEventListener("click", function () {
        document.querySelectorAll(".preview-language").forEach(function (other) {
          other.classList.toggle("current", other === link);
          if (other === link) other.setAttribute("aria-current", "true");
          else other.removeAttribute("aria-current");
        });
      });
    });
  }

  function kindParts() {
    var kind = document.getElementById("id_kind");
    if (!kind) return;
    function show() {
      document.querySelectorAll(".kind-part").forEach(function (part) {
        part.hidden = part.dataset.kinds.split(" ").indexOf(kind.value) < 0;
      });
    }
    kind.addEventListener("change", show);
    show();
  }

  function addChoice() {
    var template = document.getElementById("choice-template");
    var total = document.getElementById("id_choices-TOTAL_FORMS");
    var offer = document.querySelector(".add-choice");
    if (!template || !total || !offer) return;
    offer.hidden = false;
    offer.querySelector("button").addEventListener("click", function () {
      var index = Number(total.value);
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      var body = document.querySelector("table.choices tbody");
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      body.lastElementChild.querySelector("input").focus();
    });
  }

  function confirmations() {
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
  }

  previewControls();
  kindParts();
  addChoice();
  confirmations();
})();
