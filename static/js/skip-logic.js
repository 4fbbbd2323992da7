// Skip logic in the respondent's form: shows a question only while its condition holds over
// the answers above it, as the server will judge it (surveys/conditions/judging.py). Each
// conditional question carries its condition as JSON (surveys.conditions.condition_json) in
// data-condition. A hidden question's inputs are disabled, so they are not sent, and it
// counts as unanswered for the conditions below it. Without this script every question is
// shown with its condition in words, and the server drops the answers that do not apply.
(function () {
  "use strict";
  var form = document.querySelector("form[data-skip-logic]");
  if (!form) {
    return;
  }
  // A number as the server reads it (surveys/answers.py NUMBER_TYPED): a point or a comma
  // before the fraction, thousands set apart by spaces.
  var NUMBER = /^[+-]?(\d{1,15}|\d{1,3}(?:[ \u00a0\u202f]\d{3}){1,4})(?:[.,]\d{1,10})?$/;
  var questions = Array.prototype.map.call(
    form.querySelectorAll("[data-question]"),
    function (block) {
      var condition = block.getAttribute("data-condition");
      return {
        block: block,
        code: block.getAttribute("data-question"),
        kind: block.getAttribute("data-kind"),
        condition: condition ? JSON.parse(condition) : null,
      };
    }
  );

  function answerOf(question) {
    var block = question.block;
    if (question.kind === "multi") {
      return Array.prototype.map.call(
        block.querySelectorAll("input[type=checkbox]:checked"),
        function (box) { return box.value; }
      );
    }
    if (question.kind === "single" || question.kind === "ordinal") {
      var chosen = block.querySelector("input[type=radio]:checked");
      return chosen ? chosen.value : null;
    }
    var field = block.querySelector("input[name='" + question.code + "'], textarea[name='" + question.code + "']");
    var typed = field ? field.value.trim() : "";
    if (question.kind === "number") {
      return NUMBER.test(typed) ? Number(typed.replace(/[ \u00a0\u202f]/g, "").replace(",", ".")) : null;
    }
    return typed || null;
  }

  function compared(left, operator, right) {
    switch (operator) {
      case "=": return left === right;
      case "!=": return left !== right;
      case "<": return left < right;
      case ">": return left > right;
      case "<=": return left <= right;
      default: return left >= right;
    }
  }

  function holds(node, answers) {
    if (node.op === "and") {
      return holds(node.args[0], answers) && holds(node.args[1], answers);
    }
    if (node.op === "or") {
      return holds(node.args[0], answers) || holds(node.args[1], answers);
    }
    if (node.op === "not") {
      return !holds(node.args[0], answers);
    }
    var given = answers[node.question];
    if (node.op === "selected") {
      return Array.isArray(given) ? given.indexOf(node.choice) >= 0 : given === node.choice;
    }
    if (node.count) {
      return compared(Array.isArray(given) ? given.length : 0, node.operator, node.value);
    }
    if (given === undefined || given === null || given === "" || (Array.isArray(given) && !given.length)) {
      return node.operator === (node.value === "" ? "=" : "!=");
    }
    if (node.value === "") {
      return node.operator === "!=";
    }
    if (node.kind === "ordinal") {
      return compared(node.order.indexOf(given), node.operator, node.order.indexOf(node.value));
    }
    return compared(given, node.operator, node.value);
  }

  function update() {
    var answers = {};
    questions.forEach(function (question) {
      var asked = !question.condition || holds(question.condition, answers);
      question.block.hidden = !asked;
      question.block.querySelectorAll("input, textarea").forEach(function (field) {
        field.disabled = !asked;
      });
      if (asked) {
        answers[question.code] = answerOf(question);
      }
    });
  }

  // The one name this script exposes: the browser test checks it judges as the server does.
  window.skipLogicHolds = holds;
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
