/* The phone's navigation and table-of-contents dialogs:
 * - following a link inside one closes it, so that the page (or the section)
 *   it leads to is seen;
 * - closing one gives the keyboard focus back to the button that opened it
 *   (sphinx-book-theme blurs the button on click, so pydata-sphinx-theme's
 *   own hand-back found nothing to return to). */
"use strict";
(() => {
  let opener = null;
  document.addEventListener("click", (event) => {
    const target = event.target.closest ? event.target : null;
    if (!target) return;
    const toggle = target.closest(".primary-toggle, .secondary-toggle");
    if (toggle) opener = toggle;
    const link = target.closest("dialog a[href]");
    const dialog = link && link.closest("dialog");
    if (dialog && dialog.open) dialog.close();
  }, true);
  document.querySelectorAll("dialog").forEach((dialog) => {
    dialog.addEventListener("close", () => {
      const back = opener;
      setTimeout(() => {
        if (back && (!document.activeElement || document.activeElement === document.body)) back.focus();
      }, 0);
    });
  });
})();
