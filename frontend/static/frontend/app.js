// After a form is refused, move the focus to the summary of what to fix (it links to each field), so that
// a screen reader reads it first and the keyboard starts there. No inline script: CSP allows only files.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector(".error-summary")
    || document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (target) target.focus();
});

// The prefecture picker: typing narrows the 47 checkboxes (by name or reading), the count follows the ticks.
document.addEventListener("DOMContentLoaded", () => {
  for (const picker of document.querySelectorAll("[data-picker]")) {
    const search = picker.querySelector("[data-picker-search]");
    const count = picker.querySelector("[data-picker-count]");
    const boxes = picker.querySelectorAll("input[type=checkbox]");
    const template = count.dataset.template || count.textContent.replace(/\d+/, "{n}");
    count.dataset.template = template;
    const recount = () => {
      count.textContent = template.replace("{n}", [...boxes].filter((b) => b.checked).length);
    };
    picker.addEventListener("change", recount);
    search.addEventListener("input", () => {
      const term = search.value.trim();
      for (const item of picker.querySelectorAll("[data-picker-item]")) {
        item.hidden = term !== "" && !item.dataset.name.includes(term);
      }
      for (const region of picker.querySelectorAll("[data-picker-region]")) {
        region.hidden = ![...region.querySelectorAll("[data-picker-item]")].some((item) => !item.hidden);
      }
    });
  }
});
