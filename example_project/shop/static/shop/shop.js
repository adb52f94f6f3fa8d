// The storefront's own script, in a file: the Content-Security-Policy allows no inline handler.
// A <select data-submit-on-change> (the language picker) submits its form when changed.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select[data-submit-on-change]") && target.form) {
    target.form.submit();
  }
});
