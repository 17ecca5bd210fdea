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

// The menu's drop-down groups (<details>, they work without this): one open at a time; Escape or a click
// elsewhere closes it, Escape giving the focus back to the group's name.
document.addEventListener("DOMContentLoaded", () => {
  const groups = [...document.querySelectorAll(".menu-group details")];
  for (const group of groups) {
    group.addEventListener("toggle", () => {
      if (group.open) for (const other of groups) if (other !== group) other.open = false;
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = groups.find((group) => group.open);
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
  document.addEventListener("click", (event) => {
    for (const group of groups) if (group.open && !group.contains(event.target)) group.open = false;
  });
});
