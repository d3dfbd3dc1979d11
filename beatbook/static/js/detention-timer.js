// The live timer of an open detention pending a constable ([data-detention-timer]).
// Everything comes from data attributes, so a reload picks up where it was: the start
// (ISO 8601, UTC), the limit in minutes, optionally the warning minutes (else 20 and 25, or 10 and
// 5 minutes before a shorter limit, as services/detention.py `warning_minutes`), the state labels
// and the messages ({minutes} and {deadline} are filled in). The clock shows minutes:seconds since
// the start; each new state (warning, urgent, limit reached) changes the tag's word and colour and
// is announced once through the aria-live region. Without JS the page still shows the start and
// the deadline.
(function () {
  "use strict";

  var STAGES = ["running", "warn", "urgent", "limit"];
  var TAGS = ["govuk-tag--green", "govuk-tag--yellow", "govuk-tag--orange", "govuk-tag--red"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function londonTime(date) {
    try {
      return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/London" }).format(date);
    } catch (e) {
      return pad(date.getHours()) + ":" + pad(date.getMinutes());
    }
  }

  function number(value, fallback) {
    var parsed = parseInt(value, 10);
    return isNaN(parsed) ? fallback : parsed;
  }

  function start(el) {
    if (el.dataset.timerReady) { return; }
    var startMs = Date.parse(el.dataset.start);
    var limit = number(el.dataset.limitMinutes, NaN);
    if (isNaN(startMs) || isNaN(limit)) { return; }
    el.dataset.timerReady = "1";
    var warn = number(el.dataset.warnMinutes, Math.max(0, Math.min(20, limit - 10)));
    var urgent = number(el.dataset.urgentMinutes, Math.max(0, Math.min(25, limit - 5)));
    var deadline = londonTime(new Date(startMs + limit * 60000));
    var clock = el.querySelector("[data-timer-clock]");
    var value = el.querySelector("[data-timer-value]");
    var tag = el.querySelector("[data-timer-tag]");
    var alertBox = el.querySelector("[data-timer-alert]");
    var message = el.querySelector("[data-timer-message]");
    var live = el.querySelector("[data-timer-status]");
    var deadlineEl = el.querySelector("[data-timer-deadline]");
    var fallback = el.querySelector("[data-timer-deadline-fallback]");
    if (deadlineEl && !deadlineEl.textContent.trim()) {
      deadlineEl.textContent = deadline;
      if (fallback) { fallback.hidden = true; }
    }
    if (clock) { clock.hidden = false; }
    var stage = -1;

    function show(next, minutes) {
      stage = next;
      el.setAttribute("data-stage", STAGES[next]);
      if (tag) {
        TAGS.forEach(function (name) { tag.classList.remove(name); });
        tag.classList.add(TAGS[next]);
        tag.textContent = el.dataset["label" + STAGES[next].charAt(0).toUpperCase() + STAGES[next].slice(1)] || STAGES[next];
      }
      var key = next === 1 ? "msgWarn" : next === 2 ? "msgUrgent" : next === 3 ? "msgLimit" : "";
      var text = key ? (el.dataset[key] || "").replace("{minutes}", String(minutes)).replace("{deadline}", deadline) : "";
      if (message) { message.textContent = text; }
      if (alertBox) { alertBox.hidden = !text; }
      if (live) { live.textContent = text; }
    }

    function tick() {
      var seconds = Math.max(0, Math.floor((Date.now() - startMs) / 1000));
      var minutes = Math.floor(seconds / 60);
      if (value) { value.textContent = pad(minutes) + ":" + pad(seconds % 60); }
      var next = seconds >= limit * 60 ? 3 : seconds >= urgent * 60 ? 2 : seconds >= warn * 60 ? 1 : 0;
      if (next !== stage) { show(next, minutes); }
    }

    tick();
    window.setInterval(tick, 1000);
  }

  function init(root) {
    root.querySelectorAll("[data-detention-timer]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
