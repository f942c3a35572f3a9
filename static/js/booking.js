// The booking form: a picked patient or slot fills the form's fields.
(function () {
  const form = document.getElementById("booking-form");
  if (!form) return;
  const patientInput = form.querySelector("input[name='patient']");
  const chosen = document.getElementById("patient-chosen");
  const results = document.getElementById("patient-results");

  document.addEventListener("click", (event) => {
    const patient = event.target.closest(".patient-choice");
    if (patient) {
      patientInput.value = patient.dataset.patient;
      chosen.textContent = patient.dataset.label;
      chosen.classList.remove("d-none");
      results.innerHTML = "";
      document.getElementById("patient-search").value = "";
      // Say at once if the patient is on clinical hold.
      const hold = document.getElementById("patient-hold");
      const holdUrl = hold.dataset.url + "?patient=" + encodeURIComponent(patient.dataset.patient);
      htmx.ajax("GET", holdUrl, { target: "#patient-hold", swap: "innerHTML" });
      // Offer again the slots, now without those the patient is already booked at.
      htmx.trigger("#slot-finder", "change");
      // The chosen button is gone with the results: keep the keyboard in the form, on its next field.
      form.querySelector("[name='practitioner']").focus();
      return;
    }
    const slot = event.target.closest(".slot-choice");
    if (slot) {
      form.querySelector("[name='start']").value = slot.dataset.start;
      form.querySelector("[name='room']").value = slot.dataset.room;
      form.querySelector("[name='practitioner']").value = slot.dataset.practitioner;
      form.querySelector("[name='minutes']").value = document.getElementById("slot-minutes").value;
      // Pressed, for screen readers; filled and ticked on screen (mesoplan.css), not by colour alone.
      document.querySelectorAll(".slot-choice[aria-pressed='true']").forEach((other) => {
        other.setAttribute("aria-pressed", "false");
        other.classList.remove("active");
      });
      slot.setAttribute("aria-pressed", "true");
      slot.classList.add("active");
    }
  });
})();
