// Small behaviours shared by every page, kept out of the HTML so that the
// Content-Security-Policy can forbid inline scripts.
(function () {
  // <form data-confirm="Question?">: ask before submitting.
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // <input data-select-on-click>: select the whole value, ready to copy.
  document.addEventListener("click", (event) => {
    if (event.target.matches("[data-select-on-click]")) event.target.select();
  });

  // A table wider than the screen scrolls sideways in its .table-responsive box. While it does,
  // the box takes keyboard focus, so arrow keys scroll it (WCAG 2.1.1), and is a region named by
  // the heading above it, in the page's own words.
  function headingBefore(element) {
    const headings = [...document.querySelectorAll("main :is(h1, h2, h3, h4, h5, h6)")];
    return headings.filter((h) => h.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
  }
  function reachScrollingTables() {
    document.querySelectorAll(".table-responsive").forEach((box, index) => {
      const scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute("tabindex")) {
        const heading = headingBefore(box);
        box.tabIndex = 0;
        box.dataset.scrolls = "";
        if (heading) {
          heading.id ||= `table-heading-${index}`;
          box.setAttribute("role", "region");
          box.setAttribute("aria-labelledby", heading.id);
        }
      } else if (!scrolls && "scrolls" in box.dataset) {
        ["tabindex", "role", "aria-labelledby", "data-scrolls"].forEach((name) => box.removeAttribute(name));
      }
    });
  }
  reachScrollingTables();
  window.addEventListener("resize", () => window.requestAnimationFrame(reachScrollingTables));
  document.addEventListener("htmx:afterSettle", reachScrollingTables);
})();
