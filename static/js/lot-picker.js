// The product and lot picker of the recording and correction forms. Without it the fields
// are plain text the server resolves (a product by its name or label, a lot by its
// normalised number); with it, suggestions fill each field's <datalist> as one types:
// the catalogue's products, then the registered lots of the product chosen, whose expiry
// is filled in when one is picked.
(function () {
  const DELAY_MS = 200;
  const productIds = new Map(); // label → id, from the suggestions seen
  const lotsShown = new Map(); // datalist id → {lot number → expiry}

  function fill(datalist, values) {
    datalist.replaceChildren(
      ...values.map((value) => {
        const option = document.createElement("option");
        option.value = value;
        return option;
      }),
    );
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      (response) => (response.ok ? response.json() : null),
    );
  }

  function debounce(action) {
    let timer = null;
    return (event) => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => action(event), DELAY_MS);
    };
  }

  function say(picker, text) {
    const status = picker.querySelector("[data-lot-status]");
    if (status) status.textContent = text;
  }

  // The page gives the words, in its language: data-say-products-one, data-say-products-other…
  // The page's language decides which form a count takes (French says "one" for 0 too).
  function sayCount(picker, what, count) {
    const form = new Intl.PluralRules(document.documentElement.lang).select(count) === "one" ? "One" : "Other";
    say(picker, picker.dataset[`say${what}${form}`].replace("{count}", count));
  }

  function suggestProducts(picker, input) {
    const query = input.value.trim();
    if (!query || productIds.has(query)) return;
    fetchJson(`${picker.dataset.productsUrl}?q=${encodeURIComponent(query)}`).then((answer) => {
      if (!answer) return;
      answer.products.forEach((product) => productIds.set(product.label, product.id));
      fill(document.getElementById("product-options"), answer.products.map((product) => product.label));
      sayCount(picker, "Products", answer.products.length);
    });
  }

  function suggestLots(picker, row, input, retried) {
    const product = row.querySelector("[data-product-search]");
    const label = product ? product.value.trim() : "";
    const productId = productIds.get(label);
    const datalist = document.getElementById(input.getAttribute("list"));
    if (!label || !datalist) return;
    if (!productId) {
      // A product typed in full or filled in by the page: learn its id once, then ask again.
      if (retried) return;
      fetchJson(`${picker.dataset.productsUrl}?q=${encodeURIComponent(label)}`).then((answer) => {
        if (!answer) return;
        answer.products.forEach((found) => productIds.set(found.label, found.id));
        suggestLots(picker, row, input, true);
      });
      return;
    }
    fetchJson(`${picker.dataset.lotsUrl}?product=${productId}&q=${encodeURIComponent(input.value.trim())}`).then(
      (answer) => {
        if (!answer) return;
        const expiries = new Map(answer.lots.map((lot) => [lot.lot_number, lot.expiry]));
        lotsShown.set(datalist.id, expiries);
        fill(datalist, [...expiries.keys()]);
        if (answer.lots.length) sayCount(picker, "Lots", answer.lots.length);
        else say(picker, picker.dataset.sayNewLot);
      },
    );
  }

  function fillExpiry(row, input) {
    const expiries = lotsShown.get(input.getAttribute("list"));
    const expiry = expiries && expiries.get(input.value.trim());
    const field = row.querySelector("input[name$='-expiry_date']");
    if (expiry && field) field.value = expiry;
  }

  document.querySelectorAll("[data-lot-picker]").forEach((picker) => {
    picker.querySelectorAll("[data-lot-row]").forEach((row) => {
      const lot = row.querySelector("[data-lot-search]");
      if (lot) lot.setAttribute("list", `${lot.id}-options`);
    });
    const onInput = debounce((event) => {
      const row = event.target.closest("[data-lot-row]");
      if (event.target.matches("[data-product-search]")) suggestProducts(picker, event.target);
      if (event.target.matches("[data-lot-search]")) suggestLots(picker, row, event.target);
    });
    picker.addEventListener("input", onInput);
    picker.addEventListener("change", (event) => {
      if (event.target.matches("[data-lot-search]")) fillExpiry(event.target.closest("[data-lot-row]"), event.target);
    });
  });
})();
