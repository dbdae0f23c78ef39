/* The lesson finder (curriculum and educators pages): the filters' values
 * are classes of the lessons' list items (kb_listings.render_finder); a
 * lesson shows when it has every chosen class, a stage heading when one of
 * its lessons shows. Without script the whole list shows. */
"use strict";
(() => {
  const form = document.querySelector(".kb-finder-filters");
  const finder = document.querySelector(".kb-finder");
  if (!form || !finder) return;
  const status = form.querySelector(".kb-finder-status");
  const total = finder.querySelectorAll("li.kb-finder-item").length;
  const apply = () => {
    const wanted = [...form.querySelectorAll("select")].map((s) => s.value).filter(Boolean);
    let shown = 0;
    finder.querySelectorAll("ul.kb-finder-list").forEach((list) => {
      let inList = 0;
      list.querySelectorAll("li.kb-finder-item").forEach((item) => {
        const ok = wanted.every((cls) => item.classList.contains(cls));
        item.hidden = !ok;
        if (ok) inList += 1;
      });
      list.hidden = inList === 0;
      const heading = list.previousElementSibling;
      if (heading && heading.classList.contains("kb-finder-stage")) heading.hidden = inList === 0;
      shown += inList;
    });
    status.textContent = wanted.length ? (shown ? `符合条件的课程：${shown} 课（共 ${total} 课）。`
      : `没有符合条件的课程（共 ${total} 课）。可以把某个筛选改为“全部”。`) : `共 ${total} 课。`;
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  apply();
})();
