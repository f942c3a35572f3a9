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
})();
