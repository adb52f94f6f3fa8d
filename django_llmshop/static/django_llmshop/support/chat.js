// The support chat widget: open/close, streaming replies with EventSource, retry, rating.
// Reply HTML comes from the server, which renders model text only through render_markdown.
(function () {
  "use strict";
  var root = document.querySelector("[data-llmshop-chat]");
  if (!root) return;
  var toggle = root.querySelector(".llmshop-chat__toggle");
  var panel = root.querySelector(".llmshop-chat__panel");
  var log = root.querySelector(".llmshop-chat__log");
  var input = root.querySelector("textarea");
  var csrf = root.getAttribute("data-csrf");
  var open = 0;

  // The transcript polls every 15 s; a poll is dropped while a reply streams or the panel is
  // closed. (A filter in hx-trigger would need eval, which the shop's CSP may forbid.)
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt === log && (open > 0 || panel.hidden)) event.preventDefault();
  });

  // While a person has the conversation (the transcript carries data-llmshop-person), it is
  // fetched every few seconds, so that the team's replies and the "joined" notice show soon.
  var PERSON_POLL_MS = 4000;
  function refresh() { htmx.trigger(log, "llmshop-chat-poll"); }
  window.setInterval(function () {
    if (!panel.hidden && log.querySelector("[data-llmshop-person]")) refresh();
  }, PERSON_POLL_MS);

  function show(visible) {
    panel.hidden = !visible;
    toggle.setAttribute("aria-expanded", String(visible));
    toggle.hidden = visible;
    try { sessionStorage.setItem("llmshop-chat-open", visible ? "1" : ""); } catch (e) { /* private mode */ }
    if (visible) { input.focus(); log.scrollTop = log.scrollHeight; } else { toggle.focus(); }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body || {})
    });
  }

  function stream(article) {
    var url = article.getAttribute("data-stream-url");
    if (!url || article.hasAttribute("data-streaming")) return;
    article.setAttribute("data-streaming", "");
    article.setAttribute("data-status", "streaming");
    var body = article.querySelector(".llmshop-chat__body");
    var text = "";
    open += 1;
    var source = new EventSource(url);
    function end() { source.close(); open -= 1; article.removeAttribute("data-streaming"); article.removeAttribute("data-stream-url"); }
    source.addEventListener("token", function (event) {
      text += JSON.parse(event.data);
      body.textContent = text;  // plain text while streaming; the final HTML replaces it
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener("done", function (event) {
      var data = JSON.parse(event.data);
      body.innerHTML = data.html;  // sanitised by the server
      actions(article, "done");
      end();
      article.setAttribute("data-status", "done");  // last, so a reader of "done" sees the final HTML
      // The reply may have handed the chat to a person: fetch the transcript once to see.
      if (open === 0) refresh();
    });
    source.addEventListener("error", function (event) {
      // A dropped connection: EventSource reconnects by itself, unless the server refused the
      // stream (it is then closed): the reply is shown as failed, with its retry.
      if (!event.data && source.readyState !== EventSource.CLOSED) return;
      if (event.data) body.textContent = JSON.parse(event.data).message;
      article.classList.add("llmshop-chat__msg--failed");
      actions(article, "failed");
      end();
      article.setAttribute("data-status", "failed");
    });
  }

  function actions(article, status) {
    var box = article.querySelector(".llmshop-chat__actions");
    if (!box) return;
    box.textContent = "";
    var buttons = status === "failed"
      ? [["retry", root.dataset.retryLabel || "Try again"], ["handoff", root.dataset.handoffLabel || "Talk to a person"]]
      : [["rate", "👍", "1"], ["rate", "👎", "-1"]];
    buttons.forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-action", spec[0]);
      button.textContent = spec[1];
      if (spec[2]) { button.setAttribute("data-value", spec[2]); button.setAttribute("aria-pressed", "false"); }
      box.appendChild(button);
    });
  }

  function streamAll() { log.querySelectorAll("[data-stream-url]").forEach(stream); }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button === toggle) { show(true); return; }
    var action = button.getAttribute("data-action");
    var article = button.closest("[data-message-id]");
    if (action === "close") show(false);
    if (action === "ask-person") {
      // Sent as a message: the chat hands off on it and says so in the transcript.
      input.value = root.getAttribute("data-person-message");
      htmx.trigger(input.form, "submit");
    }
    if (action === "retry" && article) {
      post(article.getAttribute("data-retry-url")).then(function (response) {
        if (!response.ok) { refresh(); return; }  // not failed after all: show where it stands
        article.classList.remove("llmshop-chat__msg--failed");
        article.setAttribute("data-stream-url", article.getAttribute("data-retry-url").replace(/retry\/$/, "stream/"));
        article.querySelector(".llmshop-chat__actions").textContent = "";
        stream(article);
      });
    }
    if (action === "rate" && article) {
      post(article.getAttribute("data-rating-url"), {value: Number(button.getAttribute("data-value"))});
      button.parentNode.querySelectorAll("[data-action=rate]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
    }
    if (action === "handoff" && article) {
      button.disabled = true;
      post(article.getAttribute("data-handoff-url")).then(function () {
        htmx.ajax("GET", root.getAttribute("data-transcript-url"), {target: log, swap: "innerHTML"});
      });
    }
  });

  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) show(false);
    if (event.target === input && event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      if (input.value.trim()) htmx.trigger(input.form, "submit");
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (root.contains(event.target)) { streamAll(); log.scrollTop = log.scrollHeight; }
  });
  document.body.addEventListener("llmshop-chat-sent", function () { input.value = ""; });
  try { if (sessionStorage.getItem("llmshop-chat-open")) show(true); } catch (e) { /* private mode */ }
  streamAll();
})();
