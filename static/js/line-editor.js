// The cocktail line editor: add and remove ingredient rows without reloading the page.
// Removed rows stay in the form with DELETE ticked, so the formset's numbering holds.
(function () {
  const form = document.getElementById("composition-form");
  if (!form) return;
  const rows = document.getElementById("line-rows");
  const template = document.getElementById("empty-line");
  const totalForms = form.querySelector("input[name='lines-TOTAL_FORMS']");
  // "Maximum {limits}" in the page's language.
  const limitText = document.getElementById("line-table").dataset.limitText;

  function markInvalid(row) {
    row.querySelectorAll(".invalid-feedback").forEach((el) => {
      el.closest("td").querySelector("select, input:not([type='checkbox'])")?.classList.add("is-invalid");
    });
  }

  function showLimit(row) {
    const select = row.querySelector("select[name$='-ingredient']");
    const option = select && select.selectedOptions[0];
    const limit = row.querySelector(".line-limit");
    if (!option || !limit) return;
    limit.textContent = option.dataset.max ? limitText.replace("{limits}", option.dataset.max) : "";
  }

  function onIngredientChange(event) {
    const select = event.target;
    if (!select.matches("select[name$='-ingredient']")) return;
    const row = select.closest("tr");
    const unit = row.querySelector("select[name$='-unit']");
    const option = select.selectedOptions[0];
    if (unit && option && option.dataset.unit) unit.value = option.dataset.unit;
    showLimit(row);
  }

  document.getElementById("add-line").addEventListener("click", () => {
    const index = parseInt(totalForms.value, 10);
    const fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("[name], [id], label[for]").forEach((el) => {
      for (const attr of ["name", "id", "for"]) {
        if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace("__prefix__", index));
      }
    });
    const row = fragment.querySelector("tr");
    rows.appendChild(fragment);
    totalForms.value = index + 1;
    row.querySelector("select").focus();
  });

  rows.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-line");
    if (!button) return;
    const row = button.closest("tr");
    row.querySelector("input[name$='-DELETE']").checked = true;
    row.hidden = true;
    htmx.trigger(form, "line-removed");
  });

  rows.addEventListener("change", onIngredientChange);
  rows.querySelectorAll("tr").forEach((row) => {
    markInvalid(row);
    showLimit(row);
  });
})();
