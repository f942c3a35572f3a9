// Signing by drawing (templates/consents/_signature_forms.html): the drawing section is
// hidden until this runs, so without JavaScript only the typed way shows. The drawing is
// posted as a PNG data URL in a hidden field; the server decodes and checks it.
(function () {
  const section = document.querySelector("[data-signature-pad]");
  if (!section || typeof window.SignaturePad !== "function") return;
  section.hidden = false;
  document.querySelectorAll("[data-signature-or]").forEach((element) => (element.hidden = false));
  document.querySelectorAll("[data-signature-only]").forEach((element) => (element.hidden = true));

  const canvas = section.querySelector("canvas");
  const form = section.querySelector("[data-signature-form]");
  const field = form.querySelector("input[name='drawn-drawing']");
  const empty = section.querySelector("[data-signature-empty]");
  const pad = new window.SignaturePad(canvas, { penColor: "#0b1f33", minWidth: 1, maxWidth: 3 });

  // The canvas draws in device pixels: sized to its box on screen, or lines come out blurred
  // and offset from the finger. Resizing clears it, so a drawing is kept across the change.
  function fit() {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const drawing = pad.isEmpty() ? null : pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    if (drawing) pad.fromData(drawing);
  }
  fit();
  window.addEventListener("resize", () => window.requestAnimationFrame(fit));

  pad.addEventListener("beginStroke", () => (empty.hidden = true));
  section.querySelector("[data-signature-clear]").addEventListener("click", () => {
    pad.clear();
    field.value = "";
  });
  form.addEventListener("submit", (event) => {
    if (pad.isEmpty()) {
      event.preventDefault();
      empty.hidden = false;
      return;
    }
    field.value = pad.toDataURL("image/png");
  });
})();
