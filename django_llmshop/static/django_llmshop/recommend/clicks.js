/* Counts a click on a recommended product in browsers that send no ping (Firefox, by default):
   the same click URL gets a beacon. The server counts a click once per view and product, so a
   browser that sends both the ping and the beacon still counts one click. */
(function () {
  "use strict";
  if (window.llmshopRecommendClicks) {
    return;
  }
  window.llmshopRecommendClicks = true;

  function send(event) {
    if (event.type === "auxclick" && event.button !== 1) {
      return; // only a middle click opens the link
    }
    var target = event.target;
    var link = target instanceof Element ? target.closest("a[data-llmshop-click]") : null;
    if (link && navigator.sendBeacon) {
      navigator.sendBeacon(link.getAttribute("data-llmshop-click"));
    }
  }

  document.addEventListener("click", send, true);
  document.addEventListener("auxclick", send, true);
})();
