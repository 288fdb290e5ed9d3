// Our own behaviour for every page. Kept tiny: pages work without it, and the
// Content-Security-Policy forbids inline scripts, so behaviour lives here.
document.addEventListener("htmx:configRequest", (event) => {
  // Django's CSRF check for htmx requests made outside a form.
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});
