// After a form is refused, move the focus to the summary of what to fix (it links to each field), so that
// a screen reader reads it first and the keyboard starts there. No inline script: CSP allows only files.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector(".error-summary")
    || document.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (target) target.focus();
});
