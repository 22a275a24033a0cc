// Searchable multi-selects: every <select multiple data-picker> becomes a Tom Select
// (static/vendor/tom-select). Without JavaScript the plain <select multiple> still works.
// The words come from the page, translated: data-placeholder (the search box's hint) and
// data-no-results (shown when no name matches) on the select.
(function () {
  "use strict";

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    // Tom Select moves the label to its own search box; the original select stays in the
    // page, hidden, and keeps its name for assistive technology.
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label && !select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", label.textContent.replace(/\*\s*$/, "").trim());
    }
    new window.TomSelect(select, {
      plugins: ["remove_button", "checkbox_options"],
      hidePlaceholder: true,
      placeholder: select.dataset.placeholder || null,
      maxOptions: null,
      closeAfterSelect: false,
      onItemAdd: function () {
        // Picked: clear the search so the next name can be typed straight away.
        this.setTextboxValue("");
        this.refreshOptions(false);
      },
      render: {
        no_results: function (data, escape) {
          return '<div class="no-results">' + escape(select.dataset.noResults || "…") + "</div>";
        },
      },
    });
  }

  function enhanceAll(root) {
    root.querySelectorAll("select[multiple][data-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
})();
