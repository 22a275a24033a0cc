// Small behaviours of the offboarding pages. Loaded with defer from base.html; the
// Content-Security-Policy allows no inline script, so everything is wired here from
// data attributes. Every page still works without it.
(function () {
  "use strict";

  // --- Busy state: a button with data-busy="…" (its busy text, translated by the
  // template) that starts work is disabled and shows a spinner until the page changes
  // (a form post) or htmx answers. A button with an empty data-busy shows the page's
  // translated default, <html data-busy-text="…"> from base.html.
  function busyText(button) {
    return button.dataset.busy || document.documentElement.dataset.busyText || "…";
  }

  function setBusy(button) {
    if (!button || button.dataset.busyOn) return;
    button.dataset.busyOn = "true";
    button.dataset.busyWas = button.innerHTML;
    const spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    button.replaceChildren(spinner, document.createTextNode(busyText(button)));
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
  }

  function clearBusy(button) {
    if (!button || !button.dataset.busyOn) return;
    button.innerHTML = button.dataset.busyWas;
    delete button.dataset.busyOn;
    delete button.dataset.busyWas;
    button.removeAttribute("aria-busy");
    button.disabled = false;
  }

  function busyButton(form, submitter) {
    if (submitter && submitter.matches("[data-busy]")) return submitter;
    return form.querySelector("button[data-busy]");
  }

  document.addEventListener("submit", function (event) {
    // htmx takes over its own forms (and prevents the default): see htmx events below.
    if (event.defaultPrevented || event.target.hasAttribute("hx-post")) return;
    const button = busyButton(event.target, event.submitter);
    // After this turn: a button disabled now would drop out of the submitted form.
    if (button) window.setTimeout(function () { setBusy(button); }, 0);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.tagName === "FORM") setBusy(busyButton(elt, null));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const elt = event.detail.elt;
    if (elt && elt.tagName === "FORM") clearBusy(busyButton(elt, null));
  });

  // Back to a page from the browser's cache: its buttons are not busy any more.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("[data-busy-on]").forEach(clearBusy);
  });

  // --- Show only the field that fits a choice: an input with data-show-if="held=held"
  // is shown (and sent) only while the radio "held" has the value "held". Without this
  // script both stay visible, and their help texts say which one applies.
  function wrapperOf(input) {
    return input.closest(".mb-3") || input.parentElement;
  }

  function applyShowIf(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (input) {
      const [name, value] = input.dataset.showIf.split("=");
      const chosen = form.querySelector('input[name="' + name + '"]:checked');
      const show = chosen !== null && chosen.value === value;
      wrapperOf(input).hidden = !show;
      input.disabled = !show;
    });
  }

  function initShowIf() {
    const forms = new Set();
    document.querySelectorAll("[data-show-if]").forEach(function (input) {
      if (input.form) forms.add(input.form);
    });
    forms.forEach(function (form) {
      applyShowIf(form);
      form.addEventListener("change", function () { applyShowIf(form); });
    });
  }

  // --- A revealed secret can be hidden again, without a server call: the revealed
  // text leaves the page, and the masked form comes back (revealing again is audited
  // again by the server).
  document.addEventListener("htmx:afterSwap", function (event) {
    const slot = event.detail.target;
    if (!slot || !slot.matches("[data-revealed]")) return;
    const row = slot.closest("tr");
    row.querySelectorAll("form[data-reveal], [data-recovery-masked]").forEach(function (el) {
      el.hidden = true;
    });
    const hide = slot.querySelector("[data-hide-secret]");
    if (hide) hide.focus();
  });

  document.addEventListener("click", function (event) {
    const hide = event.target.closest("[data-hide-secret]");
    if (!hide) return;
    const row = hide.closest("tr");
    row.querySelectorAll("[data-revealed]").forEach(function (slot) { slot.replaceChildren(); });
    row.querySelectorAll("form[data-reveal], [data-recovery-masked]").forEach(function (el) {
      el.hidden = false;
    });
    const reveal = row.querySelector("form[data-reveal] button");
    if (reveal) reveal.focus();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initShowIf);
  } else {
    initShowIf();
  }
})();
