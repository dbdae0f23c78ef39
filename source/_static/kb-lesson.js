/* Lesson pages: the 打印本课 button of the lesson card prints the page
 * (kb-print.css lays it out for paper). */
"use strict";
document.querySelectorAll(".kb-print-button").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
