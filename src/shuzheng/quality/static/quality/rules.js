// The rule form shows only the inputs and the description of the chosen rule type. Without
// this script every input shows and the server ignores those the type does not use.
(() => {
  const form = document.querySelector("[data-rule-form]");
  if (!form) return;
  const select = form.querySelector("select[name=rule_type]");
  const show = () => {
    for (const element of form.querySelectorAll("[data-for-types]")) {
      element.hidden = !element.dataset.forTypes.split(" ").includes(select.value);
    }
  };
  select.addEventListener("change", show);
  show();
  for (const button of document.querySelectorAll("button[data-confirm]")) {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  }
})();
